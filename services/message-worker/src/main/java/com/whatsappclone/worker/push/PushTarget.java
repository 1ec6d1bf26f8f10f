package com.whatsappclone.worker.push;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One device session's push registration.
 *
 * @param sessionId the user_devices row
 * @param token the provider's token; never logged (see {@link #toString()})
 * @param apnsTopic the app's bundle id for APNs, when the registration named one (else the
 *     deployment's default topic applies)
 * @param apnsSandbox whether the token belongs to APNs' development environment
 */
public record PushTarget(UUID sessionId, UUID userId, PushPlatform platform, String token,
    Optional<String> apnsTopic, boolean apnsSandbox) {

  public PushTarget {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(apnsTopic, "apnsTopic");
  }

  @Override
  public String toString() {
    return "PushTarget[session=" + sessionId + ", platform=" + platform + "]";
  }
}
