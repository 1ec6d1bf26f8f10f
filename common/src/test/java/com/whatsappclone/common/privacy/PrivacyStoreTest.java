package com.whatsappclone.common.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Database;
import com.whatsappclone.common.db.DatabaseConfig;
import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared reader of privacy settings, address books and blocks, against a real PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PrivacyStoreTest {

  private static Database database;
  private static PrivacyStore store;
  private static SqlFixtures fixtures;

  @BeforeAll
  static void migrate(TestDatabase db) {
    database = new Database(DatabaseConfig.of(db.jdbcUrl(), db.user(), db.password()), "privacy-test");
    Migrations.migrate(database.dataSource());
    store = new PrivacyStore(database.dataSource());
    fixtures = new SqlFixtures(db);
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @Test
  void aUserWithoutSettingsShowsEverythingButStatusesToEveryoneAndStatusesToContactsOnly() throws SQLException {
    UUID owner = user();
    UUID contact = user();
    UUID stranger = user();
    addContact(owner, contact);

    Map<UUID, Relationship> seen = store.toViewers(owner, List.of(contact, stranger));

    assertThat(seen.get(contact).ownerSettings()).isEqualTo(PrivacySettings.DEFAULTS);
    assertThat(seen.get(contact).seesStatuses()).isTrue();
    assertThat(seen.get(stranger).seesStatuses()).isFalse();
    assertThat(seen.get(stranger).seesLastSeen()).isTrue();
    assertThat(seen.get(stranger).seesProfilePhoto()).isTrue();
    assertThat(seen.get(stranger).seesAbout()).isTrue();
  }

  @Test
  void settingsApplyPerAudienceAndABlockedViewerSeesNothing() throws SQLException {
    UUID owner = user();
    UUID contact = user();
    UUID stranger = user();
    UUID blockedContact = user();
    addContact(owner, contact);
    addContact(owner, blockedContact);
    block(owner, blockedContact);
    settings(owner, "contacts", "nobody", "everyone", "everyone", false);

    Map<UUID, Relationship> seen = store.toViewers(owner, List.of(contact, stranger, blockedContact));

    assertThat(seen.get(contact).seesLastSeen()).isTrue();
    assertThat(seen.get(stranger).seesLastSeen()).isFalse();
    assertThat(seen.get(contact).seesProfilePhoto()).isFalse();
    assertThat(seen.get(stranger).seesAbout()).isTrue();
    assertThat(seen.get(stranger).seesStatuses()).isTrue();
    Relationship blocked = seen.get(blockedContact);
    assertThat(List.of(blocked.seesLastSeen(), blocked.seesProfilePhoto(), blocked.seesAbout(),
        blocked.seesStatuses(), blocked.seesTyping())).containsOnly(false);
    assertThat(seen.get(contact).seesTyping()).isTrue();
  }

  @Test
  void fromOwnersAnswersWhatEachOwnerShowsOneViewer() throws SQLException {
    UUID viewer = user();
    UUID hasViewerAsContact = user();
    UUID blockedViewer = user();
    UUID stranger = user();
    addContact(hasViewerAsContact, viewer);
    addContact(blockedViewer, viewer);
    block(blockedViewer, viewer);

    Map<UUID, Relationship> seen = store.fromOwners(viewer, List.of(hasViewerAsContact, blockedViewer, stranger));

    assertThat(seen.get(hasViewerAsContact).seesStatuses()).isTrue();
    assertThat(seen.get(blockedViewer).seesStatuses()).isFalse();
    assertThat(seen.get(blockedViewer).viewerBlocked()).isTrue();
    assertThat(seen.get(stranger).seesStatuses()).isFalse();
    assertThat(seen.get(stranger).owner()).isEqualTo(stranger);
    assertThat(seen.get(stranger).viewer()).isEqualTo(viewer);
  }

  @Test
  void blocksBetweenTellsEachDirectionApartInOneAnswer() throws SQLException {
    UUID user = user();
    UUID blockedByUser = user();
    UUID blockedUser = user();
    UUID both = user();
    UUID unrelated = user();
    UUID blockedByUserOutsideTheList = user();
    block(user, blockedByUser);
    block(blockedUser, user);
    block(user, both);
    block(both, user);
    block(user, blockedByUserOutsideTheList);

    PrivacyStore.Blocks blocks = store.blocksBetween(user, List.of(blockedByUser, blockedUser, both, unrelated));

    assertThat(blocks.blockedByUser()).containsExactlyInAnyOrder(blockedByUser, both);
    assertThat(blocks.blockedUser()).containsExactlyInAnyOrder(blockedUser, both);
    assertThat(store.blocksBetween(user, List.of(unrelated)).isEmpty()).isTrue();
  }

  @Test
  void readReceiptsOffListsOnlyThoseWhoTurnedThemOff() throws SQLException {
    UUID off = user();
    UUID on = user();
    UUID noRow = user();
    settings(off, "everyone", "everyone", "everyone", "contacts", false);
    settings(on, "everyone", "everyone", "everyone", "contacts", true);

    assertThat(store.readReceiptsOff(Set.of(off, on, noRow))).containsExactly(off);
  }

  private static UUID user() {
    return fixtures.newUser();
  }

  private static void addContact(UUID owner, UUID contact) {
    fixtures.addContact(owner, contact);
  }

  private static void block(UUID blocker, UUID blocked) {
    fixtures.block(blocker, blocked);
  }

  private static void settings(UUID user, String lastSeen, String photo, String about, String statuses,
      boolean readReceipts) throws SQLException {
    fixtures.update("INSERT INTO user_privacy_settings (user_id, last_seen, profile_photo, about, statuses, read_receipts)"
        + " VALUES (?, ?, ?, ?, ?, ?)", user, lastSeen, photo, about, statuses, readReceipts);
  }
}
