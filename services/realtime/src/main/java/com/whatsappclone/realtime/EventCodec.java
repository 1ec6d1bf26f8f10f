package com.whatsappclone.realtime;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.ServerEvent;
import java.nio.ByteBuffer;

/**
 * WebSocket frames (docs/API.md, "WebSocket"): text frames carry protobuf's canonical JSON mapping,
 * binary frames the protobuf bytes.
 *
 * <p>Reading: both lowerCamelCase and the .proto's snake_case names are accepted, and unknown
 * fields are ignored, as protobuf's binary parser ignores them: a newer client's extra field
 * does not break an older server. A frame without any known event is refused by the service.
 * Writing: lowerCamelCase, int64 as strings ({@code "timestamp":"42"}), and fields at their
 * default value are written too ({@code "isTyping":false}), so JavaScript clients need not treat
 * a missing field as false or empty.
 */
final class EventCodec {

  /**
   * Arrays and objects a text frame may nest. A ClientEvent needs three levels; the slack is for
   * unknown fields of newer clients, which are ignored but still parsed.
   */
  static final int MAX_JSON_DEPTH = 16;

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().alwaysPrintFieldsWithNoPresence();

  private EventCodec() {}

  /** @throws MalformedFrameException with a message for the client, for anything but a ClientEvent */
  static ClientEvent fromJson(String text) throws MalformedFrameException {
    if (JsonNesting.exceeds(text, MAX_JSON_DEPTH)) {
      throw new MalformedFrameException("frame nests arrays or objects more than " + MAX_JSON_DEPTH
          + " levels deep; a ClientEvent needs 3");
    }
    ClientEvent.Builder event = ClientEvent.newBuilder();
    try {
      PARSER.merge(text, event);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // JsonFormat also throws unchecked exceptions (Gson's, NumberFormatException) on bad input.
      throw new MalformedFrameException("frame is not a ClientEvent in protobuf JSON: "
          + ClientSafeText.of(e, "malformed JSON"));
    } catch (StackOverflowError e) {
      // Unreachable after the nesting check, but a decoder thread must never die of a frame.
      throw new MalformedFrameException("frame is nested too deeply");
    }
    return event.build();
  }

  /** @throws MalformedFrameException with a message for the client, for anything but a ClientEvent */
  static ClientEvent fromBinary(ByteBuffer bytes) throws MalformedFrameException {
    try {
      // protobuf's parser limits nesting itself (100 levels) and fails with an exception.
      return ClientEvent.parseFrom(bytes);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new MalformedFrameException("frame is not a ClientEvent in protobuf binary: "
          + ClientSafeText.of(e, "malformed protobuf"));
    } catch (StackOverflowError e) {
      throw new MalformedFrameException("frame is nested too deeply");
    }
  }

  static String toJson(ServerEvent event) {
    try {
      return PRINTER.print(event);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail to print; ServerEvent has none.
      throw new IllegalStateException("cannot print " + event.getEventCase(), e);
    }
  }
}
