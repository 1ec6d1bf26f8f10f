package com.whatsappclone.common.grpc;

import com.whatsappclone.common.lifecycle.DaemonThreads;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads of one gRPC server, its own rather than grpc-java's JVM-wide defaults: an unbounded
 * cached executor there grows a thread per waiting call (1,373 of them once, all waiting on ten
 * database connections), and shared threads cannot say which service spends the CPU.
 *
 * <p>Named {@code <server>-grpc-io-N} (Netty's event loops: the sockets, HTTP/2 framing) and
 * {@code <server>-grpc-N} (the call executor: interceptors and handlers, which block on JDBC and
 * Kafka). The executor has a fixed number of threads; {@link CallAdmission} keeps the calls that
 * can block below it, so a thread is always free for the next call's admission or refusal.
 */
final class ServerThreads implements AutoCloseable {

  /** Threads above the admitted calls: admission, refusals and stream callbacks never wait for a blocked one. */
  static final int SPARE_THREADS = 8;
  /** Calls started but not yet picked up by a thread; reached only if every thread is stuck. */
  static final int MAX_QUEUED_TASKS = 10_000;

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ThreadPoolExecutor executor;

  ServerThreads(String serverName, int callThreads) {
    int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    boss = NettyTransports.eventLoops(1, DaemonThreads.named(serverName + "-grpc-accept"));
    workers = NettyTransports.eventLoops(ioThreads, DaemonThreads.numbered(serverName + "-grpc-io"));
    executor = new ThreadPoolExecutor(callThreads, callThreads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(MAX_QUEUED_TASKS), DaemonThreads.numbered(serverName + "-grpc"));
    // An idle service does not keep its threads.
    executor.allowCoreThreadTimeOut(true);
  }

  void applyTo(NettyServerBuilder netty) {
    netty.bossEventLoopGroup(boss).workerEventLoopGroup(workers).channelType(NettyTransports.serverChannelType()).executor(executor);
  }

  /** After the server terminated: nothing is left to run on them. */
  @Override
  public void close() {
    executor.shutdown();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
      boss.terminationFuture().await(5, TimeUnit.SECONDS);
      workers.terminationFuture().await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
