package com.whatsappclone.status;

import java.sql.SQLException;

/**
 * A failed database call, unchecked so that it can cross the gRPC adapter. The error mapping finds
 * the SQLException in the cause chain: connection failures become UNAVAILABLE, the rest INTERNAL.
 */
final class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DatabaseException(SQLException cause) {
    super("database call failed", cause);
  }
}
