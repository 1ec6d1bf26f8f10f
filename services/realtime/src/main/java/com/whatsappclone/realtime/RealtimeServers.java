package com.whatsappclone.realtime;

import com.whatsappclone.common.grpc.GrpcServer;

/**
 * A running realtime service: its gRPC server (whose {@link GrpcServer#stop()} also stops the
 * WebSocket server, the Kafka readers, the worker pool and the database pool) and the port the
 * WebSocket endpoint listens on.
 */
public final class RealtimeServers {

  private final GrpcServer grpc;
  private final WebSocketEndpoint<RealtimeWebSocketServer> webSocket;
  private final RealtimeService service;
  private final ReceiptWriter receipts;
  private final PeerInstances peers;

  RealtimeServers(GrpcServer grpc, WebSocketEndpoint<RealtimeWebSocketServer> webSocket, RealtimeService service,
      ReceiptWriter receipts, PeerInstances peers) {
    this.grpc = grpc;
    this.webSocket = webSocket;
    this.service = service;
    this.receipts = receipts;
    this.peers = peers;
  }

  public GrpcServer grpc() {
    return grpc;
  }

  public int grpcPort() {
    return grpc.port();
  }

  /** The bound WebSocket port (useful when REALTIME_SERVICE_WS_PORT is 0). */
  public int webSocketPort() {
    return webSocket.port();
  }

  /** The WebSocket endpoint (tests check that it survives hostile frames). */
  WebSocketEndpoint<RealtimeWebSocketServer> webSocket() {
    return webSocket;
  }

  public void stop() {
    grpc.stop();
  }

  /** Stored-message events this instance has processed so far (tests wait on it). */
  long storedEventsHandled() {
    return service.storedEventsHandled();
  }

  /** The receipt writer (tests read its batch and receipt counts). */
  ReceiptWriter receipts() {
    return receipts;
  }

  /** The other instances this one knows of (tests). */
  PeerInstances peers() {
    return peers;
  }

  /** Membership-change records of the realtime events topic this instance has processed so far. */
  long membershipRecordsHandled() {
    return service.membershipRecordsHandled();
  }
}
