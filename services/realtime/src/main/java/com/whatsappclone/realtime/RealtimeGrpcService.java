package com.whatsappclone.realtime;

import com.whatsappclone.common.auth.AuthContext;
import com.whatsappclone.common.auth.AuthInterceptor;
import com.whatsappclone.common.auth.TokenClaims;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.error.UnauthenticatedException;
import com.whatsappclone.common.net.ClientAddressInterceptor;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.RealtimeServiceGrpc;
import com.whatsappclone.proto.realtime.ServerEvent;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The gRPC door: {@code RealtimeService/Connect}, the same events as the WebSocket. The caller is
 * the token's user (AuthInterceptor); everything else is {@link RealtimeService}'s.
 */
final class RealtimeGrpcService extends RealtimeServiceGrpc.RealtimeServiceImplBase {

  /** ErrorInfo reason of a connection over the per-user or per-address cap. */
  static final String CONNECTION_LIMIT = "CONNECTION_LIMIT";

  private final RealtimeService service;
  private final ConnectionCaps caps;

  RealtimeGrpcService(RealtimeService service, ConnectionCaps caps) {
    this.service = service;
    this.caps = caps;
  }

  @Override
  public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> responseObserver) {
    ServerCallStreamObserver<ServerEvent> observer =
        (ServerCallStreamObserver<ServerEvent>) responseObserver;
    TokenClaims claims = AuthContext.claims()
        .orElseThrow(() -> new UnauthenticatedException(Reasons.TOKEN_MISSING, "no authenticated user")
            .toStatusRuntimeException());
    try {
      Ids.caller(claims.userId());
    } catch (UnauthenticatedException e) {
      observer.onError(e.toStatusRuntimeException());
      return ignoring();
    }
    // The client's address: the one the gateway signed, or the TCP peer of a direct caller.
    String address = ClientAddressInterceptor.current();
    ConnectionCaps.Admission admission = caps.admit(claims.userId(),
        ClientAddressInterceptor.UNKNOWN.equals(address) ? null : address);
    if (!admission.admitted()) {
      observer.onError(new ResourceExhaustedException(CONNECTION_LIMIT, admission.refusal())
          .toStatusRuntimeException());
      return ignoring();
    }
    ConnectionCaps.Lease lease = admission.lease();
    GrpcStreamTransport transport = new GrpcStreamTransport(observer);
    Session session = service.open(claims, transport);
    observer.setOnReadyHandler(session::drain);
    observer.setOnCancelHandler(() -> {
      lease.release();
      transport.markGone();
      service.disconnect(session);
    });
    service.connect(session);

    return new StreamObserver<>() {
      @Override
      public void onNext(ClientEvent event) {
        service.receive(session, event);
      }

      @Override
      public void onError(Throwable t) {
        lease.release();
        transport.markGone();
        service.disconnect(session);
      }

      @Override
      public void onCompleted() {
        lease.release();
        transport.complete();
        service.disconnect(session);
      }
    };
  }

  /** For a stream refused at its start: whatever the client still sends is dropped. */
  private static StreamObserver<ClientEvent> ignoring() {
    return new StreamObserver<>() {
      @Override public void onNext(ClientEvent value) { }
      @Override public void onError(Throwable t) { }
      @Override public void onCompleted() { }
    };
  }
}
