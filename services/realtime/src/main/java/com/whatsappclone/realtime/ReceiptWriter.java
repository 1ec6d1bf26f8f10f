package com.whatsappclone.realtime;

import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.grpc.StatusMapper;
import com.whatsappclone.realtime.MessageStatusStore.Receipt;
import com.whatsappclone.realtime.MessageStatusStore.ReceiptRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of the delivery and read receipts of every connection. Each connection keeps its
 * own waiting receipts, coalesced by message ({@link PendingReceipts}); a connection with receipts
 * waits, once, in one ready queue, and one thread ({@value #THREAD_NAME}) takes from the
 * connections in turn (up to the batch limit), writes everything it took in ONE transaction
 * ({@link MessageStatusStore#apply}) and only then answers each receipt. After the first
 * connection of a batch it waits at most {@link #LINGER} for others: under load, receipts pile up
 * while the previous transaction runs anyway; when it is quiet, the wait turns the acks of one
 * group message (one per member, arriving together) into one transaction instead of one each. A
 * receipt is a tick on the sender's screen: 5 ms are not seen.
 *
 * <p>{@link #offer} never blocks (it is called on the transports' I/O threads). It refuses a
 * receipt only beyond the bounds: {@link #QUEUE_LIMIT} distinct receipts waiting on the whole
 * server, or the connection's own limit. {@link #close} stops taking new ones and writes what
 * was waiting.
 */
final class ReceiptWriter implements AutoCloseable {

  static final String THREAD_NAME = "realtime-receipts";

  /** Distinct receipts waiting to be written, all connections together (about 150 bytes each). */
  static final int QUEUE_LIMIT = 100_000;
  /** Receipts written per transaction at most. */
  static final int BATCH_LIMIT = 500;

  private static final Logger log = LoggerFactory.getLogger(ReceiptWriter.class);
  private static final Duration IDLE_CHECK = Duration.ofMillis(100);
  /** How long the first receipt of a batch waits for others. */
  static final Duration LINGER = Duration.ofMillis(5);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);
  /**
   * A batch the database could not take (down, stalled) is tried again this often, for up to
   * {@link #RETRY_FOR}: a receipt is tiny and idempotent, so it waits out an outage here rather
   * than being answered with an error that leaves its message undelivered in the database until
   * the client happens to send it again.
   */
  static final Duration RETRY_PAUSE = Duration.ofMillis(250);
  static final Duration RETRY_FOR = Duration.ofSeconds(30);

  /** Told once per receipt, on the writer thread, after the transaction. */
  interface Answer {
    /** The transaction committed; {@code at} is the time it stamped. */
    void written(ReceiptRequest request, Receipt receipt, Instant at);

    /** The transaction failed; nothing of the batch was written. */
    void failed(ReceiptRequest request, RuntimeException error);
  }

  /** What {@link #offer} did with a receipt. */
  enum Offered {
    /** It will be written (alone or folded into one of the same message). */
    QUEUED,
    /** The connection has its limit of distinct receipts waiting. */
    CONNECTION_FULL,
    /** The server has {@link #QUEUE_LIMIT} waiting, or is closing. */
    SERVER_FULL
  }

  private final MessageStatusStore store;
  private final Clock clock;
  private final Consumer<Set<UUID>> beforeAnswers;
  private final int queueLimit;
  private final int batchLimit;
  /** Connections with receipts waiting, each at most once (see {@link PendingReceipts#add}). */
  private final LinkedBlockingQueue<PendingReceipts> ready = new LinkedBlockingQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final Thread thread;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong receipts = new AtomicLong();
  private volatile boolean closing;

  ReceiptWriter(MessageStatusStore store, Clock clock, int queueLimit, int batchLimit) {
    this(store, clock, queueLimit, batchLimit, users -> { });
  }

  /**
   * @param beforeAnswers told, once per committed batch and before its answers, the readers and
   *     senders of its read receipts that changed something: the read-receipt settings of all of
   *     them are then looked up in one query instead of one per answer ({@link PrivacyGate})
   */
  ReceiptWriter(MessageStatusStore store, Clock clock, int queueLimit, int batchLimit,
      Consumer<Set<UUID>> beforeAnswers) {
    this.store = store;
    this.clock = clock;
    this.beforeAnswers = beforeAnswers;
    this.queueLimit = queueLimit;
    this.batchLimit = batchLimit;
    this.thread = new Thread(this::run, THREAD_NAME);
    this.thread.setDaemon(true);
  }

  ReceiptWriter start() {
    thread.start();
    return this;
  }

  /** Queues a receipt of the connection whose receipts {@code from} keeps. */
  Offered offer(PendingReceipts from, ReceiptRequest request, Answer answer) {
    if (closing) {
      return Offered.SERVER_FULL;
    }
    // A soft bound (offers racing past it add a few): a receipt folding into one already waiting
    // costs nothing, so only new entries are counted and refused.
    switch (from.add(request, answer, waiting.get() < queueLimit)) {
      case FIRST:
        waiting.incrementAndGet();
        ready.add(from);
        return Offered.QUEUED;
      case MORE:
        waiting.incrementAndGet();
        return Offered.QUEUED;
      case COALESCED:
        return Offered.QUEUED;
      case FULL:
        return Offered.CONNECTION_FULL;
      default:
        return Offered.SERVER_FULL;
    }
  }

  /** Transactions run so far (tests compare it with the receipts). */
  long batches() {
    return batches.get();
  }

  /** Receipts written (or failed) so far. */
  long receipts() {
    return receipts.get();
  }

  /** Distinct receipts waiting. */
  int queued() {
    return waiting.get();
  }

  private void run() {
    while (!(closing && ready.isEmpty())) {
      try {
        PendingReceipts first = ready.poll(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
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

  /**
   * The receipts of the first connection and of those ready within {@link #LINGER} of it, up to
   * the batch limit. A connection with more than fit goes back to the end of the queue, so one
   * long backlog does not hold the others' ticks.
   */
  private List<PendingReceipts.Pending> gather(PendingReceipts first) throws InterruptedException {
    long deadline = System.nanoTime() + LINGER.toNanos();
    List<PendingReceipts.Pending> batch = new ArrayList<>(Math.min(batchLimit, 64));
    PendingReceipts next = first;
    while (true) {
      if (next.takeInto(batch, batchLimit - batch.size())) {
        ready.add(next);
      }
      if (batch.size() >= batchLimit || closing) {
        break;
      }
      next = ready.poll();
      if (next == null) {
        long left = deadline - System.nanoTime();
        next = left > 0 ? ready.poll(left, TimeUnit.NANOSECONDS) : null;
        if (next == null) {
          break;
        }
      }
    }
    waiting.addAndGet(-batch.size());
    return batch;
  }

  private void writeBatch(List<PendingReceipts.Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<ReceiptRequest> requests = batch.stream().map(PendingReceipts.Pending::request).toList();
    // Microseconds, PostgreSQL's precision: what is stored is exactly what the clients are told.
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<Receipt> outcomes;
    long firstTry = System.nanoTime();
    boolean retried = false;
    while (true) {
      try {
        outcomes = store.apply(requests, at);
        break;
      } catch (RuntimeException e) {
        if (worthRetrying(e, firstTry)) {
          if (!retried) {
            log.warn("the database did not take {} receipts ({}); trying again every {} ms for up to {} s",
                batch.size(), e.toString(), RETRY_PAUSE.toMillis(), RETRY_FOR.toSeconds());
            retried = true;
          }
          continue;
        }
        count(batch);
        batch.forEach(pending -> answer(() -> pending.answer().failed(pending.request(), e)));
        return;
      }
    }
    if (retried) {
      log.info("the database took the {} receipts after {} ms", batch.size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstTry));
    }
    count(batch);
    Set<UUID> readers = new HashSet<>();
    for (int i = 0; i < batch.size(); i++) {
      ReceiptRequest request = batch.get(i).request();
      Receipt outcome = outcomes.get(i);
      if (request.kind() == MessageStatusStore.ReceiptKind.READ && outcome.outcome() == MessageStatusStore.Outcome.UPDATED) {
        readers.add(request.userId());
        readers.add(UUID.fromString(outcome.senderId()));
      }
    }
    if (!readers.isEmpty()) {
      // A failure here only costs the answers their warm cache: each looks up on its own.
      answer(() -> beforeAnswers.accept(readers));
    }
    for (int i = 0; i < batch.size(); i++) {
      Receipt outcome = outcomes.get(i);
      PendingReceipts.Pending pending = batch.get(i);
      answer(() -> pending.answer().written(pending.request(), outcome, at));
    }
  }

  /**
   * Whether to try a failed batch again, after {@link #RETRY_PAUSE}: only while the database is
   * unavailable, not past {@link #RETRY_FOR}, and not once closing (the last batches fail fast).
   */
  private boolean worthRetrying(RuntimeException failure, long firstTry) {
    if (closing || !Reasons.DATABASE_UNAVAILABLE.equals(StatusMapper.reasonOf(failure))
        || System.nanoTime() - firstTry + RETRY_PAUSE.toNanos() > RETRY_FOR.toNanos()) {
      return false;
    }
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
      return !closing;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void count(List<PendingReceipts.Pending> batch) {
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

  /** Stops taking receipts and writes those waiting; call before the database closes. */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    if (thread.isAlive()) {
      thread.join(STOP_WAIT.toMillis());
    }
    if (thread.isAlive()) {
      log.warn("the receipt writer did not finish within {}; {} receipts unwritten", STOP_WAIT, waiting.get());
      return;
    }
    // A receipt offered just as closing was set: written here, on the closing thread.
    PendingReceipts straggler;
    while ((straggler = ready.poll()) != null) {
      List<PendingReceipts.Pending> all = straggler.takeAll();
      waiting.addAndGet(-all.size());
      for (int from = 0; from < all.size(); from += batchLimit) {
        writeBatch(all.subList(from, Math.min(all.size(), from + batchLimit)));
      }
    }
  }
}
