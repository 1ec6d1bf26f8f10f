package com.whatsappclone.gateway;

import com.whatsappclone.common.net.TrustedProxies;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Works out who the client is at the edge, for the per-IP limit and for the backends
 * ({@code x-forwarded-for}, and the signed {@code x-client-address} {@link ForwardingHandler} adds).
 *
 * <p>Not common's {@code ClientAddressInterceptor}, which runs in the backends and believes only
 * an address the gateway signed: the gateway is where that address is decided, from the TCP peer
 * and the chain of proxies it trusts, so it has nothing signed to check and a chain to build.
 *
 * <p>The direct peer is the client unless it is a trusted proxy (GATEWAY_TRUSTED_PROXIES). Only
 * then is the incoming {@code x-forwarded-for} believed: the client is its right-most address that
 * is not itself a trusted proxy ({@link TrustedProxies#forwardedClient}), and the peer is appended
 * to the chain passed on. From any other peer the incoming header is discarded and replaced by the
 * peer's address, so a client cannot pose as someone else to dodge per-IP limits here or in the
 * backends (OTP sending), which read the chain the same way.
 */
final class ForwardedForInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> X_FORWARDED_FOR =
      Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);

  /** The client's IP address, the key of its per-IP limit. */
  static final Context.Key<String> CLIENT_IP = Context.key("gateway.client-ip");
  /** The {@code x-forwarded-for} value to send to the backend. */
  static final Context.Key<String> FORWARDED_FOR = Context.key("gateway.forwarded-for");

  private final TrustedProxies trusted;

  ForwardedForInterceptor(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String peer = peerIp(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    String clientIp = peer;
    String forwardedFor = peer;
    if (trusted.trusts(peer)) {
      List<String> chain = incomingChain(headers);
      if (!chain.isEmpty()) {
        clientIp = trusted.forwardedClient(chain).orElse(peer);
        forwardedFor = String.join(", ", chain) + ", " + peer;
      }
    }
    Context context = Context.current()
        .withValue(CLIENT_IP, clientIp)
        .withValue(FORWARDED_FOR, forwardedFor);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static List<String> incomingChain(Metadata headers) {
    List<String> chain = new ArrayList<>();
    Iterable<String> values = headers.getAll(X_FORWARDED_FOR);
    if (values != null) {
      for (String value : values) {
        for (String part : value.split(",")) {
          if (!part.isBlank()) {
            chain.add(part.strip());
          }
        }
      }
    }
    return chain;
  }

  static String peerIp(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
    }
    return address == null ? "unknown" : address.toString();
  }
}
