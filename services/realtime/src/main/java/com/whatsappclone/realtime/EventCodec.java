package com.whatsappclone.realtime;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.ServerEvent;
import java.nio.ByteBuffer;

/**
 * WebSocket frames (API.md "WebSocket"): text frames carry protobuf's canonical JSON mapping,
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

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().alwaysPrintFieldsWithNoPresence();

  private EventCodec() {}

  static ClientEvent fromJson(String text) throws InvalidProtocolBufferException {
    ClientEvent.Builder event = ClientEvent.newBuilder();
    PARSER.merge(text, event);
    return event.build();
  }

  static ClientEvent fromBinary(ByteBuffer bytes) throws InvalidProtocolBufferException {
    return ClientEvent.parseFrom(bytes);
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
