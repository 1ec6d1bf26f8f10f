package com.whatsappclone.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's threads, summed by component ({@link CpuComponents}): the stack runs in
 * this JVM, so per-thread CPU tells which service spent it. Threads are sampled every second (and
 * at every reading) with {@code ThreadMXBean}; a thread's CPU counts up to its last sample, so a
 * thread that ended keeps what it had used by then. What a thread used after its last sample, and
 * all of a thread that lived less than one sample, is never seen here: it stays in the process's
 * CPU and shows in the {@link CpuComponents#JVM} remainder (process CPU minus all threads seen),
 * together with the JIT compiler, GC and VM threads, which {@code ThreadMXBean} does not list.
 */
final class ThreadCpu implements AutoCloseable {

  private static final long SAMPLE_MILLIS = 1_000;

  /** Cumulative CPU by component up to one reading, and the live threads then. */
  record Reading(long wallNanos, Map<String, Long> byComponent, int liveThreads) {}

  private static final class Seen {
    final String pattern;
    final String component;
    long cpuNanos;
    long generation;

    Seen(String name) {
      this.pattern = name.replaceAll("\\d+", "N");
      this.component = CpuComponents.of(name);
    }
  }

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final Map<Long, Seen> live = new HashMap<>();
  private final Map<String, Long> ended = new HashMap<>();
  /** By name with digits as N, live and ended, for {@link #dump()}: finding the names. */
  private final Map<String, long[]> byPattern = new HashMap<>();
  private final Thread sampler;
  private volatile boolean running = true;
  private long generation;

  ThreadCpu() {
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
    sampler = new Thread(this::sampleEverySecond, "bench-thread-cpu");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Samples now and returns the totals so far. */
  synchronized Reading read() {
    sample();
    Map<String, Long> totals = new HashMap<>(ended);
    for (Seen seen : live.values()) {
      totals.merge(seen.component, seen.cpuNanos, Long::sum);
    }
    return new Reading(System.nanoTime(), totals, live.size());
  }

  /** Live thread count now and the peak since the last {@link #resetPeak()}. */
  int peakThreads() {
    return threads.getPeakThreadCount();
  }

  void resetPeak() {
    threads.resetPeakThreadCount();
  }

  int liveThreads() {
    return threads.getThreadCount();
  }

  private void sample() {
    if (!threads.isThreadCpuTimeSupported()) {
      return;
    }
    generation++;
    long[] ids = threads.getAllThreadIds();
    long[] cpu = threads.getThreadCpuTime(ids);
    ThreadInfo[] infos = null;
    for (int i = 0; i < ids.length; i++) {
      if (cpu[i] < 0) {
        continue;
      }
      Seen seen = live.get(ids[i]);
      if (seen == null) {
        if (infos == null) {
          infos = threads.getThreadInfo(ids, 0);
        }
        if (infos[i] == null) {
          continue;
        }
        seen = new Seen(infos[i].getThreadName());
        live.put(ids[i], seen);
      }
      long[] pattern = byPattern.computeIfAbsent(seen.pattern, k -> new long[2]);
      if (seen.generation == 0) {
        pattern[1]++;
      }
      pattern[0] += cpu[i] - seen.cpuNanos;
      seen.cpuNanos = cpu[i];
      seen.generation = generation;
    }
    live.values().removeIf(seen -> {
      if (seen.generation != generation) {
        ended.merge(seen.component, seen.cpuNanos, Long::sum);
        return true;
      }
      return false;
    });
  }

  /**
   * Every thread name seen (digits as N) with its component, thread count and CPU, most CPU first:
   * what the prefix table in {@link CpuComponents} was written from ({@code --dump-threads}).
   */
  synchronized List<String> dump() {
    sample();
    List<Map.Entry<String, long[]>> entries = new ArrayList<>(byPattern.entrySet());
    entries.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, long[]> entry : entries) {
      out.add(String.format("%10.1f ms cpu  %5d threads  %-14s %s", entry.getValue()[0] / 1e6, entry.getValue()[1],
          CpuComponents.of(entry.getKey()), entry.getKey()));
    }
    return out;
  }

  /**
   * CPU by component between two readings: per delivery and per message sent in microseconds, and
   * in cores; {@code processCpuNanos} and {@code postgresCpuNanos} (or -1) cover the same window,
   * the JVM remainder is the process's CPU that no thread sample accounts for.
   */
  static Map<String, Object> attribution(Reading from, Reading to, long processCpuNanos, long postgresCpuNanos,
      double machineCpuNanos, long deliveries, long messages) {
    Map<String, Long> nanos = new LinkedHashMap<>();
    long threadsTotal = 0;
    for (String component : CpuComponents.ALL) {
      long delta = to.byComponent().getOrDefault(component, 0L) - from.byComponent().getOrDefault(component, 0L);
      threadsTotal += delta;
      nanos.put(component, delta);
    }
    nanos.put(CpuComponents.JVM, nanos.get(CpuComponents.JVM) + Math.max(0, processCpuNanos - threadsTotal));
    nanos.put(CpuComponents.POSTGRESQL, Math.max(0, postgresCpuNanos));
    long total = nanos.values().stream().mapToLong(Long::longValue).sum();
    double seconds = Math.max(1e-9, (to.wallNanos() - from.wallNanos()) / 1e9);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds", ResourceMonitor.round2(seconds));
    out.put("deliveries", deliveries);
    out.put("messages", messages);
    out.put("cpuMicrosPerDelivery", perUnit(nanos, total, deliveries));
    out.put("cpuMicrosPerMessage", perUnit(nanos, total, messages));
    Map<String, Object> cores = new TreeMap<>();
    nanos.forEach((component, n) -> cores.put(component, Math.round(n / 1e6 / seconds) / 1000.0));
    out.put("cpuCores", cores);
    out.put("unattributedShare", total <= 0 ? 0.0
        : Math.round(nanos.get(CpuComponents.UNATTRIBUTED) * 10_000.0 / total) / 10_000.0);
    out.put("machineCpuMicrosPerDelivery", deliveries <= 0 ? null : Math.round(machineCpuNanos / 1e3 / deliveries));
    out.put("liveThreadsAtEnd", to.liveThreads());
    return out;
  }

  private static Map<String, Object> perUnit(Map<String, Long> nanos, long total, long units) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (units <= 0) {
      return out;
    }
    nanos.forEach((component, n) -> out.put(component, round1(n / 1e3 / units)));
    out.put("total", round1(total / 1e3 / units));
    return out;
  }

  private static double round1(double value) {
    return Math.round(value * 10.0) / 10.0;
  }

  private void sampleEverySecond() {
    while (running) {
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        sample();
      }
    }
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
