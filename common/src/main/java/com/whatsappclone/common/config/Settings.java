package com.whatsappclone.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed access to the service settings (real environment, {@code .env}, {@code .env.<env>}).
 *
 * <p>Accessors never throw: a missing or malformed value is recorded and a fallback returned, so a
 * service reads all of its settings and {@link #check()} then reports every problem in one message
 * at start-up instead of one per restart.
 */
public final class Settings {

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final Map<String, String> values;
  private final List<Path> filesRead;
  private final List<String> problems = new ArrayList<>();

  private Settings(Map<String, String> values, List<Path> filesRead) {
    this.values = values;
    this.filesRead = filesRead;
  }

  /** Reads env files from the working directory and the process environment. */
  public static Settings load() {
    return load(Path.of("").toAbsolutePath(), System.getenv());
  }

  public static Settings load(Path directory, Map<String, String> environment) {
    EnvFiles.Layered layered = EnvFiles.load(directory, environment);
    return new Settings(layered.values(), layered.filesRead());
  }

  /** Settings from exactly these values (tests, embedded stacks). */
  public static Settings of(Map<String, String> values) {
    return new Settings(Map.copyOf(values), List.of());
  }

  /**
   * These settings with some values replaced (the local stack points every service at the
   * embedded servers it started). Problems recorded so far are not carried over.
   */
  public Settings withOverrides(Map<String, String> overrides) {
    Map<String, String> merged = new java.util.HashMap<>(values);
    merged.putAll(overrides);
    return new Settings(Map.copyOf(merged), filesRead);
  }

  /** The env files that were found and read, for the start-up log line. */
  public List<Path> filesRead() {
    return filesRead;
  }

  public Optional<String> optional(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  /** A value that must be present; records a problem (and returns "") when it is not. */
  public String required(String name, String hint) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      problems.add(name + " is not set" + (hint == null ? "" : ": " + hint));
      return "";
    }
    return value.get();
  }

  public int integer(String name, int fallback, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        problems.add(name + " must be between " + min + " and " + max + " (got " + value + ")");
        return fallback;
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number (got '" + raw.get() + "')");
      return fallback;
    }
  }

  public int port(String name, int fallback) {
    return integer(name, fallback, 0, 65_535);
  }

  /** {@code true}/{@code 1}/{@code yes}/{@code on} or their opposites, case-insensitive. */
  public boolean flag(String name, boolean fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true": case "1": case "yes": case "on":
        return true;
      case "false": case "0": case "no": case "off":
        return false;
      default:
        problems.add(name + " must be true or false (got '" + raw.get() + "')");
        return fallback;
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT15M}). */
  public Duration duration(String name, Duration fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    String text = raw.get();
    Matcher matcher = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      switch (matcher.group(2)) {
        case "ms": return Duration.ofMillis(amount);
        case "s": return Duration.ofSeconds(amount);
        case "m": return Duration.ofMinutes(amount);
        case "h": return Duration.ofHours(amount);
        default: return Duration.ofDays(amount);
      }
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      problems.add(name + " must be a duration such as 30s, 15m, 7d or PT15M (got '" + text + "')");
      return fallback;
    }
  }

  /**
   * A {@link #duration} of at least a millisecond (intervals are scheduled in whole milliseconds,
   * and 0 is refused there); records a problem (and returns the fallback) otherwise.
   */
  public Duration positive(String name, Duration fallback) {
    Duration value = duration(name, fallback);
    if (value.toMillis() < 1) {
      problems.add(name + " must be a positive duration such as 30s, 10m or 1h (got " + value + ")");
      return fallback;
    }
    return value;
  }

  /** A PostgreSQL location from DATABASE_URL; records a problem when missing or malformed. */
  public Optional<DatabaseUrl> databaseUrl(String name) {
    String raw = required(name, "a postgres://user:password@host:port/db URL or a jdbc:postgresql: URL");
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(DatabaseUrl.parse(raw));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return Optional.empty();
    }
  }

  /** Records a problem found by a caller's own validation (e.g. a secret that is too short). */
  public void reportProblem(String problem) {
    problems.add(problem);
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** @throws SettingsException naming every missing or invalid setting read so far */
  public void check() {
    if (!problems.isEmpty()) {
      throw new SettingsException(problems);
    }
  }
}
