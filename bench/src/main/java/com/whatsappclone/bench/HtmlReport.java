package com.whatsappclone.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page (inline SVG, no scripts, nothing fetched) with the end-to-end run's
 * charts: latency over time, deliveries per second, latency by percentile, and p99 by offered rate
 * across the ramp.
 */
final class HtmlReport {

  private static final int WIDTH = 820;
  private static final int HEIGHT = 300;
  private static final int LEFT = 70;
  private static final int RIGHT = 40;
  private static final int TOP = 36;
  private static final int BOTTOM = 46;

  record Series(String name, String color, double[] xs, double[] ys, boolean dots) {}

  record Tick(double value, String label) {}

  private HtmlReport() {}

  @SuppressWarnings("unchecked")
  static String render(Map<String, Object> results, String markdown) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>WhatsApp clone benchmark</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:880px}")
        .append("svg{background:#fff;border:1px solid #ddd;margin:8px 0}")
        .append("pre{background:#f6f6f6;padding:12px;overflow-x:auto;font-size:12px}")
        .append("</style></head><body>\n<h1>WhatsApp clone benchmark</h1>\n");
    Map<String, Object> finalRun = (Map<String, Object>) Report.at(results, "e2e.ramp.final");
    if (finalRun != null) {
      html.append("<p>Final end-to-end run: ").append(Report.num(finalRun.get("offeredPerSecond")))
          .append(" messages/s for ").append(Report.num(finalRun.get("seconds"))).append(" s. Latency is measured from")
          .append(" each message's scheduled send time to its arrival on the recipient's WebSocket.</p>\n");
      List<Object> series = (List<Object>) finalRun.get("series");
      if (series != null && !series.isEmpty()) {
        int n = series.size();
        double[] xs = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        double[] max = new double[n];
        double[] count = new double[n];
        for (int i = 0; i < n; i++) {
          LoadStep.Second second = (LoadStep.Second) series.get(i);
          xs[i] = second.second() + 1;
          p50[i] = second.p50Ms();
          p99[i] = second.p99Ms();
          max[i] = second.maxMs();
          count[i] = second.deliveries();
        }
        double xMax = xs[n - 1];
        html.append(chart("Latency over time (per second of arrival)", "seconds since the run started", "ms",
            List.of(new Series("max", "#d62728", xs, max, false), new Series("p99", "#ff7f0e", xs, p99, false),
                new Series("p50", "#1f77b4", xs, p50, false)),
            0, xMax, 0, niceMax(max), linearTicks(0, xMax, false), linearTicks(0, niceMax(max), true), null));
        html.append(chart("Deliveries per second", "seconds since the run started", "deliveries/s",
            List.of(new Series("deliveries", "#2ca02c", xs, count, false)),
            0, xMax, 0, niceMax(count), linearTicks(0, xMax, false), linearTicks(0, niceMax(count), true), null));
      }
      List<Object> percentiles = (List<Object>) finalRun.get("percentiles");
      if (percentiles != null && !percentiles.isEmpty()) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Object item : percentiles) {
          Map<String, Object> point = (Map<String, Object>) item;
          double level = ((Number) point.get("percentile")).doubleValue();
          if (level >= 100) {
            continue;
          }
          xs.add(Math.log10(1 / (1 - level / 100)));
          ys.add(((Number) point.get("ms")).doubleValue());
        }
        double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        List<Tick> xTicks = List.of(new Tick(0, "0%"), new Tick(1, "90%"), new Tick(2, "99%"), new Tick(3, "99.9%"),
            new Tick(4, "99.99%"), new Tick(5, "99.999%"));
        html.append(chart("Latency by percentile", "percentile", "ms",
            List.of(new Series("latency", "#1f77b4", x, y, true)), 0, 5, 0, niceMax(y), xTicks,
            linearTicks(0, niceMax(y), true), null));
      }
    }
    List<Object> steps = (List<Object>) Report.at(results, "e2e.ramp.steps");
    if (steps != null && !steps.isEmpty()) {
      List<Map<String, Object>> sorted = new ArrayList<>();
      steps.forEach(s -> sorted.add((Map<String, Object>) s));
      sorted.sort((a, b) -> Double.compare(((Number) a.get("offeredPerSecond")).doubleValue(),
          ((Number) b.get("offeredPerSecond")).doubleValue()));
      double[] x = new double[sorted.size()];
      double[] y = new double[sorted.size()];
      for (int i = 0; i < sorted.size(); i++) {
        x[i] = ((Number) sorted.get(i).get("offeredPerSecond")).doubleValue();
        Object p99 = Report.at(sorted.get(i), "latency.p99Ms");
        y[i] = p99 instanceof Number n ? n.doubleValue() : 0;
      }
      double target = ((Number) Report.at(results, "meta.options.p99TargetMillis")).doubleValue();
      // Failing steps can be seconds above the target; past 4x it they are drawn at the top edge.
      double yMax = Math.min(niceMax(concat(y, target * 1.2)), niceMax(new double[] {target * 4}));
      double xMax = niceMax(x);
      html.append(chart("Ramp: p99 by offered rate (dashed: the target; higher points at the top edge)",
          "messages sent per second", "p99 ms",
          List.of(new Series("p99", "#9467bd", x, y, true)), 0, xMax, 0, yMax, linearTicks(0, xMax, false),
          linearTicks(0, yMax, true), target));
      html.append(cpuByComponent(sorted, xMax));
    }
    html.append("<h2>All figures</h2>\n<pre>").append(escape(markdown)).append("</pre>\n");
    html.append("<p>Every figure, with the run's settings: <code>latest.json</code>.</p>\n</body></html>\n");
    return html.toString();
  }

  private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
      "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#000000"};

  /** CPU µs per delivery of each component (ThreadCpu) by offered rate, one line per component. */
  private static String cpuByComponent(List<Map<String, Object>> steps, double xMax) {
    List<Series> series = new ArrayList<>();
    double top = 0;
    for (int c = 0; c < CpuComponents.ALL.size(); c++) {
      String component = CpuComponents.ALL.get(c);
      double[] x = new double[steps.size()];
      double[] y = new double[steps.size()];
      boolean any = false;
      for (int i = 0; i < steps.size(); i++) {
        x[i] = ((Number) steps.get(i).get("offeredPerSecond")).doubleValue();
        Object value = Report.at(steps.get(i), "cpuAttribution.cpuMicrosPerDelivery." + component);
        y[i] = value instanceof Number n ? n.doubleValue() : 0;
        any |= y[i] > 0;
        top = Math.max(top, y[i]);
      }
      if (any) {
        series.add(new Series(component, PALETTE[c % PALETTE.length], x, y, true));
      }
    }
    if (series.isEmpty()) {
      return "";
    }
    double yMax = niceMax(new double[] {top});
    return chart("Ramp: CPU µs per delivery by component, by offered rate", "messages sent per second",
        "µs per delivery", series, 0, xMax, 0, yMax, linearTicks(0, xMax, false), linearTicks(0, yMax, true), null);
  }

  private static String chart(String title, String xLabel, String yLabel, List<Series> series, double xMin, double xMax,
      double yMin, double yMax, List<Tick> xTicks, List<Tick> yTicks, Double hLine) {
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    double xSpan = Math.max(1e-9, xMax - xMin);
    double ySpan = Math.max(1e-9, yMax - yMin);
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-size=\"11\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
        LEFT, escape(title)));
    for (Tick tick : yTicks) {
      double y = TOP + plotH - (tick.value() - yMin) / ySpan * plotH;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT, y, LEFT + plotW, y, LEFT - 6, y + 4,
          escape(tick.label())));
    }
    for (Tick tick : xTicks) {
      double x = LEFT + (tick.value() - xMin) / xSpan * plotW;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
          + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, TOP, x, TOP + plotH, x,
          TOP + plotH + 16, escape(tick.label())));
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
        + "stroke=\"#999\"/>\n", LEFT, TOP, plotW, plotH));
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
        LEFT + plotW / 2, HEIGHT - 8, escape(xLabel)));
    svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 14 %.1f)\">%s</text>\n", TOP + plotH / 2, TOP + plotH / 2, escape(yLabel)));
    if (hLine != null) {
      double y = TOP + plotH - (hLine - yMin) / ySpan * plotH;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" "
          + "stroke-dasharray=\"6 4\"/>\n", LEFT, y, LEFT + plotW, y));
    }
    int legendX = LEFT + 10;
    int legendY = TOP;
    for (Series s : series) {
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < s.xs().length; i++) {
        double x = LEFT + (s.xs()[i] - xMin) / xSpan * plotW;
        double y = TOP + plotH - (Math.min(s.ys()[i], yMax) - yMin) / ySpan * plotH;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        if (s.dots()) {
          svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, s.color()));
        }
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"%s\"/>\n",
          s.color(), points.toString().trim()));
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>\n", legendX, legendY + 8, s.color(), legendX + 16, legendY + 12,
          escape(s.name())));
      legendX += 30 + 7 * s.name().length();
      if (legendX > WIDTH - RIGHT - 100) {
        // many series (the CPU by component): the legend goes on in a second row
        legendX = LEFT + 10;
        legendY += 14;
      }
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static List<Tick> linearTicks(double min, double max, boolean decimals) {
    double step = niceStep((max - min) / 5);
    List<Tick> ticks = new ArrayList<>();
    for (double v = min; v <= max + step / 1000; v += step) {
      ticks.add(new Tick(v, decimals && step < 1 ? String.format(Locale.ROOT, "%.2f", v) : Report.num(Math.rint(v))));
    }
    return ticks;
  }

  private static double niceStep(double raw) {
    if (raw <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double fraction = raw / magnitude;
    double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  private static double niceMax(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, v);
    }
    if (max <= 0) {
      return 1;
    }
    double step = niceStep(max / 5);
    return Math.ceil(max / step) * step;
  }

  private static double[] concat(double[] values, double extra) {
    double[] out = java.util.Arrays.copyOf(values, values.length + 1);
    out[values.length] = extra;
    return out;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
