package com.whatsappclone.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * CPU and memory of the system under test: this JVM (the embedded stack and the load generator
 * share it), the embedded PostgreSQL's processes, and the whole machine (others use it too, so
 * its busy share tells how noisy a figure is).
 */
final class ResourceMonitor {

  /** Linux's USER_HZ: /proc reports CPU times in these ticks. */
  private static final double TICKS_PER_SECOND = 100.0;

  /** One reading. */
  record Snapshot(long wallNanos, long jvmCpuNanos, long postgresCpuNanos, long machineBusyTicks,
      long machineTotalTicks, long gcMillis, long jitCpuNanos, long heapUsed, ThreadCpu.Reading threads) {}

  private final com.sun.management.OperatingSystemMXBean os;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
  private final Supplier<OptionalLong> postgresPid;
  private final ThreadCpu threadCpu = new ThreadCpu();
  private volatile long peakHeap;
  private final Thread sampler;
  private volatile boolean running = true;

  ResourceMonitor(Supplier<OptionalLong> postgresPid) {
    this.os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    this.postgresPid = postgresPid;
    this.sampler = new Thread(this::samplePeaks, "bench-heap-sampler");
    this.sampler.setDaemon(true);
    this.sampler.start();
  }

  Snapshot snapshot() {
    long[] machine = machineTicks();
    return new Snapshot(System.nanoTime(), os.getProcessCpuTime(), postgresCpuNanos(), machine[0], machine[1],
        collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum(),
        jitCpuNanos(), memory.getHeapMemoryUsage().getUsed(), threadCpu.read());
  }

  /** This JVM's threads by component: the attribution, live and peak thread counts, the name dump. */
  ThreadCpu threads() {
    return threadCpu;
  }

  /**
   * Where the CPU went between two readings, by component, per delivery and per message sent
   * ({@link ThreadCpu#attribution}), with the whole machine's CPU per delivery.
   */
  static Map<String, Object> attribution(Snapshot from, Snapshot to, long deliveries, long messages) {
    long postgres = to.postgresCpuNanos() >= 0 && from.postgresCpuNanos() >= 0
        ? to.postgresCpuNanos() - from.postgresCpuNanos() : -1;
    // As machineBusyCores: the busy share of all CPUs /proc/stat counts, times this JVM's cores.
    long total = to.machineTotalTicks() - from.machineTotalTicks();
    double machine = total <= 0 ? 0 : Runtime.getRuntime().availableProcessors()
        * (double) (to.machineBusyTicks() - from.machineBusyTicks()) / total * (to.wallNanos() - from.wallNanos());
    return ThreadCpu.attribution(from.threads(), to.threads(), to.jvmCpuNanos() - from.jvmCpuNanos(), postgres,
        machine, deliveries, messages);
  }

  /** Forgets the peak so far; {@link #peakHeapSinceReset()} then tells the peak from now on. */
  void resetPeakHeap() {
    peakHeap = memory.getHeapMemoryUsage().getUsed();
  }

  long peakHeapSinceReset() {
    return peakHeap;
  }

  long heapCommitted() {
    return memory.getHeapMemoryUsage().getCommitted();
  }

  long heapMax() {
    return memory.getHeapMemoryUsage().getMax();
  }

  /** Heap in use after a full collection: what live objects take. */
  long heapAfterFullGc() throws InterruptedException {
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** CPU and memory between two readings, for the results. */
  static Map<String, Object> usage(Snapshot from, Snapshot to, long peakHeap) {
    double seconds = Math.max(1e-9, (to.wallNanos() - from.wallNanos()) / 1e9);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("jvmCpuCores", round2((to.jvmCpuNanos() - from.jvmCpuNanos()) / 1e9 / seconds));
    if (to.postgresCpuNanos() >= 0 && from.postgresCpuNanos() >= 0) {
      out.put("postgresCpuCores", round2((to.postgresCpuNanos() - from.postgresCpuNanos()) / 1e9 / seconds));
    }
    long total = to.machineTotalTicks() - from.machineTotalTicks();
    if (total > 0) {
      int cores = Runtime.getRuntime().availableProcessors();
      out.put("machineBusyCores", round2(cores * (double) (to.machineBusyTicks() - from.machineBusyTicks()) / total));
    }
    out.put("gcMillis", to.gcMillis() - from.gcMillis());
    // Part of the JVM's CPU: the JIT compiling the stack's code (minutes of it on 2 cores).
    out.put("jitCpuCores", round2((to.jitCpuNanos() - from.jitCpuNanos()) / 1e9 / seconds));
    out.put("heapPeakMiB", round2(peakHeap / 1048576.0));
    return out;
  }

  /** Open file descriptors of this process (Linux), or -1. */
  static long openFileDescriptors() {
    return openFileDescriptors("self");
  }

  /** Open file descriptors of process {@code pid} ("self": this one), or -1. */
  static long openFileDescriptors(String pid) {
    try (Stream<Path> entries = Files.list(Path.of("/proc", pid, "fd"))) {
      return entries.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** This process's soft limit on open files (what {@code ulimit -n} set), or -1. */
  static long openFileLimit() {
    return openFileLimit("self");
  }

  /** The soft limit on open files of process {@code pid} ("self": this one), or -1. */
  static long openFileLimit(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "limits"))) {
        if (line.startsWith("Max open files")) {
          String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
          return fields[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(fields[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  void close() {
    running = false;
    sampler.interrupt();
    threadCpu.close();
  }

  private void samplePeaks() {
    while (running) {
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used > peakHeap) {
        peakHeap = used;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** utime + stime of the postmaster and all its children (the backends), or -1. */
  private long postgresCpuNanos() {
    OptionalLong pid = postgresPid.get();
    if (pid.isEmpty()) {
      return -1;
    }
    return ProcessHandle.of(pid.getAsLong())
        .map(root -> {
          long ticks = cpuTicks(root.pid());
          for (ProcessHandle child : root.descendants().toList()) {
            ticks += cpuTicks(child.pid());
          }
          return (long) (ticks / TICKS_PER_SECOND * 1e9);
        })
        .orElse(-1L);
  }

  /** CPU time of this JVM's JIT compiler threads (Linux: their /proc task entries), or 0. */
  private static long jitCpuNanos() {
    long ticks = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim();
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            ticks += cpuTicks(task.resolve("stat"));
          }
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return (long) (ticks / TICKS_PER_SECOND * 1e9);
  }

  private static long cpuTicks(long pid) {
    return cpuTicks(Path.of("/proc", String.valueOf(pid), "stat"));
  }

  /** utime + stime of process {@code pid} in nanoseconds (0 when it cannot be read). */
  static long cpuNanos(long pid) {
    return (long) (cpuTicks(pid) / TICKS_PER_SECOND * 1e9);
  }

  private static long cpuTicks(Path statFile) {
    try {
      String stat = Files.readString(statFile);
      // Fields after the command name (which may contain spaces) start at ") ".
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** {busy, total} jiffies of all CPUs from /proc/stat, or zeros. */
  private static long[] machineTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] fields = cpu.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + (fields.length > 5 ? Long.parseLong(fields[5]) : 0);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  static double round2(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
