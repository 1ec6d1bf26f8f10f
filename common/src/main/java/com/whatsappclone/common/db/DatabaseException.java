package com.whatsappclone.common.db;

import java.sql.SQLException;

/**
 * A failed SQL statement, unchecked so that it can cross the service layer. The SQLException stays
 * the cause: {@code StatusMapper} finds it there, a lost connection answers UNAVAILABLE
 * ({@code DATABASE_UNAVAILABLE}) and anything else INTERNAL, never with the SQL text.
 */
public final class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatabaseException(String what, SQLException cause) {
    super(what + " failed: " + cause.getMessage(), cause);
  }

  /** A store call that may throw SQLException. */
  @FunctionalInterface
  public interface SqlCall<T> {
    T run() throws SQLException;
  }

  /** A store call without a result. */
  @FunctionalInterface
  public interface SqlAction {
    void run() throws SQLException;
  }

  /** Runs {@code call}, turning SQLException into DatabaseException. */
  public static <T> T wrap(SqlCall<T> call) {
    try {
      return call.run();
    } catch (SQLException e) {
      throw new DatabaseException("database call", e);
    }
  }

  /** Runs {@code action}, turning SQLException into DatabaseException. */
  public static void run(SqlAction action) {
    wrap(() -> {
      action.run();
      return null;
    });
  }
}
