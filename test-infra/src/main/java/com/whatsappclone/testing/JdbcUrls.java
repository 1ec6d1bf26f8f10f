package com.whatsappclone.testing;

import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/** The few {@code jdbc:postgresql://} URL edits the test infrastructure needs. */
final class JdbcUrls {

  /** host list, optional /database, optional ?query: the only URL form we need to rewrite. */
  private static final Pattern URL =
      Pattern.compile("^(jdbc:postgresql://[^/?]+)(/[^?]*)?(\\?.*)?$");

  private JdbcUrls() {}

  /** The same server and parameters, another database. */
  static String withDatabase(String jdbcUrl, String database) {
    Matcher m = matcher(jdbcUrl);
    return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
  }

  static String databaseName(String jdbcUrl) {
    Properties parsed = parse(jdbcUrl);
    return parsed.getProperty("PGDBNAME");
  }

  /** {@code user=} from the URL's query, or null. */
  static String user(String jdbcUrl) {
    return parse(jdbcUrl).getProperty("user");
  }

  /** {@code password=} from the URL's query, or null. */
  static String password(String jdbcUrl) {
    return parse(jdbcUrl).getProperty("password");
  }

  private static Matcher matcher(String jdbcUrl) {
    Matcher m = URL.matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a URL like jdbc:postgresql://host:port/database?params, got: " + redact(jdbcUrl));
    }
    return m;
  }

  private static Properties parse(String jdbcUrl) {
    // The driver's own parser: it knows the defaults and the URL-encoding rules.
    Properties parsed = Driver.parseURL(jdbcUrl, new Properties());
    if (parsed == null) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redact(jdbcUrl));
    }
    return parsed;
  }

  /** The URL without its query, which may hold a password. */
  static String redact(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
  }
}
