package com.whatsappclone.bench;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/** The gRPC channel to the API gateway, the way a mobile client reaches the system. */
final class Gateway implements AutoCloseable {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;

  Gateway(String target) {
    int colon = target.lastIndexOf(':');
    this.channel = NettyChannelBuilder.forAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))
        .usePlaintext()
        // Callbacks only count and record: running them on the network threads is cheapest.
        .directExecutor()
        .maxInboundMessageSize(16 * 1024 * 1024)
        .build();
  }

  ManagedChannel channel() {
    return channel;
  }

  /** The stub sending {@code authorization: Bearer <token>} with every call. */
  static <S extends AbstractStub<S>> S authorized(S stub, String accessToken) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + accessToken);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
