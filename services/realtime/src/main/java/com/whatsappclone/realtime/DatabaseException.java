package com.whatsappclone.realtime;

import java.sql.SQLException;

/**
 * A failed JDBC call. The SQLException stays the cause, so the common StatusMapper still
 * recognises an unreachable database (UNAVAILABLE) and everything else stays INTERNAL.
 */
final class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DatabaseException(String what, SQLException cause) {
    super(what + " failed: " + cause.getMessage(), cause);
  }
}
