package com.whatsappclone.realtime;

import static org.assertj.core.api.Assertions.fail;

import com.whatsappclone.proto.realtime.ServerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The events a test client received, in order, read with a timeout: what the WebSocket client
 * ({@link WsClient}) and the gRPC stream client ({@link StreamClient}) share.
 */
final class ReceivedEvents {

  private final LinkedBlockingQueue<ServerEvent> queue = new LinkedBlockingQueue<>();
  private final Supplier<String> whyNone;

  /** @param whyNone what to add to the failure when no event came ("; stream ended: ..."), or "" */
  ReceivedEvents(Supplier<String> whyNone) {
    this.whyNone = whyNone;
  }

  void add(ServerEvent event) {
    queue.add(event);
  }

  /** The next event of any kind; fails the test when none comes in {@link WsClient#TIMEOUT_SECONDS}. */
  ServerEvent next() {
    ServerEvent event = nextWithinMillis(TimeUnit.SECONDS.toMillis(WsClient.TIMEOUT_SECONDS));
    if (event == null) {
      fail("no event within " + WsClient.TIMEOUT_SECONDS + " s" + whyNone.get());
    }
    return event;
  }

  /** The next event of this kind, skipping presence updates (other users coming and going). */
  ServerEvent next(ServerEvent.EventCase kind) {
    while (true) {
      ServerEvent event = next();
      if (event.getEventCase() == kind) {
        return event;
      }
      if (event.getEventCase() != ServerEvent.EventCase.PRESENCE) {
        fail("expected " + kind + " but got " + event);
      }
    }
  }

  /** Every event before the pong that answers ping {@code id}; the pong itself is consumed. */
  List<ServerEvent> untilPong(long id) {
    List<ServerEvent> before = new ArrayList<>();
    while (true) {
      ServerEvent event = next();
      if (event.hasPong() && event.getPong().getTimestamp() == id) {
        return before;
      }
      before.add(event);
    }
  }

  /** The next event, or null when none came within {@code millis}. */
  ServerEvent nextWithinMillis(long millis) {
    try {
      return queue.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An event already received, or null when there is none. */
  ServerEvent nextOrNull() {
    return queue.poll();
  }

  /** Moves everything received so far into {@code into}, without waiting. */
  void drainTo(List<ServerEvent> into) {
    queue.drainTo(into);
  }
}
