-- Messages that chat accepted with a client_message_id and published to Kafka, but that the
-- message worker has not stored yet. A resend with the same (conversation_id, client_message_id)
-- finds its row here and gets the same message (same id and created_at) back, on any chat
-- instance; the worker deletes the row in the transaction that stores the message.
CREATE TABLE pending_messages (
    conversation_id   uuid        NOT NULL,
    client_message_id text        NOT NULL,
    message_id        uuid        NOT NULL,
    sender_id         uuid        NOT NULL,
    content           text        NOT NULL,
    media_url         text,
    media_type        text,
    created_at        timestamptz NOT NULL,
    -- set once Kafka acknowledged the message: a resend then needs no new publish
    published_at      timestamptz,
    CONSTRAINT pending_messages_pkey PRIMARY KEY (conversation_id, client_message_id),
    CONSTRAINT pending_messages_conversation_id_fkey
        FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    CONSTRAINT pending_messages_sender_id_fkey
        FOREIGN KEY (sender_id) REFERENCES users (id) ON DELETE CASCADE
);

-- for clearing out reservations whose send was abandoned
CREATE INDEX idx_pending_messages_created_at ON pending_messages (created_at);
