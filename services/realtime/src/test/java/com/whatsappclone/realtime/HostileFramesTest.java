package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.proto.realtime.ServerEvent;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Frames built to hurt the decoder: one of them used to overflow the stack of a decoder thread,
 * which made Java-WebSocket stop the whole server. Each must get an Error event for its sender
 * only, while the server, the sender's connection and everyone else's keep working.
 */
class HostileFramesTest extends RealtimeServerTest {

  /** A qualified Java class name, as parsers put them into their messages. */
  private static final Pattern JAVA_CLASS = Pattern.compile("\\b(?:java|javax|com|org|io)\\.[\\w.$]+");

  @Test
  void tenThousandNestedArraysInPingGetAnErrorAndTheServerKeepsServing() {
    WsClient bystander = server.ws(server.fixtures.newUser());
    WsClient attacker = server.ws(server.fixtures.newUser());

    String frame = "{\"ping\":{\"timestamp\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}}";
    assertThat(frame).hasSize(20_023);
    attacker.sendJson(frame);

    ServerEvent answer = attacker.next();
    assertThat(answer.getError().getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(answer.getError().getMessage()).contains("nests").doesNotContainPattern(JAVA_CLASS);
    assertStillServing(attacker, bystander);
    assertThat(server.servers.webSocket().restartCount()).as("the server was never replaced").isZero();
  }

  @Test
  void deepNestingInEveryFieldGetsAnErrorEvent() {
    WsClient client = server.ws(server.fixtures.newUser());
    String arrays = "[".repeat(10_000) + "]".repeat(10_000);
    String objects = "{\"a\":".repeat(8_000) + "1" + "}".repeat(8_000);
    List<String> frames = List.of(
        "{\"typing\":{\"conversationId\":" + arrays + "}}",
        "{\"typing\":{\"isTyping\":" + objects + "}}",
        "{\"readReceipt\":{\"messageId\":" + arrays + ",\"conversationId\":\"x\"}}",
        "{\"ack\":{\"conversationId\":" + objects + "}}",
        "{\"ping\":" + objects + "}",
        "{\"somethingNewer\":" + arrays + "}",
        arrays,
        objects,
        // Unbalanced: only opening brackets, as a truncated attack frame would be.
        "{\"ping\":{\"timestamp\":" + "[".repeat(20_000));
    for (String frame : frames) {
      client.sendJson(frame);
      ServerEvent answer = client.next();
      assertThat(answer.getError().getCode()).as(frame.substring(0, 40)).isEqualTo("INVALID_ARGUMENT");
      assertThat(answer.getError().getMessage()).doesNotContainPattern(JAVA_CLASS);
    }
    assertStillServing(client, server.ws(server.fixtures.newUser()));
  }

  @Test
  void deeplyNestedProtobufGroupsInABinaryFrameGetAnErrorEvent() {
    WsClient client = server.ws(server.fixtures.newUser());
    byte[] groups = new byte[20_000];
    // Tag of field 15 with wire type 3 (start group), again and again: protobuf recurses per group.
    java.util.Arrays.fill(groups, (byte) ((15 << 3) | 3));
    client.send(ByteBuffer.wrap(groups));
    ServerEvent answer = client.next();
    assertThat(answer.getError().getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(answer.getError().getMessage()).doesNotContainPattern(JAVA_CLASS);
    assertStillServing(client, server.ws(server.fixtures.newUser()));
  }

  @Test
  void brokenJsonErrorsNameNoJavaClasses() {
    WsClient client = server.ws(server.fixtures.newUser());
    List<String> frames = List.of("{", "{\"ping\":", "{\"ping\":{\"timestamp\":\"x\"}}", "[1,2", "\"",
        "{\"ping\":{\"timestamp\":1e999}}", "{\"ping\" {}}", "nul", "{\"ping\":{\"timestamp\":\"\\u00\"}}",
        "{\"ack\":{\"messageId\":[1]}}", "{\"typing\":{\"isTyping\":\"maybe\"}}");
    for (String frame : frames) {
      client.sendJson(frame);
      ServerEvent answer = client.next();
      assertThat(answer.getError().getCode()).as(frame).isEqualTo("INVALID_ARGUMENT");
      assertThat(answer.getError().getMessage()).as(frame)
          .doesNotContainPattern(JAVA_CLASS)
          .doesNotContain("Exception")
          .doesNotContain("https://");
    }
    assertStillServing(client, server.ws(server.fixtures.newUser()));
  }

  /** The given connections still answer pings, and a new connection can be opened. */
  private static void assertStillServing(WsClient... clients) {
    long timestamp = 1;
    for (WsClient client : clients) {
      client.sendBinary(WsClient.ping(timestamp));
      assertThat(client.next(ServerEvent.EventCase.PONG).getPong().getTimestamp()).isEqualTo(timestamp);
      timestamp++;
    }
    WsClient newcomer = server.ws(server.fixtures.newUser());
    newcomer.sendBinary(WsClient.ping(99));
    assertThat(newcomer.next(ServerEvent.EventCase.PONG).getPong().getTimestamp()).isEqualTo(99);
    newcomer.close();
    for (WsClient client : clients) {
      client.close();
    }
  }
}
