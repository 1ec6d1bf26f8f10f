package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.db.Migrations;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.testing.PostgresExtension;
import com.whatsappclone.testing.SqlFixtures;
import com.whatsappclone.testing.TestDatabase;
import com.whatsappclone.testing.WithPostgres;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whose presence a user's connect goes to, on a real PostgreSQL. */
@WithPostgres
class ParticipantStoreTest {

  static SqlFixtures rows;
  static DataSource dataSource;

  @BeforeAll
  static void start() {
    TestDatabase database = PostgresExtension.newDatabase();
    dataSource = database.dataSource();
    Migrations.migrate(dataSource);
    rows = new SqlFixtures(database);
  }

  @Test
  void groupsAboveThePresenceLimitDoNotMakeTheirMembersViewers() {
    UUID alice = rows.newUser();
    UUID partner = rows.newUser();
    UUID small1 = rows.newUser();
    UUID small2 = rows.newUser();
    UUID big1 = rows.newUser();
    UUID big2 = rows.newUser();
    UUID big3 = rows.newUser();
    rows.conversation(alice, partner);
    rows.conversation(alice, small1, small2);
    rows.conversation(alice, big1, big2, big3);
    // A one-to-one partner who is also in the big group still sees alice through their chat.
    rows.conversation(alice, big3);

    assertThat(new ParticipantStore(dataSource, 3).contactsOf(alice))
        .containsExactlyInAnyOrder(partner.toString(), small1.toString(), small2.toString(), big3.toString());
    assertThat(new ParticipantStore(dataSource, 4).contactsOf(alice))
        .containsExactlyInAnyOrder(partner.toString(), small1.toString(), small2.toString(),
            big1.toString(), big2.toString(), big3.toString());
  }

  @Test
  void aLimitOfZeroLeavesOnlyOneToOnePartners() {
    UUID alice = rows.newUser();
    UUID partner = rows.newUser();
    UUID member = rows.newUser();
    rows.conversation(alice, partner);
    rows.conversation(alice, member, rows.newUser());

    assertThat(new ParticipantStore(dataSource, 0).contactsOf(alice)).containsExactly(partner.toString());
  }

  @Test
  void presenceGoesToGroupsOfUpTo256MembersByDefault() {
    assertThat(RealtimeSettings.from(Settings.of(Map.of())).presenceGroupLimit()).isEqualTo(256);
    assertThat(RealtimeSettings.from(Settings.of(Map.of("REALTIME_PRESENCE_GROUP_LIMIT", "0")))
        .presenceGroupLimit()).isZero();
  }
}
