package com.whatsappclone.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;

/**
 * Counts the push consumer's "reading of stored messages paused" / "reading resumed" log lines
 * (the stack runs in this JVM): the bench cannot ask the worker for its backlog, but it can see
 * that push's consumer paused under it, and the planner's warnings that it dropped grace checks.
 * The lines are printed as well.
 */
final class PushLogEvents {

  private static final String LOOP_LOGGER = "com.whatsappclone.worker.push.PushConsumerLoop";
  private static final String PLANNER_LOGGER = "com.whatsappclone.worker.push.PushPlanner";
  private static final java.util.regex.Pattern GRACE_DROPPED =
      java.util.regex.Pattern.compile("grace checks waiting, (\\d+) dropped so far");

  final LongAdder paused = new LongAdder();
  final LongAdder resumed = new LongAdder();
  /**
   * The planner's latest "N dropped so far" (grace checks of connected devices dropped because
   * PUSH_MAX_PENDING of them were waiting; logged at powers of two, counted per stack since its start).
   */
  final java.util.concurrent.atomic.AtomicLong graceDropped = new java.util.concurrent.atomic.AtomicLong();

  private PushLogEvents() {}

  static PushLogEvents attach() {
    PushLogEvents events = new PushLogEvents();
    if (!(LoggerFactory.getLogger(LOOP_LOGGER) instanceof Logger logger)) {
      return events; // another SLF4J binding: no counts (the report shows 0)
    }
    logger.setLevel(Level.INFO);
    AppenderBase<ILoggingEvent> counter = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message.contains("reading of stored messages paused")) {
          events.paused.increment();
        } else if (message.contains("reading resumed")) {
          events.resumed.increment();
        } else {
          java.util.regex.Matcher dropped = GRACE_DROPPED.matcher(message);
          if (dropped.find()) {
            events.graceDropped.set(Long.parseLong(dropped.group(1)));
          }
        }
      }
    };
    counter.setContext(logger.getLoggerContext());
    counter.setName("bench-push-pauses");
    counter.start();
    logger.addAppender(counter);
    if (LoggerFactory.getLogger(PLANNER_LOGGER) instanceof Logger planner) {
      planner.addAppender(counter);
    }
    return events;
  }
}
