package com.whatsappclone.common.logging;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * Turns {@code LOG_FORMAT} into the format logback.xml includes ({@code logback-stdout-<format>.xml}):
 * {@code json} for "json" in any case, {@code text} for "text" or nothing. Logback cannot stop a
 * service the way an invalid setting does, and including a file that does not exist would silently
 * drop every line; so a value it does not know keeps the text format, with a warning on logback's
 * status output (which logback prints at start-up when there is a warning).
 */
public final class LogFormatDefiner extends PropertyDefinerBase {

  static final String TEXT = "text";
  static final String JSON = "json";

  private String format = "text";

  /** The configured {@code LOG_FORMAT} (logback.xml passes {@code ${LOG_FORMAT:-text}}). */
  public void setFormat(String format) {
    this.format = format;
  }

  @Override
  public String getPropertyValue() {
    String value = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "json" -> JSON;
      case "", "text" -> TEXT;
      default -> {
        addWarn("LOG_FORMAT=" + format + " is neither text nor json: logging text");
        yield TEXT;
      }
    };
  }
}
