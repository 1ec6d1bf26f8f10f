package com.whatsappclone.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One step of the messaging load: {@code count} messages on a fixed timeline at {@code rate} per
 * second, and what became of each. Message {@code k} is due at {@code start + k / rate}; its
 * latency counts from that moment, so a system that falls behind shows it even when the sender
 * could not send on time (no coordinated omission).
 *
 * <p>Each (message, recipient) pair has one bit: the first arrival sets it, a second one is a
 * duplicate. The message is identified by the step and number in its content, so a message stored
 * twice under two ids would also show up as a duplicate.
 */
final class LoadStep {

  static final int PENDING = 0;
  static final int SENT = 1;
  static final int FAILED = 2;

  /** One second of deliveries. */
  record Second(int second, long deliveries, double p50Ms, double p99Ms, double maxMs) {}

  final int id;
  final double rate;
  final int count;
  final int[] sender;
  final int[] conversation;
  final int[] bitOffset;
  final AtomicIntegerArray sendState;
  private final AtomicLongArray deliveredBits;
  private final int[][] members;

  volatile long startNanos;
  /** Messages that went out more than 10 ms after their due time (the sender fell behind). */
  long lateSends;
  volatile boolean drained;
  volatile long lastDeliveryNanos;
  final AtomicLong expectedOfSent = new AtomicLong();
  final AtomicLong pendingSends = new AtomicLong();
  final LongAdder deliveries = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder misdelivered = new LongAdder();
  final LongAdder late = new LongAdder();
  final LongAdder deliveredDespiteFailure = new LongAdder();
  final LongAdder notSent = new LongAdder();
  /** p99 of the latest whole second of arrivals, for stopping a step that has clearly failed. */
  volatile double lastSecondP99Ms;
  private final Map<String, Integer> sendFailures = new TreeMap<>();

  final Recorder deliveryRecorder = new Recorder(Latency.HIGHEST_MICROS, 3);
  final Recorder rpcRecorder = new Recorder(Latency.HIGHEST_MICROS, 3);
  final Histogram deliveryLatency = Latency.newHistogram();
  final Histogram rpcLatency = Latency.newHistogram();
  final Histogram refusalLatency = Latency.newHistogram();
  final List<Second> seconds = new ArrayList<>();
  private Histogram recycled;

  /** Time from the call to its refusal, for sends that got an error status (not the NOT_SENT ones). */
  final Recorder refusalRecorder = new Recorder(Latency.HIGHEST_MICROS, 3);

  /** With {@code directOnly} every message goes to the sender's one-to-one conversation. */
  LoadStep(int id, double rate, int count, Conversations conversations, int users, boolean directOnly) {
    this.id = id;
    this.rate = rate;
    this.count = count;
    this.members = conversations.members;
    this.sender = new int[count];
    this.conversation = new int[count];
    this.bitOffset = new int[count + 1];
    for (int k = 0; k < count; k++) {
      sender[k] = k % users;
      conversation[k] = conversations.conversationOf(sender[k], k, users, directOnly);
      bitOffset[k + 1] = bitOffset[k] + members[conversation[k]].length;
    }
    this.sendState = new AtomicIntegerArray(count);
    this.deliveredBits = new AtomicLongArray(bitOffset[count] / 64 + 1);
  }

  long dueNanos(int k) {
    return startNanos + (long) (k * 1e9 / rate);
  }

  int expectedRecipients(int k) {
    return members[conversation[k]].length - 1;
  }

  void sent(int k, long answeredNanos) {
    sendState.set(k, SENT);
    expectedOfSent.addAndGet(expectedRecipients(k));
    rpcRecorder.recordValue(Latency.micros(answeredNanos - dueNanos(k)));
    pendingSends.decrementAndGet();
  }

  /** Message k is not sent at all: the step was stopped early (it had clearly failed). */
  void notSent(int k) {
    sendState.set(k, FAILED);
    notSent.increment();
    pendingSends.decrementAndGet();
  }

  /** Message k got {@code reason} instead of an answer, {@code answerNanos} after its call began. */
  void refused(int k, String reason, long answerNanos) {
    refusalRecorder.recordValue(Latency.micros(Math.max(0, answerNanos)));
    failed(k, reason);
  }

  void failed(int k, String reason) {
    sendState.set(k, FAILED);
    synchronized (sendFailures) {
      sendFailures.merge(reason, 1, Integer::sum);
    }
    pendingSends.decrementAndGet();
  }

  /** A message of this step reached {@code userIndex}'s device. */
  void delivered(int k, int userIndex, long arrivedNanos) {
    if (k < 0 || k >= count) {
      misdelivered.increment();
      return;
    }
    int[] who = members[conversation[k]];
    int slot = -1;
    for (int i = 0; i < who.length; i++) {
      if (who[i] == userIndex) {
        slot = i;
        break;
      }
    }
    if (slot < 0 || userIndex == sender[k]) {
      misdelivered.increment();
      return;
    }
    int bit = bitOffset[k] + slot;
    long mask = 1L << (bit & 63);
    long before = deliveredBits.getAndAccumulate(bit >>> 6, mask, (old, m) -> old | m);
    if ((before & mask) != 0) {
      duplicates.increment();
      return;
    }
    if (drained) {
      late.increment();
      return;
    }
    deliveries.increment();
    if (sendState.get(k) == FAILED) {
      deliveredDespiteFailure.increment();
    }
    lastDeliveryNanos = arrivedNanos;
    deliveryRecorder.recordValue(Latency.micros(arrivedNanos - dueNanos(k)));
  }

  /** Moves what the recorders gathered into the totals; with {@code second >= 0}, as one second. */
  synchronized void sample(int second) {
    recycled = deliveryRecorder.getIntervalHistogram(recycled);
    deliveryLatency.add(recycled);
    if (second >= 0) {
      lastSecondP99Ms = recycled.getTotalCount() == 0 ? 0 : Latency.millis(recycled.getValueAtPercentile(99));
    }
    if (second >= 0 && recycled.getTotalCount() > 0) {
      seconds.add(new Second(second, recycled.getTotalCount(), Latency.millis(recycled.getValueAtPercentile(50)),
          Latency.millis(recycled.getValueAtPercentile(99)), Latency.millis(recycled.getMaxValue())));
    }
    rpcLatency.add(rpcRecorder.getIntervalHistogram());
    refusalLatency.add(refusalRecorder.getIntervalHistogram());
  }

  /**
   * The first second (counted from the step's start) from which {@code windows} whole seconds in
   * a row had arrivals with p99 at most {@code p99Ms}, or -1 if none yet.
   */
  synchronized int firstGoodRun(double p99Ms, int windows) {
    int run = 0;
    int expected = -1;
    for (Second second : seconds) {
      boolean good = second.p99Ms() <= p99Ms && (expected < 0 || second.second() == expected);
      run = good ? run + 1 : (second.p99Ms() <= p99Ms ? 1 : 0);
      expected = second.second() + 1;
      if (run >= windows) {
        return second.second() - windows + 1;
      }
    }
    return -1;
  }

  /** Recipients of successfully sent messages whose bit is still clear. */
  long missing() {
    long missing = 0;
    for (int k = 0; k < count; k++) {
      if (sendState.get(k) != SENT) {
        continue;
      }
      int[] who = members[conversation[k]];
      for (int slot = 0; slot < who.length; slot++) {
        if (who[slot] == sender[k]) {
          continue;
        }
        int bit = bitOffset[k] + slot;
        if ((deliveredBits.get(bit >>> 6) & (1L << (bit & 63))) == 0) {
          missing++;
        }
      }
    }
    return missing;
  }

  long notAnswered() {
    long n = 0;
    for (int k = 0; k < count; k++) {
      if (sendState.get(k) == PENDING) {
        n++;
      }
    }
    return n;
  }

  Map<String, Integer> sendFailures() {
    synchronized (sendFailures) {
      return new TreeMap<>(sendFailures);
    }
  }

  int failedSends() {
    synchronized (sendFailures) {
      return sendFailures.values().stream().mapToInt(Integer::intValue).sum();
    }
  }
}
