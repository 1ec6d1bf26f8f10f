-- Every message gets its position in its conversation (seq: 1, 2, 3... in send order, no gaps),
-- and each conversation remembers its last seq and when its newest message was sent, for
-- "most recent activity first".

ALTER TABLE conversations
    ADD COLUMN last_seq        bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_message_at timestamptz;

ALTER TABLE messages ADD COLUMN seq bigint;

-- Messages stored before this migration: numbered by creation time.
UPDATE messages m
   SET seq = numbered.seq
  FROM (SELECT id, row_number() OVER (PARTITION BY conversation_id ORDER BY created_at, id) AS seq
          FROM messages) numbered
 WHERE m.id = numbered.id;

UPDATE conversations c
   SET last_seq = latest.last_seq,
       last_message_at = latest.last_message_at
  FROM (SELECT conversation_id, max(seq) AS last_seq, max(created_at) AS last_message_at
          FROM messages
         GROUP BY conversation_id) latest
 WHERE c.id = latest.conversation_id;

ALTER TABLE messages ALTER COLUMN seq SET NOT NULL;

-- Also the index of ListMessages (newest first, paging backwards by seq).
ALTER TABLE messages
    ADD CONSTRAINT messages_conversation_id_seq_key UNIQUE (conversation_id, seq);

-- The message worker numbers messages itself (under a lock on the conversation row, after
-- dropping duplicates). Any other writer that inserts without a seq (a script, a test, the
-- original's code path) gets the next one here, so the counter and the unique key stay right.
CREATE FUNCTION messages_assign_seq() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE conversations
       SET last_seq = last_seq + 1,
           last_message_at = GREATEST(last_message_at, NEW.created_at)
     WHERE id = NEW.conversation_id
    RETURNING last_seq INTO NEW.seq;
    RETURN NEW;
END;
$$;

CREATE TRIGGER messages_assign_seq
    BEFORE INSERT ON messages
    FOR EACH ROW
    WHEN (NEW.seq IS NULL)
    EXECUTE FUNCTION messages_assign_seq();
