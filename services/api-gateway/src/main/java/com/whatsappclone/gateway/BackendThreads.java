package com.whatsappclone.gateway;

import com.whatsappclone.common.grpc.NettyTransports;
import com.whatsappclone.common.lifecycle.DaemonThreads;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The threads of the gateway's calls to its backends, shared by every backend channel: named
 * {@code api-gateway-backend-io-N} (Netty) and {@code api-gateway-backend-N} (the callbacks that
 * relay answers to clients, which never block), instead of grpc-java's JVM-wide cached executor,
 * which grows without bound and cannot be told apart from other services in one JVM.
 */
final class BackendThreads implements AutoCloseable {

  private final EventLoopGroup eventLoops;
  private final ExecutorService callbacks;

  BackendThreads() {
    int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    eventLoops = NettyTransports.eventLoops(threads, DaemonThreads.numbered("api-gateway-backend-io"));
    callbacks = Executors.newFixedThreadPool(threads, DaemonThreads.numbered("api-gateway-backend"));
  }

  NettyChannelBuilder applyTo(NettyChannelBuilder channel) {
    return channel.eventLoopGroup(eventLoops).channelType(NettyTransports.channelType()).executor(callbacks);
  }

  /** After every backend channel closed. */
  @Override
  public void close() {
    callbacks.shutdown();
    eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    try {
      if (!callbacks.awaitTermination(5, TimeUnit.SECONDS)) {
        callbacks.shutdownNow();
      }
      eventLoops.terminationFuture().await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callbacks.shutdownNow();
    }
  }
}
