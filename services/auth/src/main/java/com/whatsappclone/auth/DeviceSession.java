package com.whatsappclone.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An active user_devices row: one login of one device and its chain of rotated refresh tokens.
 *
 * @param name the device_id the client gave VerifyOTP (may be empty)
 * @param lastLoginAt when VerifyOTP opened the session
 * @param lastUsedAt the latest VerifyOTP or RefreshToken of the session
 * @param accessTokenJti the jti of the newest access token issued for it, null for older rows
 * @param push its push registration, without the token; empty when it has none
 */
record DeviceSession(
    UUID id,
    UUID userId,
    String name,
    DeviceType type,
    Instant lastLoginAt,
    Instant lastUsedAt,
    UUID accessTokenJti,
    Optional<DevicePush> push) {}
