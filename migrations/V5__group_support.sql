-- Group conversations: same tables, a flag and a name.

ALTER TABLE conversations
    ADD COLUMN is_group   boolean NOT NULL DEFAULT false,
    ADD COLUMN group_name text;

CREATE INDEX idx_conversations_is_group ON conversations (is_group);
