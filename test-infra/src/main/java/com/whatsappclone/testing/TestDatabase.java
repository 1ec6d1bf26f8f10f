package com.whatsappclone.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

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

  /** A new plain JDBC connection; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "TestDatabase[" + jdbcUrl + ", user=" + user + "]";
  }
}
