package com.whatsappclone.realtime;

import com.whatsappclone.realtime.MessageStatusStore.Receipt;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of the delivery and read receipts of every connection: the frames wait in one
 * bounded queue, and one thread ({@value #THREAD_NAME}) takes everything waiting (up to the batch
 * limit), writes it in ONE transaction ({@link MessageStatusStore#apply}) and only then answers
 * each receipt. After the first receipt of a batch it waits at most {@link #LINGER} for others:
 * under load, receipts pile up while the previous transaction runs anyway; when it is quiet, the
 * wait turns the acks of one group message (one per member, arriving together) into one
 * transaction instead of one each. A receipt is a tick on the sender's screen: 5 ms are not seen.
 *
 * <p>{@link #offer} never blocks (it is called on the transports' I/O threads); a full queue
 * refuses the receipt. {@link #close} stops taking new ones and writes what was queued.
 */
final class ReceiptWriter implements AutoCloseable {

  static final String THREAD_NAME = "realtime-receipts";

  /** Receipts waiting to be written, all connections together. */
  static final int QUEUE_LIMIT = 10_000;
  /** Receipts written per transaction at most. */
  static final int BATCH_LIMIT = 500;

  private static final Logger log = LoggerFactory.getLogger(ReceiptWriter.class);
  private static final Duration IDLE_CHECK = Duration.ofMillis(100);
  /** How long the first receipt of a batch waits for others. */
  static final Duration LINGER = Duration.ofMillis(5);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /** Told once per receipt, on the writer thread, after the transaction. */
  interface Answer {
    /** The transaction committed; {@code at} is the time it stamped. */
    void written(Receipt receipt, Instant at);

    /** The transaction failed; nothing of the batch was written. */
    void failed(RuntimeException error);
  }

  private record Pending(ReceiptRequest request, Answer answer) {}

  private final MessageStatusStore store;
  private final Clock clock;
  private final int batchLimit;
  private final BlockingQueue<Pending> queue;
  private final Thread thread;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong receipts = new AtomicLong();
  private volatile boolean closing;

  ReceiptWriter(MessageStatusStore store, Clock clock, int queueLimit, int batchLimit) {
    this.store = store;
    this.clock = clock;
    this.batchLimit = batchLimit;
    this.queue = new ArrayBlockingQueue<>(queueLimit);
    this.thread = new Thread(this::run, THREAD_NAME);
    this.thread.setDaemon(true);
  }

  ReceiptWriter start() {
    thread.start();
    return this;
  }

  /** Queues a receipt; {@code false} (nothing queued) when the queue is full or closing. */
  boolean offer(ReceiptRequest request, Answer answer) {
    return !closing && queue.offer(new Pending(request, answer));
  }

  /** Transactions run so far (tests compare it with the receipts). */
  long batches() {
    return batches.get();
  }

  /** Receipts written (or failed) so far. */
  long receipts() {
    return receipts.get();
  }

  /** Receipts waiting. */
  int queued() {
    return queue.size();
  }

  private void run() {
    while (!(closing && queue.isEmpty())) {
      try {
        Pending first = queue.poll(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
          writeBatch(gather(first));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // writeBatch answers every receipt itself; this only keeps the thread alive.
        log.error("receipt batch failed", e);
      }
    }
  }

  /** The first receipt and those arriving within {@link #LINGER} of it, up to the batch limit. */
  private List<Pending> gather(Pending first) throws InterruptedException {
    long deadline = System.nanoTime() + LINGER.toNanos();
    List<Pending> batch = new ArrayList<>(Math.min(batchLimit, queue.size() + 16));
    batch.add(first);
    queue.drainTo(batch, batchLimit - batch.size());
    while (batch.size() < batchLimit && !closing) {
      long left = deadline - System.nanoTime();
      Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      if (next == null) {
        break;
      }
      batch.add(next);
      queue.drainTo(batch, batchLimit - batch.size());
    }
    return batch;
  }

  private void writeBatch(List<Pending> batch) {
    List<ReceiptRequest> requests = batch.stream().map(Pending::request).toList();
    // Microseconds, PostgreSQL's precision: what is stored is exactly what the clients are told.
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<Receipt> outcomes;
    try {
      outcomes = store.apply(requests, at);
    } catch (RuntimeException e) {
      count(batch);
      batch.forEach(pending -> answer(() -> pending.answer().failed(e)));
      return;
    }
    count(batch);
    for (int i = 0; i < batch.size(); i++) {
      Receipt outcome = outcomes.get(i);
      Answer answer = batch.get(i).answer();
      answer(() -> answer.written(outcome, at));
    }
  }

  private void count(List<Pending> batch) {
    batches.incrementAndGet();
    receipts.addAndGet(batch.size());
  }

  /** One answer failing (a closed connection, Kafka) must not cost the others theirs. */
  private static void answer(Runnable answer) {
    try {
      answer.run();
    } catch (RuntimeException e) {
      log.warn("answering a receipt failed: {}", e.toString());
    }
  }

  /** Stops taking receipts and writes those queued; call before the database closes. */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    if (thread.isAlive()) {
      thread.join(STOP_WAIT.toMillis());
    }
    if (thread.isAlive()) {
      log.warn("the receipt writer did not finish within {}; {} receipts unwritten", STOP_WAIT, queue.size());
      return;
    }
    // A receipt offered just as closing was set: written here, on the closing thread.
    while (!queue.isEmpty()) {
      List<Pending> stragglers = new ArrayList<>();
      queue.drainTo(stragglers, batchLimit);
      writeBatch(stragglers);
    }
  }
}
