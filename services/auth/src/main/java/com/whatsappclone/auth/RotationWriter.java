package com.whatsappclone.auth;

import com.whatsappclone.common.db.GroupCommit;
import java.sql.SQLException;

/**
 * Refresh token rotations of concurrent RefreshToken calls in group commits ({@link GroupCommit}):
 * every rotation waiting goes into one UPDATE and one commit, and each call is answered once that
 * committed, as if it had updated its own row. (A refresh is this one write; alone, each refresh
 * paid a statement, a commit and a WAL flush, and waited for one of the pool's connections.)
 */
final class RotationWriter implements AutoCloseable {

  /** Rotations per statement: beyond this a batch waits for the next round. */
  static final int MAX_BATCH = 256;
  /** Waiting rotations; the gRPC server's call executor bounds concurrent calls well below it. */
  static final int MAX_WAITING = 4_096;
  /** One batch gathers while one commits and another waits for its WAL flush. */
  static final int WRITERS = 2;

  private final GroupCommit<DeviceSessionStore.Rotation, Boolean> commits;

  RotationWriter(DeviceSessionStore store) {
    this.commits = new GroupCommit<>("auth-rotations", WRITERS, MAX_BATCH, MAX_WAITING, store::rotateAll,
        store::rotate);
  }

  /**
   * Blocks until the rotation is committed.
   *
   * @return true when it was applied, false when the old token was no longer current
   */
  boolean rotate(DeviceSessionStore.Rotation rotation) throws SQLException {
    return commits.write(rotation);
  }

  /** Finishes the batches being written; calls still waiting are answered UNAVAILABLE. */
  @Override
  public void close() throws InterruptedException {
    commits.close();
  }
}
