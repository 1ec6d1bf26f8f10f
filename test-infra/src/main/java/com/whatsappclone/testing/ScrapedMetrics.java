package com.whatsappclone.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service's metrics endpoint served (GET /metrics, Prometheus' text format), read back
 * series by series: {@code name{label="value",...} number}.
 */
public final class ScrapedMetrics {

  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One line of the exposition. */
  public record Series(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Series> series;

  private ScrapedMetrics(String text, List<Series> series) {
    this.text = text;
    this.series = series;
  }

  /** GET http://127.0.0.1:{port}{path}, whatever the status. */
  public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Scrapes GET /metrics on 127.0.0.1:{port}; fails unless it answers 200. */
  public static ScrapedMetrics scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = get(port, "/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  public static ScrapedMetrics parse(String text) {
    List<Series> series = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SERIES.matcher(line.trim());
      if (!m.matches()) {
        throw new AssertionError("not a series line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher label = LABEL.matcher(m.group(3));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      series.add(new Series(m.group(1), Map.copyOf(labels), Double.parseDouble(m.group(4))));
    }
    return new ScrapedMetrics(text, List.copyOf(series));
  }

  /** Every series of this name. */
  public List<Series> named(String name) {
    return series.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The series of this name whose labels include {@code labels}. */
  public List<Series> matching(String name, Map<String, String> labels) {
    return named(name).stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
  }

  /** The sum over {@link #matching} series; empty when there is none. */
  public OptionalDouble value(String name, Map<String, String> labels) {
    List<Series> found = matching(name, labels);
    return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(found.stream().mapToDouble(Series::value).sum());
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
