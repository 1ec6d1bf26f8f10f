package com.whatsappclone.auth;

import java.sql.SQLException;

/**
 * A failed SQL statement, unchecked so that it can cross the service layer. The error mapping
 * looks at the cause: a lost connection answers UNAVAILABLE, anything else INTERNAL (never with
 * the SQL text).
 */
final class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DatabaseException(SQLException cause) {
    super("database statement failed", cause);
  }

  /** A store call that may throw SQLException. */
  @FunctionalInterface
  interface SqlCall<T> {
    T run() throws SQLException;
  }

  /** Runs {@code call}, turning SQLException into DatabaseException. */
  static <T> T wrap(SqlCall<T> call) {
    try {
      return call.run();
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }
}
