-- One schema, whichever way a database started: built by this project's V1-V5, or built by the
-- original Go backend's own migrations 0001-0004 and taken over at version 5 (see
-- common/src/main/java/com/whatsappclone/common/db/SchemaTakeover.java). Before this migration
-- the two differ in the details below; after it they are the same, which common's SchemaParityTest checks
-- in PostgreSQL's catalog. Every statement is written to be right on both.

-- The original has blocked_users.created_at NOT NULL (this project's V2 had let it be NULL).
UPDATE blocked_users SET created_at = now() WHERE created_at IS NULL;
ALTER TABLE blocked_users ALTER COLUMN created_at SET NOT NULL;

-- The original deletes a conversation's messages with it, a user's messages and receipts with the
-- user (message_status.message_id cascades since V33). Same constraint names on both sides.
ALTER TABLE messages
    DROP CONSTRAINT messages_conversation_id_fkey,
    ADD CONSTRAINT messages_conversation_id_fkey
        FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    DROP CONSTRAINT messages_sender_id_fkey,
    ADD CONSTRAINT messages_sender_id_fkey
        FOREIGN KEY (sender_id) REFERENCES users (id) ON DELETE CASCADE;

ALTER TABLE message_status
    DROP CONSTRAINT message_status_user_id_fkey,
    ADD CONSTRAINT message_status_user_id_fkey
        FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;

-- The original's index names become this project's (the indexes are the same).
ALTER INDEX IF EXISTS user_devices_user_id_idx RENAME TO idx_user_devices_user_id;
ALTER INDEX IF EXISTS user_devices_revoked_at_idx RENAME TO idx_user_devices_revoked_at;
ALTER INDEX IF EXISTS user_devices_refresh_hash_idx RENAME TO idx_user_devices_refresh_token_hash;
ALTER INDEX IF EXISTS idx_messages_conv_created RENAME TO idx_messages_conversation_id_created_at;
ALTER INDEX IF EXISTS status_updates_user_id_created_at_idx RENAME TO idx_status_updates_user_id_created_at;

DO $$
BEGIN
    -- The original's name for the unique (user_id, refresh_token_hash) constraint.
    IF EXISTS (SELECT 1 FROM pg_constraint
                WHERE conrelid = 'user_devices'::regclass AND conname = 'user_devices_user_hash_unique') THEN
        ALTER TABLE user_devices
            RENAME CONSTRAINT user_devices_user_hash_unique TO user_devices_user_id_refresh_token_hash_key;
    END IF;

    -- The original has a unique index where this project has a unique constraint; the index
    -- becomes the constraint as it is, without being built again.
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = 'messages'::regclass
                      AND conname = 'messages_conversation_id_client_message_id_key') THEN
        ALTER TABLE messages
            ADD CONSTRAINT messages_conversation_id_client_message_id_key UNIQUE USING INDEX idx_messages_client_id;
    END IF;

    -- The values this project accepts; start-up refused to take over a database whose rows break
    -- these, so adding them cannot fail.
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = 'status_updates'::regclass AND conname = 'status_updates_content_type_check') THEN
        ALTER TABLE status_updates
            ADD CONSTRAINT status_updates_content_type_check CHECK (content_type IN ('text', 'image', 'video'));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = 'user_devices'::regclass AND conname = 'user_devices_device_type_check') THEN
        ALTER TABLE user_devices
            ADD CONSTRAINT user_devices_device_type_check CHECK (device_type IN ('mobile', 'web', 'desktop'));
    END IF;
END;
$$;
