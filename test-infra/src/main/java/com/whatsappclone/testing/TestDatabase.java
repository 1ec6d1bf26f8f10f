package com.whatsappclone.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One empty PostgreSQL database made for a test (see {@link PostgresExtension#newDatabase()}).
 *
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/name[?params]}; credentials are in the fields below
 * @param user     the role to connect as
 * @param password its password; the embedded server trusts every local connection, so any value works there
 */
public record TestDatabase(String jdbcUrl, String user, String password) {

  /** The database's name, the last segment of the URL's path. */
  public String name() {
    return JdbcUrls.databaseName(jdbcUrl);
  }

  /**
   * The URL with {@code user=} and {@code password=} in it, as a service's {@code DATABASE_URL}
   * setting carries them; no password is sent as an empty one.
   */
  public String jdbcUrlWithCredentials() {
    return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?")
        + "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password == null ? "" : password, StandardCharsets.UTF_8);
  }

  /** A new plain JDBC connection; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** A plain (unpooled) DataSource on it, for stores under test. */
  public DataSource dataSource() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(jdbcUrl);
    dataSource.setUser(user);
    dataSource.setPassword(password);
    return dataSource;
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "TestDatabase[" + jdbcUrl + ", user=" + user + "]";
  }
}
