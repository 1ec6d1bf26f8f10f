package com.whatsappclone.common.config;

import java.util.List;

/** Thrown at start-up when settings are missing or invalid; the message names every bad one. */
public final class SettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public SettingsException(List<String> problems) {
    super(buildMessage(problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  private static String buildMessage(List<String> problems) {
    StringBuilder message = new StringBuilder("Invalid configuration (see configs/README.md):");
    for (String problem : problems) {
      message.append(System.lineSeparator()).append("  - ").append(problem);
    }
    return message.toString();
  }
}
