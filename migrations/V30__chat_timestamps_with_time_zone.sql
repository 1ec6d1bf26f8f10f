-- The chat tables kept "timestamp without time zone" holding UTC by convention (the original's
-- schema). Make them timestamptz, reading the old values as UTC, so that no reader or writer
-- depends on its session time zone.

ALTER TABLE conversations
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC';

ALTER TABLE conversation_participants
    ALTER COLUMN joined_at TYPE timestamptz USING joined_at AT TIME ZONE 'UTC';

ALTER TABLE messages
    ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC';

ALTER TABLE message_status
    ALTER COLUMN delivered_at TYPE timestamptz USING delivered_at AT TIME ZONE 'UTC',
    ALTER COLUMN read_at      TYPE timestamptz USING read_at AT TIME ZONE 'UTC';
