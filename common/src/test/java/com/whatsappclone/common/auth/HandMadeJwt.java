package com.whatsappclone.common.auth;

import io.jsonwebtoken.jackson.io.JacksonDeserializer;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds and takes apart compact JWS strings with nothing but the JDK, the way golang-jwt does, so
 * tests do not verify the JWT library with itself.
 */
final class HandMadeJwt {
  static final String GO_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

  private HandMadeJwt() {}

  static String b64(String json) {
    return b64(json.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  /** {@code jcaAlgorithm} is e.g. HmacSHA256; the header is written as given. */
  static String sign(String headerJson, String payloadJson, byte[] secret, String jcaAlgorithm) {
    String signingInput = b64(headerJson) + "." + b64(payloadJson);
    return signingInput + "." + b64(hmac(jcaAlgorithm, secret, signingInput));
  }

  static byte[] hmac(String jcaAlgorithm, byte[] secret, String signingInput) {
    try {
      Mac mac = Mac.getInstance(jcaAlgorithm);
      mac.init(new SecretKeySpec(secret, jcaAlgorithm));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK lacks " + jcaAlgorithm, e);
    }
  }

  static Map<String, Object> json(String json) {
    return new JacksonDeserializer<Map<String, Object>>().deserialize(new StringReader(json));
  }

  /** The payload golang-jwt writes for this project's claims struct: aud as an array. */
  static String goPayload(String type, String sub, String jti, String aud, long iat, long exp) {
    return "{\"type\":\"" + type + "\",\"iss\":\"my-auth-service\",\"sub\":\"" + sub
        + "\",\"aud\":[\"" + aud + "\"],\"exp\":" + exp + ",\"iat\":" + iat
        + ",\"jti\":\"" + jti + "\"}";
  }
}
