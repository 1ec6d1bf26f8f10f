package com.whatsappclone.worker;

/**
 * Points in the processing of a batch where tests simulate a crash (by throwing). Production uses
 * {@link #NONE}. An exception thrown here ends the consumer loop like a process crash would: the
 * batch's offsets are not committed.
 */
public interface WorkerHooks {

  WorkerHooks NONE = new WorkerHooks() {};

  /** The batch's messages are committed in PostgreSQL; no stored event is published yet. */
  default void afterDatabaseCommit(int messagesInBatch) {}

  /** The stored events (and dead letters) are acknowledged; offsets are not committed yet. */
  default void afterEventsPublished(int messagesInBatch) {}
}
