-- A connecting device's receipt catch-up (realtime's ReceiptCatchUpStore.changedSince) reads the
-- user's own messages of the last 3 days. With only idx_messages_conversation_id_created_at it
-- walked every message of every conversation the user is in to find them: 62 ms per connect for a
-- bench user with 369 own messages among 1,600 in their 3 conversations (EXPLAIN ANALYZE after the
-- bench's messaging phases), and the capacity phase after them stalled on it. With this index the
-- same query took 6-8 ms. Each stored message pays one more index entry.
CREATE INDEX messages_sender_id_created_at_idx ON messages (sender_id, created_at);
