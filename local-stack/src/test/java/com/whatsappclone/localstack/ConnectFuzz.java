package com.whatsappclone.localstack;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.whatsappclone.proto.realtime.ClientEvent;
import com.whatsappclone.proto.realtime.Ping;
import com.whatsappclone.proto.realtime.ServerEvent;
import com.whatsappclone.testing.RawGrpcCalls;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Hostile frames on {@code proto.RealtimeService/Connect} streams, the answers counted in a
 * {@link StatusTally}: how each stream ended, and the codes of the Error events the realtime
 * service answers a frame it cannot accept with (an INTERNAL there is a bug as much as in a status).
 */
final class ConnectFuzz {

  static final String MALFORMED_FRAME = "Connect: malformed frame";
  static final String HOSTILE_EVENTS = "Connect: hostile events";
  static final String ERROR_EVENTS = "Connect: Error events";

  private final Channel channel;
  private final Supplier<Metadata> headers;
  private final MethodDescriptor<byte[], byte[]> connect;
  private final StatusTally tally;

  ConnectFuzz(Channel channel, Supplier<Metadata> headers, MethodDescriptor<byte[], byte[]> connect, StatusTally tally) {
    this.channel = channel;
    this.headers = headers;
    this.connect = connect;
    this.tally = tally;
  }

  /** A stream that is up (a ping answered), then the frame, another ping, and the end. */
  void malformedFrame(String name, byte[] frame) throws InterruptedException {
    RawGrpcCalls.Stream stream = open();
    stream.send(ping(1));
    awaitPong(stream, 1);
    stream.send(frame);
    stream.send(ping(2));
    tally.record(MALFORMED_FRAME, connect.getFullMethodName(), name, stream.halfCloseAndAwait());
    recordErrorEvents(stream, name);
  }

  /** The events on one stream, then a ping; waits until the answers stop before ending it. */
  void hostileEvents(String batch, List<DynamicMessage> events) throws InterruptedException {
    RawGrpcCalls.Stream stream = open();
    for (DynamicMessage event : events) {
      if (!stream.send(event.toByteArray())) {
        break;
      }
    }
    stream.send(ping(3));
    awaitPong(stream, 3);
    // Frames other than pings are handled one after another off the stream's thread; wait until
    // their answers stop coming, so that an Error event for the last of them is counted too.
    List<byte[]> answers = new ArrayList<>();
    for (byte[] answer = stream.next(500); answer != null; answer = stream.next(500)) {
      answers.add(answer);
    }
    stream.received.addAll(answers);
    tally.record(HOSTILE_EVENTS, connect.getFullMethodName(), batch, stream.halfCloseAndAwait());
    recordErrorEvents(stream, batch);
  }

  /** A new stream answers a ping and ends with OK. */
  boolean freshStreamWorks() throws InterruptedException {
    RawGrpcCalls.Stream stream = open();
    stream.send(ping(7));
    boolean answered = awaitPong(stream, 7);
    return answered && stream.halfCloseAndAwait().isOk();
  }

  static byte[] ping(long timestamp) {
    return ClientEvent.newBuilder().setPing(Ping.newBuilder().setTimestamp(timestamp)).build().toByteArray();
  }

  private RawGrpcCalls.Stream open() {
    return new RawGrpcCalls.Stream(channel, headers.get(), connect);
  }

  private void recordErrorEvents(RawGrpcCalls.Stream stream, String input) {
    for (byte[] answer : stream.received) {
      ServerEvent event = parse(answer);
      if (event.hasError()) {
        Status.Code code = Status.Code.valueOf(event.getError().getCode());
        tally.record(ERROR_EVENTS, connect.getFullMethodName(), input,
            Status.fromCode(code).withDescription(event.getError().getMessage()));
      }
    }
  }

  /** Waits (10 s at most) for the pong to this ping; other answers stay queued. */
  private static boolean awaitPong(RawGrpcCalls.Stream stream, long timestamp) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<byte[]> others = new ArrayList<>();
    try {
      while (System.nanoTime() < deadline && !(stream.isClosed() && stream.received.isEmpty())) {
        byte[] answer = stream.next(100);
        if (answer == null) {
          continue;
        }
        ServerEvent event = parse(answer);
        if (event.hasPong() && event.getPong().getTimestamp() == timestamp) {
          return true;
        }
        others.add(answer);
      }
      return false;
    } finally {
      stream.received.addAll(others);
    }
  }

  private static ServerEvent parse(byte[] bytes) {
    try {
      return ServerEvent.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the server sent an invalid ServerEvent", e);
    }
  }
}
