package com.whatsappclone.common.net;

import com.whatsappclone.common.grpc.RequestIds;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the gateway vouches for a client's address to the backends, so that only the gateway can
 * speak for one.
 *
 * <p>Every service listens on all interfaces by default, so anyone who reaches a backend directly
 * could otherwise send {@code x-forwarded-for: <any address>} and dodge the per-IP limits (auth's
 * SendOTP limit). Instead the gateway, which decided the client's address (its peer, or what a
 * proxy in front of it trusted by GATEWAY_TRUSTED_PROXIES says), sends
 *
 * <pre>
 *   x-client-address:           203.0.113.7
 *   x-client-address-signature: base64url(HMAC-SHA256(k, x-request-id + "\n" + x-client-address))
 *   k = HMAC-SHA256(JWT_SECRET, "x-client-address v1")
 * </pre>
 *
 * <p>The key is derived from {@code JWT_SECRET}, which every service already shares, under a label
 * of its own (HKDF-extract style), so a signature is never a token signature or the other way round,
 * and rotating the secret rotates both. Binding the request id means a signature seen once (in a
 * log, say) vouches for that one request id only. A backend believes the address only when the
 * signature verifies (constant-time compare) and each header appears exactly once; otherwise it
 * uses its TCP peer's address, whatever the peer. The gateway strips both headers from what
 * clients send.
 *
 * <p>The signature proves the gateway sent the pair; it does not stop a replay of the very same
 * request id and address by someone who can read the traffic between the gateway and a backend
 * (that needs TLS between them).
 */
public final class ClientAddressSignature {

  public static final Metadata.Key<String> CLIENT_ADDRESS =
      Metadata.Key.of("x-client-address", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> SIGNATURE =
      Metadata.Key.of("x-client-address-signature", Metadata.ASCII_STRING_MARSHALLER);
  /** Signed along with the address, so a signature cannot be replayed on another call. */
  public static final Metadata.Key<String> REQUEST_ID = RequestIds.KEY;

  /** The label of the key derivation; a new format gets a new label. */
  static final String KEY_LABEL = "x-client-address v1";

  private static final String HMAC_SHA256 = "HmacSHA256";

  private final ThreadLocal<Mac> macs;

  private ClientAddressSignature(byte[] derivedKey) {
    SecretKeySpec key = new SecretKeySpec(derivedKey, HMAC_SHA256);
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /** The key of {@code JWT_SECRET} (its UTF-8 bytes, as the token key). */
  public static ClientAddressSignature fromJwtSecret(String jwtSecret) {
    Objects.requireNonNull(jwtSecret, "jwtSecret");
    if (jwtSecret.isEmpty()) {
      throw new IllegalArgumentException("JWT_SECRET is not set");
    }
    Mac extract = newMac(new SecretKeySpec(jwtSecret.getBytes(StandardCharsets.UTF_8), HMAC_SHA256));
    return new ClientAddressSignature(extract.doFinal(KEY_LABEL.getBytes(StandardCharsets.UTF_8)));
  }

  /** The signature of {@code address} for the request {@code requestId} ("" when there is none). */
  public String sign(String address, String requestId) {
    Mac mac = macs.get();
    byte[] tag = mac.doFinal(signedText(address, requestId));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
  }

  /** Whether {@code signature} is this key's signature of the pair, compared in constant time. */
  public boolean verifies(String address, String requestId, String signature) {
    if (address == null || signature == null) {
      return false;
    }
    byte[] expected = sign(address, requestId).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Replaces whatever {@code headers} say about the client address with {@code address} and its
   * signature, bound to the {@code x-request-id} already in {@code headers}; with a null
   * {@code address} only removes them.
   */
  public void attach(Metadata headers, String address) {
    strip(headers);
    if (address != null) {
      headers.put(CLIENT_ADDRESS, address);
      headers.put(SIGNATURE, sign(address, requestIdOf(headers)));
    }
  }

  /** The client address the gateway vouched for in {@code headers}, if it did. */
  public Optional<String> verifiedAddress(Metadata headers) {
    Optional<String> address = single(headers, CLIENT_ADDRESS);
    Optional<String> signature = single(headers, SIGNATURE);
    if (address.isEmpty() || signature.isEmpty()) {
      return Optional.empty();
    }
    return verifies(address.get(), requestIdOf(headers), signature.get()) ? address : Optional.empty();
  }

  /** Removes both headers (what a client sends has no say). */
  public static void strip(Metadata headers) {
    headers.discardAll(CLIENT_ADDRESS);
    headers.discardAll(SIGNATURE);
  }

  private static String requestIdOf(Metadata headers) {
    String id = headers.get(REQUEST_ID);
    return id == null ? "" : id;
  }

  private static Optional<String> single(Metadata headers, Metadata.Key<String> key) {
    Iterable<String> values = headers.getAll(key);
    if (values == null) {
      return Optional.empty();
    }
    Iterator<String> it = values.iterator();
    String first = it.next();
    return it.hasNext() ? Optional.empty() : Optional.of(first);
  }

  /** Header values cannot hold a line feed, so the separator keeps the two parts apart. */
  private static byte[] signedText(String address, String requestId) {
    return ((requestId == null ? "" : requestId) + "\n" + address).getBytes(StandardCharsets.UTF_8);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + HMAC_SHA256, e);
    }
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "ClientAddressSignature[" + KEY_LABEL + "]";
  }
}
