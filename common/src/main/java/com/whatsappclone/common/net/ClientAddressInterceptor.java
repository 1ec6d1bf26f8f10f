package com.whatsappclone.common.net;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Works out the client's IP address, the key of per-address limits (auth's SendOTP limit,
 * realtime's connection cap for Connect streams).
 *
 * <p>Only the gateway can speak for a client: the address in {@code x-client-address} counts when
 * {@code x-client-address-signature} proves the gateway sent it ({@link ClientAddressSignature}, a
 * key derived from JWT_SECRET). Otherwise the client is the TCP peer, whatever the peer is:
 * {@code x-forwarded-for} and unsigned or badly signed addresses are ignored, so a caller that
 * reaches a service directly (every service listens on all interfaces by default) is limited by its own
 * address, however many addresses it claims.
 */
public final class ClientAddressInterceptor implements ServerInterceptor {

  static final Context.Key<String> CLIENT_IP = Context.key("client-ip");

  /** The key used when the transport has no IP address (in-process calls). */
  public static final String UNKNOWN = "unknown";

  private final ClientAddressSignature signature;

  public ClientAddressInterceptor(ClientAddressSignature signature) {
    this.signature = signature;
  }

  /** The current call's client IP, or {@link #UNKNOWN}. */
  public static String current() {
    String ip = CLIENT_IP.get();
    return ip == null ? UNKNOWN : ip;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String clientIp = signature.verifiedAddress(headers)
        .orElseGet(() -> peerIp(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)).orElse(UNKNOWN));
    Context context = Context.current().withValue(CLIENT_IP, clientIp);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static Optional<String> peerIp(SocketAddress address) {
    if (address instanceof InetSocketAddress && ((InetSocketAddress) address).getAddress() != null) {
      return Optional.of(((InetSocketAddress) address).getAddress().getHostAddress());
    }
    return Optional.empty();
  }
}
