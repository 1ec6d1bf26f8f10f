package com.whatsappclone.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process of the fault suite's stack: a child JVM on this jar's class path running a main
 * class (a service's *Main, or {@link FaultPostgresMain} / {@link FaultKafkaMain}), with a fresh
 * environment of its own settings and an empty working directory (no env file is read). Its
 * output is appended to {@code <logs>/<name>.log} across restarts. It can be killed with SIGKILL,
 * stopped with SIGTERM, and started again with the same settings (same ports, same data).
 */
final class FaultChild {

  private static final Duration START_LIMIT = Duration.ofSeconds(120);

  final String name;
  private final String mainClass;
  private final List<String> arguments;
  private final Map<String, String> environment;
  private final String heap;
  private final Path logFile;
  private final Path workDirectory;
  /** gRPC port answering grpc.health.v1 (0: none), and other ports that must listen before it counts as up. */
  private final int healthPort;
  private final List<Integer> listenPorts;
  private volatile Process process;
  private int starts;

  FaultChild(String name, String mainClass, List<String> arguments, Map<String, String> environment, String heap,
      Path logs, int healthPort, List<Integer> listenPorts) throws IOException {
    this.name = name;
    this.mainClass = mainClass;
    this.arguments = arguments;
    this.environment = environment;
    this.heap = heap;
    this.logFile = logs.resolve(name + ".log");
    this.workDirectory = Files.createDirectories(logs.resolve("cwd-" + name));
    this.healthPort = healthPort;
    this.listenPorts = listenPorts;
  }

  /** Starts the process (not waiting for it). */
  synchronized void launch() throws IOException {
    String javaCommand = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(javaCommand, "-Xmx" + heap, "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=" + BenchMain.LOGBACK_CONFIG, "-cp", RealtimeProcess.absoluteClassPath(),
        mainClass));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDirectory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> env = builder.environment();
    env.keySet().retainAll(List.of("PATH", "HOME", "LANG", "TZ", "TMPDIR"));
    env.putAll(environment);
    Files.writeString(logFile, "==== start " + (++starts) + " of " + name + " at " + java.time.Instant.now() + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    process = builder.start();
  }

  /** Waits until its ports listen and (with a health port) grpc.health.v1 says SERVING. */
  void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    for (int port : listenPorts) {
      awaitListening(port, deadline);
    }
    if (healthPort > 0) {
      awaitServing(deadline);
    }
  }

  void start() throws IOException, InterruptedException {
    launch();
    awaitReady();
  }

  private void awaitListening(int port, long deadline) throws IOException, InterruptedException {
    while (System.nanoTime() < deadline) {
      checkAlive();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException(name + " did not listen on " + port + " within " + START_LIMIT.toSeconds() + " s: " + logTail());
  }

  private void awaitServing(long deadline) throws IOException, InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", healthPort).usePlaintext().build();
    String last = "no answer";
    try {
      while (System.nanoTime() < deadline) {
        checkAlive();
        try {
          ServingStatus status = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance()).getStatus();
          if (status == ServingStatus.SERVING) {
            return;
          }
          last = status.name();
        } catch (StatusRuntimeException e) {
          last = e.getStatus().getCode().name();
        }
        Thread.sleep(100);
      }
    } finally {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
    throw new IOException(name + " not SERVING within " + START_LIMIT.toSeconds() + " s (last: " + last + "): " + logTail());
  }

  private void checkAlive() throws IOException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IOException(name + " ended" + (p == null ? "" : " with " + p.exitValue()) + ": " + logTail());
    }
  }

  boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  /** kill -9 (Process.destroyForcibly is SIGKILL on Linux): no shutdown hook runs. */
  void kill() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}. */
  void stop(Duration grace) throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Threads of the process now (/proc/PID/status), or -1. */
  int threads() {
    return threadsOf(pid());
  }

  static int threadsOf(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("Threads:")) {
          return Integer.parseInt(line.substring("Threads:".length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1; // the process is gone
    }
    return -1;
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join(" / ", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log)";
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
