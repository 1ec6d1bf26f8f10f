package com.whatsappclone.common.grpc;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * What was logged while it was open: our SLF4J lines and grpc-java's own java.util.logging records
 * (where ServerImpl reports an exception escaping a listener, and Netty a failed transport).
 */
final class CapturedLogs implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final java.util.logging.Logger grpc = java.util.logging.Logger.getLogger("io.grpc");
  private final List<LogRecord> grpcRecords = new CopyOnWriteArrayList<>();
  private final Handler grpcHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      grpcRecords.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  CapturedLogs() {
    appender.start();
    root.addAppender(appender);
    grpc.addHandler(grpcHandler);
  }

  /** Events of one logger, in order. */
  List<ILoggingEvent> of(Class<?> logger) {
    return events().stream().filter(e -> e.getLoggerName().equals(logger.getName())).toList();
  }

  List<String> messages() {
    return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private List<ILoggingEvent> events() {
    // Appending is synchronized on the appender (server threads log while the test reads).
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** grpc-java's WARNING and SEVERE records, as "LEVEL message: thrown". */
  List<String> grpcWarnings() {
    return grpcRecords.stream()
        .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .map(r -> r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : ": " + r.getThrown()))
        .toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    grpc.removeHandler(grpcHandler);
  }
}
