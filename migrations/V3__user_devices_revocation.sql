-- Devices can be revoked (logout, "log out other sessions") without losing their row, and a refresh
-- token hash is found fast and can belong to one device of a user only once.

ALTER TABLE user_devices ADD COLUMN revoked_at timestamptz;

CREATE INDEX idx_user_devices_user_id ON user_devices (user_id);
CREATE INDEX idx_user_devices_revoked_at ON user_devices (revoked_at);
CREATE INDEX idx_user_devices_refresh_token_hash ON user_devices (refresh_token_hash);

ALTER TABLE user_devices
    ADD CONSTRAINT user_devices_user_id_refresh_token_hash_key UNIQUE (user_id, refresh_token_hash);
