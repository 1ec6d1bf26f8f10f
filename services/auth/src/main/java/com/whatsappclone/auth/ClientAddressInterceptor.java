package com.whatsappclone.auth;

import com.whatsappclone.common.net.TrustedProxies;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Works out the client's IP address, the key of the per-IP SendOTP limit.
 *
 * <p>The direct peer is the client unless it is a trusted proxy (the gateway). Only then is
 * {@code x-forwarded-for} believed, and the client is its right-most address that is not itself a
 * trusted proxy ({@link TrustedProxies#forwardedClient}: the gateway appends the address it saw to
 * whatever chain it was given, so addresses further left may be made up by the client).
 */
final class ClientAddressInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> X_FORWARDED_FOR =
      Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);

  static final Context.Key<String> CLIENT_IP = Context.key("auth.client-ip");

  /** The key used when the transport has no IP address (in-process calls). */
  static final String UNKNOWN = "unknown";

  private final TrustedProxies trusted;

  ClientAddressInterceptor(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  /** The current call's client IP, or {@link #UNKNOWN}. */
  static String current() {
    String ip = CLIENT_IP.get();
    return ip == null ? UNKNOWN : ip;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Optional<InetAddress> peer = peerAddress(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    String clientIp = peer.map(InetAddress::getHostAddress).orElse(UNKNOWN);
    if (peer.isPresent() && trusted.trusts(peer.get())) {
      clientIp = forwardedClient(headers).orElse(clientIp);
    }
    Context context = Context.current().withValue(CLIENT_IP, clientIp);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private Optional<String> forwardedClient(Metadata headers) {
    List<String> chain = new ArrayList<>();
    Iterable<String> values = headers.getAll(X_FORWARDED_FOR);
    if (values == null) {
      return Optional.empty();
    }
    for (String value : values) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          chain.add(part.strip());
        }
      }
    }
    return trusted.forwardedClient(chain);
  }

  private static Optional<InetAddress> peerAddress(SocketAddress address) {
    if (address instanceof InetSocketAddress && ((InetSocketAddress) address).getAddress() != null) {
      return Optional.of(((InetSocketAddress) address).getAddress());
    }
    return Optional.empty();
  }
}
