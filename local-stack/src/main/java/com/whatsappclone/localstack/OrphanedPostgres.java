package com.whatsappclone.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL a killed local stack left running on its data folder ({@code kill -9} skips the
 * shutdown hook that stops it). Found through {@code postmaster.pid}, whose first line is the
 * postmaster's pid and second its data directory; stopped only when that pid is a {@code postgres}
 * process working in this very folder, so that a reused pid or another folder's server is never
 * touched. Stopped with SIGINT (PostgreSQL's fast shutdown: roll back open transactions,
 * checkpoint, exit), SIGKILL only if that does not finish in time; the next start then recovers
 * from the WAL as after any crash.
 */
final class OrphanedPostgres {

  private static final Logger log = LoggerFactory.getLogger(OrphanedPostgres.class);

  /** A fast shutdown writes one checkpoint; on a laptop's disk that takes seconds at most. */
  static final Duration FAST_SHUTDOWN_WAIT = Duration.ofSeconds(30);
  static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private OrphanedPostgres() {}

  /**
   * Stops the postgres still serving {@code dataDirectory}, if any; returns whether there was one.
   *
   * @throws IOException when one runs and could not be stopped
   */
  static boolean stopIfRunning(Path dataDirectory) throws IOException, InterruptedException {
    Optional<ProcessHandle> orphan = find(dataDirectory);
    if (orphan.isEmpty()) {
      return false;
    }
    ProcessHandle postmaster = orphan.get();
    long started = System.nanoTime();
    signal("INT", postmaster.pid());
    String how = "fast shutdown";
    if (!exited(postmaster, FAST_SHUTDOWN_WAIT)) {
      postmaster.destroyForcibly();
      how = "SIGKILL after " + FAST_SHUTDOWN_WAIT.toSeconds() + " s without fast shutdown";
      if (!exited(postmaster, KILL_WAIT)) {
        throw new IOException("PostgreSQL pid " + postmaster.pid() + " of an earlier run still serves "
            + dataDirectory + " and does not stop; stop it by hand");
      }
    }
    log.info("stopped PostgreSQL pid {} left running on {} by an earlier run ({}, {} ms)", postmaster.pid(),
        dataDirectory, how, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return true;
  }

  /** The live postgres whose postmaster.pid is in {@code dataDirectory} and that serves it. */
  static Optional<ProcessHandle> find(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (lines.size() < 2) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Path directory = dataDirectory.toRealPath();
    if (!sameDirectory(lines.get(1).trim(), directory)) {
      return Optional.empty();
    }
    // A pid file whose process is gone is stale: PostgreSQL itself replaces it at start.
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(process -> isPostgres(process) && servesDirectory(process, directory));
  }

  private static boolean isPostgres(ProcessHandle process) {
    return process.info().command()
        .map(command -> Path.of(command).getFileName().toString().equals("postgres"))
        .orElse(false);
  }

  /**
   * PostgreSQL works in its data directory (Linux shows it as /proc/pid/cwd); elsewhere, or when
   * that is not readable, its command line names it ({@code -D dir}, as pg_ctl starts it).
   */
  private static boolean servesDirectory(ProcessHandle process, Path directory) {
    Path cwd = Path.of("/proc", String.valueOf(process.pid()), "cwd");
    if (Files.isSymbolicLink(cwd)) {
      try {
        return sameDirectory(Files.readSymbolicLink(cwd).toString(), directory);
      } catch (IOException e) {
        log.debug("cannot read {} ({}); looking at the command line instead", cwd, e.toString());
      }
    }
    return process.info().arguments()
        .map(arguments -> Arrays.stream(arguments).anyMatch(argument -> sameDirectory(argument, directory)))
        .orElse(false);
  }

  private static boolean sameDirectory(String candidate, Path directory) {
    try {
      Path path = Path.of(candidate);
      return Files.isDirectory(path) && path.toRealPath().equals(directory);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      // It may have exited meanwhile; the wait that follows tells.
      log.warn("kill -{} {} failed: {}", signal, pid, new String(kill.getInputStream().readAllBytes()).trim());
    }
  }

  private static boolean exited(ProcessHandle process, Duration wait) throws InterruptedException {
    try {
      process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return !process.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !process.isAlive();
    }
  }
}
