package com.whatsappclone.realtime;

import com.whatsappclone.testing.SqlFixtures;
import java.util.UUID;

/**
 * The rows auth writes for issue 17 (address books, blocks, privacy settings), written straight
 * into the test database: realtime only reads them.
 */
final class PrivacyRows {

  private final SqlFixtures fixtures;

  PrivacyRows(SqlFixtures fixtures) {
    this.fixtures = fixtures;
  }

  /** {@code owner} has {@code contact}'s number in their address book. */
  void addContact(UUID owner, UUID contact) {
    fixtures.update("INSERT INTO contacts (user_id, contact_phone_number, contact_user_id)"
        + " SELECT ?, phone_number, id FROM users WHERE id = ?", owner, contact);
  }

  void block(UUID blocker, UUID blocked) {
    fixtures.update("INSERT INTO blocked_users (blocker_user_id, blocked_user_id) VALUES (?, ?)", blocker, blocked);
  }

  /** {@code user}'s last-seen audience: "everyone", "contacts" or "nobody". */
  void lastSeen(UUID user, String audience) {
    fixtures.update("INSERT INTO user_privacy_settings (user_id, last_seen) VALUES (?, ?)"
        + " ON CONFLICT (user_id) DO UPDATE SET last_seen = EXCLUDED.last_seen", user, audience);
  }

  void readReceiptsOff(UUID user) {
    fixtures.update("INSERT INTO user_privacy_settings (user_id, read_receipts) VALUES (?, false)"
        + " ON CONFLICT (user_id) DO UPDATE SET read_receipts = false", user);
  }
}
