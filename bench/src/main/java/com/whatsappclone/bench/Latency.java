package com.whatsappclone.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Latency histograms in microseconds, and how the results show them (milliseconds). */
final class Latency {

  /** Up to one hour, three significant digits. */
  static final long HIGHEST_MICROS = 3_600_000_000L;

  private Latency() {}

  static Histogram newHistogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  static long micros(long nanos) {
    return Math.max(0, Math.min(HIGHEST_MICROS, nanos / 1_000));
  }

  static double millis(double micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  /** count, p50, p95, p99, p99.9, max and mean in ms. */
  static Map<String, Object> summary(Histogram histogram) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", histogram.getTotalCount());
    if (histogram.getTotalCount() == 0) {
      return out;
    }
    out.put("p50Ms", millis(histogram.getValueAtPercentile(50)));
    out.put("p95Ms", millis(histogram.getValueAtPercentile(95)));
    out.put("p99Ms", millis(histogram.getValueAtPercentile(99)));
    out.put("p999Ms", millis(histogram.getValueAtPercentile(99.9)));
    out.put("maxMs", millis(histogram.getMaxValue()));
    out.put("meanMs", millis(histogram.getMean()));
    return out;
  }

  static double p99Millis(Histogram histogram) {
    return histogram.getTotalCount() == 0 ? 0 : millis(histogram.getValueAtPercentile(99));
  }
}
