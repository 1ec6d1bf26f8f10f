-- Step 4 of the original: groups.
ALTER TABLE conversations
    ADD COLUMN is_group boolean NOT NULL DEFAULT false,
    ADD COLUMN group_name text;
CREATE INDEX IF NOT EXISTS idx_conversations_is_group ON conversations (is_group);
