package com.whatsappclone.common.lifecycle;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for a service's background work: daemon threads, so they never hold up the JVM's exit. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Every thread is called {@code name} (for single-thread executors). */
  public static ThreadFactory named(String name) {
    return task -> daemon(task, name);
  }

  /** Threads called {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return task -> daemon(task, prefix + "-" + counter.incrementAndGet());
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
