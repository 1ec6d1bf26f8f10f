package com.whatsappclone.common.db;

/**
 * Start-up found a database schema it must not migrate (see {@link SchemaTakeover}); the message
 * says what was found and what to do. Nothing in the database was changed.
 */
public final class UnrecognisedSchemaException extends IllegalStateException {

  UnrecognisedSchemaException(String message) {
    super(message);
  }
}
