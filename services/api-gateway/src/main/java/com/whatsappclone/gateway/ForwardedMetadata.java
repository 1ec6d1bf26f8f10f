package com.whatsappclone.gateway;

import com.whatsappclone.common.grpc.RequestIds;
import com.whatsappclone.common.net.ClientAddressSignature;
import io.grpc.Metadata;
import java.util.Locale;
import java.util.Set;

/**
 * Which metadata crosses the gateway. Application metadata ({@code authorization}, custom and
 * {@code -bin} keys) passes both ways untouched; {@code x-request-id} is checked first. What belongs to
 * one HTTP/2 hop or to the gRPC framing does not: the transport of each hop writes its own
 * ({@code grpc-timeout} comes from the propagated deadline, {@code grpc-status} from the status).
 * The one reserved key that carries application data, {@code grpc-status-details-bin} (rich error
 * details), is passed on in trailers.
 */
final class ForwardedMetadata {

  static final Metadata.Key<String> X_REQUEST_ID = RequestIds.KEY;

  private static final String STATUS_DETAILS = "grpc-status-details-bin";
  private static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "host",
      "content-type", "content-length", "user-agent");

  private ForwardedMetadata() {}

  /**
   * The headers for the backend: the client's application metadata, {@code x-forwarded-for} as
   * decided by {@link ForwardedForInterceptor}, and exactly one {@code x-request-id} so that a
   * call can be followed through the logs of every service: the client's if {@link RequestIds}
   * accepts it, else a new one (a client must not choose what the backends write in their logs).
   * A client's own {@code x-client-address} and {@code x-client-address-signature} are dropped.
   */
  static Metadata request(Metadata incoming, String forwardedFor) {
    Metadata out = copy(incoming, false);
    out.discardAll(ForwardedForInterceptor.X_FORWARDED_FOR);
    // Only the gateway speaks for a client address (ForwardingHandler signs its own).
    ClientAddressSignature.strip(out);
    if (forwardedFor != null) {
      out.put(ForwardedForInterceptor.X_FORWARDED_FOR, forwardedFor);
    }
    String requestId = RequestIds.of(incoming);
    out.discardAll(X_REQUEST_ID);
    out.put(X_REQUEST_ID, requestId);
    return out;
  }

  /** Response headers for the client. */
  static Metadata responseHeaders(Metadata fromBackend) {
    return copy(fromBackend, false);
  }

  /** Trailers for the client (the status itself travels separately). */
  static Metadata trailers(Metadata fromBackend) {
    return copy(fromBackend, true);
  }

  private static Metadata copy(Metadata source, boolean keepStatusDetails) {
    Metadata out = new Metadata();
    for (String name : source.keys()) {
      if (!forwards(name, keepStatusDetails)) {
        continue;
      }
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        Metadata.Key<byte[]> key = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
        for (byte[] value : source.getAll(key)) {
          out.put(key, value);
        }
      } else {
        Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
        for (String value : source.getAll(key)) {
          out.put(key, value);
        }
      }
    }
    return out;
  }

  static boolean forwards(String name, boolean keepStatusDetails) {
    String key = name.toLowerCase(Locale.ROOT);
    if (key.startsWith(":") || HOP_BY_HOP.contains(key)) {
      return false;
    }
    if (key.startsWith("grpc-")) {
      return keepStatusDetails && key.equals(STATUS_DETAILS);
    }
    return true;
  }
}
