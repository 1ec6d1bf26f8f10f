package com.whatsappclone.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A realtime service in a child JVM ({@code com.whatsappclone.realtime.RealtimeMain}), on the
 * embedded stack's PostgreSQL and Kafka with the same JWT secret: the connection-capacity test
 * measures it alone, so the descriptors and memory of the embedded PostgreSQL, Kafka and the other
 * services do not count. It reads its settings from the environment only (a fresh environment,
 * and an empty working directory so no env file is found). It is killed at {@link #close()} and,
 * should the bench end any other way, by a shutdown hook.
 */
final class RealtimeProcess implements AutoCloseable {

  private static final String MAIN = "com.whatsappclone.realtime.RealtimeMain";
  private static final Duration START_LIMIT = Duration.ofSeconds(90);

  private final Process process;
  private final Path directory;
  private final InetSocketAddress webSocket;
  private final Thread killOnExit;

  private RealtimeProcess(Process process, Path directory, InetSocketAddress webSocket) {
    this.process = process;
    this.directory = directory;
    this.webSocket = webSocket;
    this.killOnExit = new Thread(process::destroyForcibly, "bench-kill-realtime-child");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Starts it with {@code settings} (the stack's, plus its own ports) and waits until both ports listen. */
  static RealtimeProcess start(Map<String, String> settings, String heap) throws IOException, InterruptedException {
    Path directory = Files.createTempDirectory("whatsapp-bench-realtime-");
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx" + heap,
        "-Dlogback.configurationFile=" + BenchMain.LOGBACK_CONFIG,
        "-cp", absoluteClassPath(), MAIN))
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(directory.resolve("realtime.log").toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().retainAll(List.of("PATH", "HOME", "LANG", "TZ", "TMPDIR"));
    environment.putAll(settings);
    RealtimeProcess child = new RealtimeProcess(builder.start(), directory,
        new InetSocketAddress(settings.get("REALTIME_WS_BIND_HOST"), Integer.parseInt(settings.get("REALTIME_SERVICE_WS_PORT"))));
    try {
      int grpcPort = Integer.parseInt(settings.get("REALTIME_SERVICE_GRPC_PORT"));
      // The gRPC server starts last, after the WebSocket endpoint and the topic readers.
      child.awaitListening(new InetSocketAddress(settings.get("GRPC_BIND_HOST"), grpcPort));
      child.awaitListening(child.webSocket);
      return child;
    } catch (IOException | InterruptedException | RuntimeException e) {
      child.close();
      throw e;
    }
  }

  /** This JVM's class path with absolute entries: the child runs in another directory. */
  static String absoluteClassPath() {
    return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private void awaitListening(InetSocketAddress address) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("the realtime child process ended with " + process.exitValue() + ": " + logTail());
      }
      try (Socket socket = new Socket()) {
        socket.connect(address, 500);
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IOException("the realtime child process did not listen on " + address + " within "
        + START_LIMIT.toSeconds() + " s: " + logTail());
  }

  InetSocketAddress webSocket() {
    return webSocket;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Its soft limit on open files, from /proc/PID/limits, or -1. */
  long openFileLimit() {
    return ResourceMonitor.openFileLimit(String.valueOf(pid()));
  }

  /** Its open descriptors, or -1. */
  long openFileDescriptors() {
    return ResourceMonitor.openFileDescriptors(String.valueOf(pid()));
  }

  /** Resident memory (VmRSS of /proc/PID/status) in bytes, or -1. */
  long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim()) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /** utime + stime in nanoseconds. */
  long cpuNanos() {
    return ResourceMonitor.cpuNanos(pid());
  }

  /**
   * Its live heap in bytes: {@code jcmd PID GC.class_histogram} forces a full collection and sums
   * what is left (the "Total" line); -1 when jcmd is not there or fails.
   */
  OptionalLong liveHeapBytes() throws InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return OptionalLong.empty();
    }
    try {
      Process histogram = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), "GC.class_histogram")
          .redirectErrorStream(true).start();
      String output = new String(histogram.getInputStream().readAllBytes());
      if (!histogram.waitFor(60, TimeUnit.SECONDS)) {
        histogram.destroyForcibly();
        return OptionalLong.empty();
      }
      for (String line : output.split("\n")) {
        String trimmed = line.trim();
        if (trimmed.startsWith("Total")) {
          String[] fields = trimmed.split("\\s+");
          return OptionalLong.of(Long.parseLong(fields[2]));
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(directory.resolve("realtime.log"));
      return String.join(" / ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway, harmlessly
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
