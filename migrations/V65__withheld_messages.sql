-- Messages a recipient never gets (issue 17): in a one-to-one conversation, a message stored while
-- its recipient had blocked its sender. The message worker decides when it stores the message and
-- writes this row instead of the recipient's message_status row, in the same statement; with no
-- status row realtime neither pushes it, nor replays it at catch-up, nor accepts a receipt for it
-- (the sender sees one tick). Chat leaves these out of the recipient's ListMessages and of the
-- last message GetConversations shows them. Kept after an unblock: what was sent meanwhile stays
-- undelivered, as in WhatsApp.
CREATE TABLE withheld_messages (
    user_id         uuid   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id uuid   NOT NULL,
    seq             bigint NOT NULL,
    message_id      uuid   NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    -- "Is message seq S of conversation C withheld from U" (ListMessages, GetConversations).
    CONSTRAINT withheld_messages_pkey PRIMARY KEY (user_id, conversation_id, seq)
);

-- The cascade from messages (a conversation or a sender deleted).
CREATE INDEX withheld_messages_message_id_idx ON withheld_messages (message_id);
