package com.whatsappclone.localstack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * Collects, while open, the log records that mean a bug: ERROR lines of the project's own code
 * (StatusMapper writes one, with the stack trace, for every INTERNAL) and grpc-java's SEVERE
 * records (an exception escaping a call, "Application error processing RPC").
 */
final class LogWatch implements AutoCloseable {

  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final java.util.logging.Logger grpc = java.util.logging.Logger.getLogger("io.grpc");
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR) && event.getLoggerName().startsWith("com.whatsappclone")) {
        problems.add(event.getLoggerName() + ": " + event.getFormattedMessage()
            + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName() + ": "
            + event.getThrowableProxy().getMessage() + ")"));
      }
    }
  };
  private final Handler grpcHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
        problems.add(record.getLoggerName() + ": " + record.getMessage()
            + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")"));
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  LogWatch() {
    appender.start();
    root.addAppender(appender);
    grpc.addHandler(grpcHandler);
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    grpc.removeHandler(grpcHandler);
    appender.stop();
  }
}
