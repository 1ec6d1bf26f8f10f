package com.whatsappclone.common.auth;

import java.util.Objects;

/** An access token and a refresh token issued together for one login or one rotation. */
public record TokenPair(IssuedToken access, IssuedToken refresh) {

  public TokenPair {
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(refresh, "refresh");
  }
}
