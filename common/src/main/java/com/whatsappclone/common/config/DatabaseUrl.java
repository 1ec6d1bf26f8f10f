package com.whatsappclone.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL location given either as the original's {@code postgres://user:pass@host:port/db?
 * sslmode=disable} URL or as a {@code jdbc:postgresql:} URL, turned into what JDBC needs.
 *
 * <p>Credentials are kept out of the JDBC URL so that logging the URL never leaks a password.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

  /** @throws IllegalArgumentException naming DATABASE_URL and what is wrong with it */
  public static DatabaseUrl parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("DATABASE_URL is empty");
    }
    String value = raw.trim();
    if (value.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(value, null, null);
    }
    if (!value.startsWith("postgres://") && !value.startsWith("postgresql://")) {
      throw new IllegalArgumentException(
          "DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql: (got scheme '"
              + schemeOf(value) + "')");
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("DATABASE_URL is not a valid URL: " + e.getReason(), e);
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("DATABASE_URL has no host");
    }
    String path = uri.getRawPath();
    if (path == null || path.length() <= 1) {
      throw new IllegalArgumentException("DATABASE_URL has no database name");
    }
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://");
    jdbc.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host);
    if (uri.getPort() != -1) {
      jdbc.append(':').append(uri.getPort());
    }
    jdbc.append(path);
    if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
      jdbc.append('?').append(uri.getRawQuery());
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new DatabaseUrl(jdbc.toString(), user, password);
  }

  private static String schemeOf(String value) {
    int colon = value.indexOf(':');
    return colon < 0 ? "" : value.substring(0, colon);
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "DatabaseUrl[" + jdbcUrl + ", user=" + user + "]";
  }
}
