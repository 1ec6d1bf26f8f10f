package com.whatsappclone.realtime;

import com.whatsappclone.realtime.MessageStatusStore.ReceiptKind;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection's acks and read receipts waiting for the {@link ReceiptWriter}, coalesced by
 * message: a receipt is a state ("delivered", "read"), not a task, so a second ack of the same
 * message adds nothing and a read receipt absorbs the ack before it. A catch-up burst of
 * hundreds of messages therefore costs as many entries as distinct messages, and no other kind
 * of frame (typing) can push a receipt out.
 *
 * <p>{@link #limit} bounds the distinct receipts waiting; the catch-up reads its next page only
 * while at most a quarter of it is used ({@link #isLow}), so a client that acks what it received
 * never reaches it: the limit is there for one that acks ids it invented.
 */
final class PendingReceipts {

  /** What {@link #add} did. */
  enum Added {
    /** A new entry; the connection was not waiting for the writer yet: schedule it. */
    FIRST,
    /** A new entry; the connection is already scheduled. */
    MORE,
    /** Folded into an entry that was waiting: nothing more to write. */
    COALESCED,
    /** {@link #limit} distinct receipts wait already: refused. */
    FULL,
    /** New, and the server has no room for more: refused. */
    NO_ROOM
  }

  /** A receipt and whom to tell its outcome. */
  record Pending(ReceiptRequest request, ReceiptWriter.Answer answer) {}

  private record Key(UUID messageId, UUID conversationId) {}

  private final int limit;
  private final LinkedHashMap<Key, Pending> waiting = new LinkedHashMap<>();
  /** Read without the lock by the catch-up's pacing. */
  private final AtomicInteger size = new AtomicInteger();
  /** Whether the writer has this connection in its ready queue. */
  private boolean scheduled;

  PendingReceipts(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    this.limit = limit;
  }

  int limit() {
    return limit;
  }

  /** Receipts waiting (an instant's view). */
  int size() {
    return size.get();
  }

  /** At most a quarter of the limit used: the catch-up may send more. */
  boolean isLow() {
    return size.get() <= limit / 4;
  }

  /** @param serverHasRoom whether a new entry may be added as far as the whole server goes */
  synchronized Added add(ReceiptRequest request, ReceiptWriter.Answer answer, boolean serverHasRoom) {
    Key key = new Key(request.messageId(), request.conversationId());
    Pending earlier = waiting.get(key);
    if (earlier != null) {
      if (request.kind() == ReceiptKind.READ && earlier.request().kind() == ReceiptKind.DELIVERED) {
        // "Read" implies "delivered": the store sets both and the sender hears both.
        waiting.put(key, new Pending(request, answer));
      }
      return Added.COALESCED;
    }
    if (waiting.size() >= limit) {
      return Added.FULL;
    }
    if (!serverHasRoom) {
      return Added.NO_ROOM;
    }
    waiting.put(key, new Pending(request, answer));
    size.incrementAndGet();
    if (scheduled) {
      return Added.MORE;
    }
    scheduled = true;
    return Added.FIRST;
  }

  /**
   * Takes up to {@code max} receipts, oldest first, into {@code into}.
   *
   * @return {@code true} when some are left (the connection stays scheduled), {@code false} when
   *     none is (the next {@link #add} schedules it again)
   */
  synchronized boolean takeInto(List<Pending> into, int max) {
    Iterator<Map.Entry<Key, Pending>> entries = waiting.entrySet().iterator();
    int taken = 0;
    while (taken < max && entries.hasNext()) {
      into.add(entries.next().getValue());
      entries.remove();
      taken++;
    }
    size.addAndGet(-taken);
    scheduled = !waiting.isEmpty();
    return scheduled;
  }

  /** Everything waiting (the writer's shutdown). */
  synchronized List<Pending> takeAll() {
    List<Pending> all = new ArrayList<>(waiting.values());
    waiting.clear();
    size.set(0);
    scheduled = false;
    return all;
  }
}
