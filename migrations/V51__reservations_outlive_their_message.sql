-- A client_message_id reservation now lives for the whole idempotency window
-- (CLIENT_MESSAGE_ID_RETENTION, 7 days by default), not just until its message is stored: the
-- worker marks it stored (stored_seq) in the transaction that stores the message, and chat's
-- cleanup deletes it once it is older than the window. A resend then needs no read of `messages`,
-- and a first send costs chat one INSERT.
ALTER TABLE pending_messages ADD COLUMN stored_seq bigint;

COMMENT ON COLUMN pending_messages.stored_seq IS
    'seq of the stored message; NULL while the worker has not stored it yet';
COMMENT ON COLUMN pending_messages.published_at IS
    'set by chat versions before V51 once Kafka acknowledged the message; no longer written';

-- Messages stored before this migration lost their reservation when they were stored: give them
-- one back, so that a resend of such a message still gets it back after the upgrade (the
-- cleanup then drops those older than the window). The unique key (conversation_id,
-- client_message_id) of `messages` makes this one row per reservation.
INSERT INTO pending_messages (conversation_id, client_message_id, message_id, sender_id, content,
                              media_url, media_type, created_at, stored_seq)
SELECT m.conversation_id, m.client_message_id, m.id, m.sender_id, m.content, m.media_url,
       m.media_type, m.created_at, m.seq
FROM messages m
WHERE m.client_message_id IS NOT NULL
ON CONFLICT (conversation_id, client_message_id) DO UPDATE
    SET message_id = EXCLUDED.message_id, sender_id = EXCLUDED.sender_id,
        content = EXCLUDED.content, media_url = EXCLUDED.media_url,
        media_type = EXCLUDED.media_type, created_at = EXCLUDED.created_at,
        stored_seq = EXCLUDED.stored_seq;
