-- Auth (issue 3): one user_devices row is one device session, from VerifyOTP until it is revoked.
--
-- RefreshToken rotates the session's token in place: refresh_token_hash becomes the new token's
-- hash and previous_refresh_token_hash keeps the one it replaced, so that a rotated token that
-- comes back (a stolen copy, or the thief racing the owner) is recognised and the whole session
-- is revoked. Like refresh_token_hash, it is the hex SHA-256 of the token, never the token.

ALTER TABLE user_devices
    ADD COLUMN previous_refresh_token_hash varchar(64),
    -- last VerifyOTP or RefreshToken: "least recently used" when a user has too many sessions
    ADD COLUMN last_used_at timestamptz,
    -- jti of the newest access token issued for the session: tells ListDevices which is the caller's
    ADD COLUMN access_token_jti uuid,
    -- why revoked_at was set: logout, logout_all, revoked, token_reuse, session_limit
    ADD COLUMN revoked_reason varchar(20);

CREATE INDEX idx_user_devices_previous_refresh_token_hash
    ON user_devices (previous_refresh_token_hash)
    WHERE previous_refresh_token_hash IS NOT NULL;

-- A user's active sessions, newest use first (ListDevices, the session limit, LogoutAllDevices).
CREATE INDEX idx_user_devices_active_by_user
    ON user_devices (user_id, last_used_at DESC)
    WHERE revoked_at IS NULL;
