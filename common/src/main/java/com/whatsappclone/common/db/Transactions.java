package com.whatsappclone.common.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a store does when a transaction fails. The rollback itself may fail too (the failure was
 * a broken connection, which HikariCP has already closed), and that second failure must not hide
 * the first: the first says "database unavailable" and is answered UNAVAILABLE with a retry
 * delay, the second ("connection is closed") would be answered INTERNAL.
 *
 * <p>No store resets auto-commit after a transaction: HikariCP restores it when the connection
 * goes back to the pool, and doing it by hand on a broken connection fails the same way.
 */
public final class Transactions {

  private Transactions() {}

  /** Rolls back, adding a failure of the rollback to {@code cause} instead of throwing it. */
  public static void rollback(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
