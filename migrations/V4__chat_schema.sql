-- One-to-one chat. The timestamps are "timestamp without time zone" as in the original (they hold
-- UTC by convention); a later migration turns them into timestamptz.

CREATE TABLE conversations (
    id         uuid      NOT NULL DEFAULT uuid_generate_v4(),
    created_at timestamp NOT NULL DEFAULT now(),
    CONSTRAINT conversations_pkey PRIMARY KEY (id)
);

CREATE TABLE conversation_participants (
    conversation_id uuid      NOT NULL,
    user_id         uuid      NOT NULL,
    joined_at       timestamp NOT NULL DEFAULT now(),
    CONSTRAINT conversation_participants_pkey PRIMARY KEY (conversation_id, user_id),
    CONSTRAINT conversation_participants_conversation_id_fkey
        FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
    CONSTRAINT conversation_participants_user_id_fkey
        FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE messages (
    id                uuid      NOT NULL DEFAULT uuid_generate_v4(),
    conversation_id   uuid      NOT NULL,
    sender_id         uuid      NOT NULL,
    content           text      NOT NULL,
    media_url         text,
    media_type        text,
    -- the sender's id for the message: a retried send with the same id is stored once
    client_message_id text,
    created_at        timestamp NOT NULL DEFAULT now(),
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id),
    CONSTRAINT messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES users (id),
    CONSTRAINT messages_conversation_id_client_message_id_key UNIQUE (conversation_id, client_message_id)
);

-- a conversation's history, newest first
CREATE INDEX idx_messages_conversation_id_created_at ON messages (conversation_id, created_at DESC);

CREATE TABLE message_status (
    message_id   uuid NOT NULL,
    user_id      uuid NOT NULL,
    delivered_at timestamp,
    read_at      timestamp,
    CONSTRAINT message_status_pkey PRIMARY KEY (message_id, user_id),
    CONSTRAINT message_status_message_id_fkey FOREIGN KEY (message_id) REFERENCES messages (id),
    CONSTRAINT message_status_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
