package com.whatsappclone.common.grpc;

import com.google.rpc.RetryInfo;
import com.whatsappclone.common.error.ErrorDetails;
import com.whatsappclone.common.error.ResourceExhaustedException;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code google.rpc.RetryInfo} detail of a failed call: when a refused call may be tried
 * again. A {@link ResourceExhaustedException} that knows its delay writes it.
 */
public final class RetryDelay {

  private RetryDelay() {}

  /** The RetryInfo delay of a failed call, if its status carries one. */
  public static Optional<Duration> of(Throwable failure) {
    return ErrorDetails.detail(failure, RetryInfo.class)
        .map(RetryInfo::getRetryDelay)
        .map(delay -> Duration.ofSeconds(delay.getSeconds(), delay.getNanos()));
  }
}
