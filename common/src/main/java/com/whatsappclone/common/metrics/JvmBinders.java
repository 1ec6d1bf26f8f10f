package com.whatsappclone.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The process's series: memory (jvm_memory_used_bytes), GC pauses (jvm_gc_pause_seconds), threads
 * (jvm_threads_live_threads), classes, CPU (process_cpu_usage, system_cpu_count), uptime and open
 * file descriptors (process_files_open_files). Closed with the endpoint: the GC binder listens to
 * the JVM's notifications until then.
 */
final class JvmBinders implements AutoCloseable {

  private final JvmGcMetrics gc = new JvmGcMetrics();

  JvmBinders(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  @Override
  public void close() {
    gc.close();
  }
}
