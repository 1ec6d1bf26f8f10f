package com.whatsappclone.common.auth;

/**
 * The two kinds of JWT this system issues. The wire values of {@code type} and {@code aud} are the
 * Go original's and are shared with every client, so they must not change.
 */
public enum TokenType {
  ACCESS("access", "my-app-client"),
  REFRESH("refresh", "my-auth-service");

  private final String claimValue;
  private final String audience;

  TokenType(String claimValue, String audience) {
    this.claimValue = claimValue;
    this.audience = audience;
  }

  /** The value of the {@code type} claim. */
  public String claimValue() {
    return claimValue;
  }

  /** The value the {@code aud} claim must contain. */
  public String audience() {
    return audience;
  }
}
