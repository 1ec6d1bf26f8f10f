-- Step 2 of the original: device revocation, under the original's index and constraint names.
ALTER TABLE user_devices ADD COLUMN IF NOT EXISTS revoked_at timestamptz;
CREATE INDEX IF NOT EXISTS user_devices_user_id_idx ON user_devices (user_id);
CREATE INDEX IF NOT EXISTS user_devices_revoked_at_idx ON user_devices (revoked_at);
CREATE INDEX IF NOT EXISTS user_devices_refresh_hash_idx ON user_devices (refresh_token_hash);
ALTER TABLE user_devices ADD CONSTRAINT user_devices_user_hash_unique UNIQUE (user_id, refresh_token_hash);
