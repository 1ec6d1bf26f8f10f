package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.proto.realtime.ServerEvent.EventCase;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Presence (online, offline with last seen) reaches a viewer only as the owner's last-seen
 * setting allows, and never one the owner blocked; through both doors.
 */
class PresencePrivacyTest extends RealtimeServerTest {


  @Test
  void lastSeenForContactsReachesOnlyThoseInTheOwnersAddressBook() throws Exception {
    UUID alice = fixtures.newUser();
    UUID contact = fixtures.newUser();
    UUID stranger = fixtures.newUser();
    fixtures.conversation(alice, contact, stranger);
    fixtures.addContact(alice, contact);
    // The stranger has alice in their address book: it is alice's book that counts.
    fixtures.addContact(stranger, alice);
    fixtures.privacy(alice, "last_seen", "contacts");
    WsClient contactDevice = server.ws(contact);
    StreamClient strangerStream = server.grpc(stranger);
    contactDevice.eventsUntilPong();
    strangerStream.eventsUntilPong();

    WsClient aliceDevice = server.ws(alice);
    assertThat(presenceOf(contactDevice, alice).getPresence().getStatus()).isEqualTo("online");
    awaitConnectAnnounced(aliceDevice);
    assertThat(strangerStream.eventsUntilPong()).noneMatch(event -> isPresenceOf(event, alice));

    aliceDevice.close();
    ServerEvent offline = presenceOf(contactDevice, alice);
    assertThat(offline.getPresence().getStatus()).isEqualTo("offline");
    assertThat(offline.getPresence().getLastSeen()).isNotEmpty();
    Thread.sleep(200); // the same fan-out: the stranger's copy would be on its way by now
    assertThat(strangerStream.eventsUntilPong()).noneMatch(event -> isPresenceOf(event, alice));
    contactDevice.close();
    strangerStream.close();
  }

  @Test
  void lastSeenForNobodyReachesNoOneNotEvenContacts() throws Exception {
    UUID alice = fixtures.newUser();
    UUID contact = fixtures.newUser();
    UUID other = fixtures.newUser();
    fixtures.conversation(alice, contact);
    fixtures.conversation(alice, other);
    fixtures.addContact(alice, contact);
    fixtures.privacy(alice, "last_seen", "nobody");
    StreamClient contactStream = server.grpc(contact);
    WsClient otherDevice = server.ws(other);
    contactStream.eventsUntilPong();
    otherDevice.eventsUntilPong();

    StreamClient aliceStream = server.grpc(alice);
    awaitConnectAnnounced(aliceStream);
    aliceStream.close();
    RealtimeTestServer.await(() -> fixtures.lastSeenAt(alice).isPresent() ? 1 : 0, 1, "alice's last seen recorded");
    Thread.sleep(300);

    assertThat(contactStream.eventsUntilPong()).noneMatch(event -> isPresenceOf(event, alice));
    assertThat(otherDevice.eventsUntilPong()).noneMatch(event -> isPresenceOf(event, alice));
    contactStream.close();
    otherDevice.close();
  }

  @Test
  void aBlockedViewerGetsNoPresenceWhileOthersDo() throws Exception {
    UUID alice = fixtures.newUser();
    UUID blocked = fixtures.newUser();
    UUID friend = fixtures.newUser();
    fixtures.conversation(alice, blocked, friend);
    fixtures.block(alice, blocked);
    // Even in alice's address book, and with last seen for everyone (the default).
    fixtures.addContact(alice, blocked);
    StreamClient blockedStream = server.grpc(blocked);
    WsClient friendDevice = server.ws(friend);
    blockedStream.eventsUntilPong();
    friendDevice.eventsUntilPong();

    StreamClient aliceStream = server.grpc(alice);
    ServerEvent online = presenceOf(friendDevice, alice);
    assertThat(online.getPresence().getUserId()).isEqualTo(alice.toString());
    awaitConnectAnnounced(aliceStream);
    assertThat(blockedStream.eventsUntilPong()).noneMatch(event -> isPresenceOf(event, alice));

    aliceStream.close();
    assertThat(presenceOf(friendDevice, alice).getPresence().getStatus()).isEqualTo("offline");
    Thread.sleep(200);
    assertThat(blockedStream.eventsUntilPong()).noneMatch(event -> isPresenceOf(event, alice));
    blockedStream.close();
    friendDevice.close();
  }

  /**
   * The device's frames run in order after its connect task (presence, catch-up): the answer to
   * a typing frame in a conversation that does not exist comes after the presence fan-out.
   */
  static void awaitConnectAnnounced(WsClient device) {
    device.sendJson("{\"typing\":{\"conversationId\":\"" + UUID.randomUUID() + "\",\"isTyping\":true}}");
    assertThat(device.next(EventCase.ERROR).getError().getReason()).isEqualTo("CONVERSATION_NOT_FOUND");
  }

  static void awaitConnectAnnounced(StreamClient stream) {
    stream.send(com.whatsappclone.proto.realtime.ClientEvent.newBuilder()
        .setTyping(com.whatsappclone.proto.realtime.TypingIndicator.newBuilder()
            .setConversationId(UUID.randomUUID().toString()).setIsTyping(true)).build());
    assertThat(stream.next(EventCase.ERROR).getError().getReason()).isEqualTo("CONVERSATION_NOT_FOUND");
  }

  /** The next presence update of {@code user} (the viewers' own come and go as well). */
  private static ServerEvent presenceOf(WsClient device, UUID user) {
    while (true) {
      ServerEvent event = device.next(EventCase.PRESENCE);
      if (isPresenceOf(event, user)) {
        return event;
      }
    }
  }

  private static boolean isPresenceOf(ServerEvent event, UUID user) {
    return event.hasPresence() && event.getPresence().getUserId().equals(user.toString());
  }
}
