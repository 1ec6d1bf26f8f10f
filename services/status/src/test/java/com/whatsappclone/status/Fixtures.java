package com.whatsappclone.status;

import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import java.time.Instant;
import java.util.UUID;

/**
 * Users, conversations, address books, privacy settings and blocks written straight into the test database: the chat service that
 * will own conversations is built separately, so the status tests do not depend on its code.
 */
final class Fixtures extends SqlFixtures {

  Fixtures(TestDatabase db) {
    super(db);
  }

  /**
   * Each of {@code contacts} is in {@code owner}'s address book (a contacts row, as auth writes
   * it): with the default statuses setting they see the owner's statuses.
   */
  void addContacts(UUID owner, UUID... contacts) {
    for (UUID contact : contacts) {
      addContact(owner, contact);
    }
  }

  /** The user's statuses audience: "everyone", "contacts" or "nobody" (user_privacy_settings). */
  void statusesFor(UUID user, String audience) {
    privacy(user, "statuses", audience);
  }

  /** A status row written directly, for expiry and cleanup cases the API cannot create. */
  UUID status(UUID author, Instant createdAt, Instant expiresAt) {
    UUID id = UUID.randomUUID();
    update("INSERT INTO status_updates (id, user_id, content_type, content_or_url, created_at, expires_at)"
        + " VALUES (?, ?, 'text', 'hello', ?, ?)", id, author, utc(createdAt), utc(expiresAt));
    return id;
  }

  void view(UUID statusId, UUID viewer, Instant viewedAt) {
    update("INSERT INTO status_views (status_id, user_id, viewed_at) VALUES (?, ?, ?)",
        statusId, viewer, utc(viewedAt));
  }
}
