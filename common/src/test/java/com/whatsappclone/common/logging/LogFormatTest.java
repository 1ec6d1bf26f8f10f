package com.whatsappclone.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The services' logback.xml (common's main resources) with LOG_FORMAT text, json and wrong values. */
class LogFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonFormatWritesOneObjectPerLineWithTimeLevelLoggerThreadMessageAndMdc() throws Exception {
    Configured logback = configure(Map.of("LOG_FORMAT", "json"));
    Logger logger = logback.context.getLogger("com.whatsappclone.auth.rpc");

    try (MDC.MDCCloseable ignored = MDC.putCloseable("request_id", "req-42")) {
      logger.info("{}", "rpc=GetMe code=OK user=u1 request_id=req-42 ms=3 \"quoted\"");
    }

    List<String> lines = logback.lines();
    assertThat(lines).hasSize(1);
    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.path("timestamp").isNumber()).isTrue();
    assertThat(line.path("timestamp").asLong()).isPositive();
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("loggerName").asText()).isEqualTo("com.whatsappclone.auth.rpc");
    assertThat(line.path("threadName").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(line.path("formattedMessage").asText())
        .isEqualTo("rpc=GetMe code=OK user=u1 request_id=req-42 ms=3 \"quoted\"");
    assertThat(line.path("mdc").path("request_id").asText()).isEqualTo("req-42");
    assertThat(line.has("message")).as("the raw pattern, '{}', is left out").isFalse();
    assertThat(line.has("arguments")).isFalse();
  }

  @Test
  void anExceptionStaysOnItsLineInJson() throws Exception {
    Configured logback = configure(Map.of("LOG_FORMAT", "json"));

    logback.context.getLogger("x").warn("stopping", new IllegalStateException("line one\nline two"));

    List<String> lines = logback.lines();
    assertThat(lines).hasSize(1);
    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("throwable").path("className").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(line.path("throwable").path("message").asText()).isEqualTo("line one\nline two");
  }

  @Test
  void withoutLogFormatTheLinesAreTodaysText() throws Exception {
    Configured logback = configure(Map.of());
    assertThat(logback.encoder()).isInstanceOf(PatternLayoutEncoder.class);

    logback.context.getLogger("com.whatsappclone.chat.rpc").info("rpc=SendMessage code=OK");

    assertThat(logback.lines()).singleElement().asString()
        .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.+] com\\.whatsappclone\\.chat\\.rpc - rpc=SendMessage code=OK");
  }

  @Test
  void theFormatIgnoresCaseAndAnUnknownOneKeepsTextWithAWarning() throws Exception {
    assertThat(configure(Map.of("LOG_FORMAT", " JSON ")).encoder()).isInstanceOf(JsonEncoder.class);
    assertThat(configure(Map.of("LOG_FORMAT", "text")).encoder()).isInstanceOf(PatternLayoutEncoder.class);

    Configured unknown = configure(Map.of("LOG_FORMAT", "xml"));
    assertThat(unknown.encoder()).isInstanceOf(PatternLayoutEncoder.class);
    assertThat(unknown.context.getStatusManager().getCopyOfStatusList())
        .anySatisfy(status -> {
          assertThat(status.getLevel()).isEqualTo(Status.WARN);
          assertThat(status.getMessage()).contains("LOG_FORMAT=xml is neither text nor json");
        });
  }

  /** A logback of its own, configured from logback.xml with {@code properties} as LOG_FORMAT would be. */
  private static Configured configure(Map<String, String> properties) throws JoranException {
    URL config = LogFormatTest.class.getResource("/logback.xml");
    assertThat(config).as("common's logback.xml on the classpath").isNotNull();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter()); // the MDC the code writes to, as in a service
    properties.forEach(context::putProperty);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(config);

    Iterator<Appender<ILoggingEvent>> appenders = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    assertThat(appenders.hasNext()).as("root has an appender").isTrue();
    OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) appenders.next();
    assertThat(appenders.hasNext()).as("exactly one appender").isFalse();
    assertThat(appender.getName()).isEqualTo("STDOUT");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    appender.setOutputStream(out);
    return new Configured(context, appender, out);
  }

  private record Configured(LoggerContext context, OutputStreamAppender<ILoggingEvent> appender, ByteArrayOutputStream out) {
    Encoder<ILoggingEvent> encoder() {
      return appender.getEncoder();
    }

    List<String> lines() {
      String written = out.toString(StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>(written.lines().toList());
      lines.removeIf(String::isBlank);
      return lines;
    }
  }
}
