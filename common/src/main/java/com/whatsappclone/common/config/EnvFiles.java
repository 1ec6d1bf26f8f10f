package com.whatsappclone.common.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the env files the way the original Go services did.
 *
 * <p>With {@code APP_ENV=x} the file is {@code .env.x}; otherwise {@code .env.docker} when
 * {@code RUNNING_IN_DOCKER} is set, else {@code .env.local}. {@code .env} is read as well and wins
 * over that file. Real environment variables win over both. A missing file is fine.
 */
public final class EnvFiles {

  private EnvFiles() {}

  /** The environment-specific file name ({@code .env.local}, {@code .env.docker}, {@code .env.<APP_ENV>}). */
  public static String environmentFileName(Map<String, String> environment) {
    String appEnv = environment.get("APP_ENV");
    if (appEnv != null && !appEnv.isBlank()) {
      return ".env." + appEnv.trim();
    }
    String inDocker = environment.get("RUNNING_IN_DOCKER");
    if (inDocker != null && !inDocker.isBlank()) {
      return ".env.docker";
    }
    return ".env.local";
  }

  /**
   * Merges, lowest precedence first: the environment-specific file, {@code .env}, then the real
   * environment. Built-in defaults are applied later, by {@link Settings}, for names absent here.
   */
  public static Layered load(Path directory, Map<String, String> environment) {
    String envFile = environmentFileName(environment);
    Map<String, String> merged = new LinkedHashMap<>();
    List<Path> filesRead = new ArrayList<>();
    for (String name : List.of(envFile, ".env")) {
      Path file = directory.resolve(name);
      if (Files.isRegularFile(file)) {
        merged.putAll(readFile(directory, name));
        filesRead.add(file);
      }
    }
    merged.putAll(environment);
    return new Layered(Collections.unmodifiableMap(merged), List.copyOf(filesRead), envFile);
  }

  private static Map<String, String> readFile(Path directory, String name) {
    Dotenv dotenv =
        Dotenv.configure().directory(directory.toString()).filename(name).ignoreIfMissing().load();
    Map<String, String> values = new LinkedHashMap<>();
    for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
      values.put(entry.getKey(), entry.getValue());
    }
    return values;
  }

  /** The merged values, the files that were actually found, and the environment file chosen. */
  public record Layered(Map<String, String> values, List<Path> filesRead, String environmentFile) {}
}
