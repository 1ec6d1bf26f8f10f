package com.whatsappclone.testing;

/**
 * Reads the test settings: an environment variable, or else a JVM system property of the same name
 * (handy in an IDE run configuration or in surefire's {@code systemPropertyVariables}).
 */
final class TestEnv {

  static final String DATABASE_URL = "TEST_DATABASE_URL";
  static final String DATABASE_USER = "TEST_DATABASE_USER";
  static final String DATABASE_PASSWORD = "TEST_DATABASE_PASSWORD";
  static final String KAFKA_BROKERS = "TEST_KAFKA_BROKERS";
  static final String TESTCONTAINERS = "TESTCONTAINERS";
  static final String POSTGRES_IMAGE = "TEST_POSTGRES_IMAGE";
  static final String KAFKA_IMAGE = "TEST_KAFKA_IMAGE";

  private TestEnv() {}

  /** The trimmed value, or null when unset or blank. */
  static String get(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      value = System.getProperty(name);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  static String getOrDefault(String name, String fallback) {
    String value = get(name);
    return value == null ? fallback : value;
  }

  /** {@code TESTCONTAINERS=true} (or 1): start Docker containers instead of the embedded servers. */
  static boolean useTestcontainers() {
    String value = get(TESTCONTAINERS);
    return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
  }
}
