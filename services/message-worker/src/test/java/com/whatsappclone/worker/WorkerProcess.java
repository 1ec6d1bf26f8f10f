package com.whatsappclone.worker;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real message worker ({@link MessageWorkerMain}) in a child JVM, with the test JVM's class path
 * and only the given settings (a fresh environment and an empty working directory, so no env file
 * is read). {@link #kill()} is {@code kill -9}: no offsets committed, no LeaveGroup sent.
 */
final class WorkerProcess implements AutoCloseable {

  private final Process process;
  private final Path directory;
  private final int grpcPort;

  private WorkerProcess(Process process, Path directory, int grpcPort) {
    this.process = process;
    this.directory = directory;
    this.grpcPort = grpcPort;
  }

  static WorkerProcess start(Map<String, String> settings) throws IOException {
    Path directory = Files.createTempDirectory("worker-child-");
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", absoluteClassPath(),
        MessageWorkerMain.class.getName()))
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(directory.resolve("worker.log").toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().retainAll(List.of("PATH", "HOME", "LANG", "TZ", "TMPDIR"));
    environment.putAll(settings);
    environment.put("MESSAGE_WORKER_GRPC_PORT", String.valueOf(port));
    environment.put("MESSAGE_WORKER_METRICS_PORT", "0");
    return new WorkerProcess(builder.start(), directory, port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String absoluteClassPath() {
    return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  int grpcPort() {
    return grpcPort;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Whether its log has a line containing {@code text} yet. */
  boolean logged(String text) {
    try {
      return Files.readAllLines(directory.resolve("worker.log")).stream().anyMatch(line -> line.contains(text));
    } catch (IOException e) {
      return false;
    }
  }

  /** The last lines of its log, for failure messages. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(directory.resolve("worker.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws Exception {
    kill();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(directory);
  }
}
