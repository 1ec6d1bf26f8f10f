package com.whatsappclone.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ClientAddressSignatureTest {

  static final String SECRET = "0123456789abcdef0123456789abcdef";
  final ClientAddressSignature signature = ClientAddressSignature.fromJwtSecret(SECRET);

  static byte[] hmac(byte[] key, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void signatureIsTheDocumentedHmacUnderAKeyDerivedFromTheJwtSecret() throws Exception {
    byte[] key = hmac(SECRET.getBytes(StandardCharsets.UTF_8), "x-client-address v1");
    String expected = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(hmac(key, "req-1\n203.0.113.7"));

    assertThat(signature.sign("203.0.113.7", "req-1")).isEqualTo(expected);
  }

  @Test
  void attachedAddressVerifiesAndNothingElseDoes() {
    Metadata headers = new Metadata();
    headers.put(ClientAddressSignature.REQUEST_ID, "req-1");
    headers.put(ClientAddressSignature.CLIENT_ADDRESS, "6.6.6.6");
    headers.put(ClientAddressSignature.SIGNATURE, "forged");

    signature.attach(headers, "203.0.113.7");

    assertThat(headers.getAll(ClientAddressSignature.CLIENT_ADDRESS)).containsExactly("203.0.113.7");
    assertThat(headers.getAll(ClientAddressSignature.SIGNATURE)).hasSize(1);
    assertThat(signature.verifiedAddress(headers)).contains("203.0.113.7");
    assertThat(ClientAddressSignature.fromJwtSecret(SECRET + "x").verifiedAddress(headers))
        .as("another secret").isEmpty();
  }

  @Test
  void changedAddressRequestIdOrDuplicatedHeadersDoNotVerify() {
    Metadata genuine = new Metadata();
    genuine.put(ClientAddressSignature.REQUEST_ID, "req-1");
    signature.attach(genuine, "203.0.113.7");
    String sig = genuine.get(ClientAddressSignature.SIGNATURE);

    assertThat(signature.verifies("203.0.113.8", "req-1", sig)).isFalse();
    assertThat(signature.verifies("203.0.113.7", "req-2", sig)).isFalse();
    assertThat(signature.verifies("203.0.113.7", "req-1", sig.substring(1))).isFalse();
    assertThat(signature.verifies("203.0.113.7", "req-1", null)).isFalse();
    Metadata twice = new Metadata();
    twice.merge(genuine);
    twice.put(ClientAddressSignature.CLIENT_ADDRESS, "203.0.113.7");
    assertThat(signature.verifiedAddress(twice)).as("two addresses").isEmpty();
    Metadata unsigned = new Metadata();
    unsigned.put(ClientAddressSignature.CLIENT_ADDRESS, "203.0.113.7");
    assertThat(signature.verifiedAddress(unsigned)).isEmpty();
  }

  @Test
  void stripRemovesBothHeadersAndAttachWithoutAnAddressOnlyStrips() {
    Metadata headers = new Metadata();
    headers.put(ClientAddressSignature.CLIENT_ADDRESS, "6.6.6.6");
    headers.put(ClientAddressSignature.SIGNATURE, "x");

    signature.attach(headers, null);

    assertThat(headers.keys()).isEmpty();
  }

  @Test
  void toStringNamesNoKey() {
    assertThat(signature.toString()).doesNotContain(SECRET);
  }
}
