-- Offline catch-up ("the messages of user X not yet delivered") reads only undelivered rows;
-- message_id is in the key so the lookup joins to messages without visiting the table.
CREATE INDEX idx_message_status_undelivered
    ON message_status (user_id, message_id)
    WHERE delivered_at IS NULL;

-- A message's receipts go with it.
ALTER TABLE message_status
    DROP CONSTRAINT message_status_message_id_fkey,
    ADD CONSTRAINT message_status_message_id_fkey
        FOREIGN KEY (message_id) REFERENCES messages (id) ON DELETE CASCADE;
