-- Group roles, one conversation per pair of users, and fast "my conversations".

-- admin: may add and remove participants. The creator of a group is its admin; members of
-- one-to-one conversations are plain members.
ALTER TABLE conversation_participants
    ADD COLUMN role text NOT NULL DEFAULT 'member',
    ADD CONSTRAINT conversation_participants_role_check CHECK (role IN ('admin', 'member'));

-- Groups created before roles existed: their longest-standing participant becomes admin.
UPDATE conversation_participants p
   SET role = 'admin'
  FROM (SELECT DISTINCT ON (cp.conversation_id) cp.conversation_id, cp.user_id
          FROM conversation_participants cp
          JOIN conversations c ON c.id = cp.conversation_id AND c.is_group
         ORDER BY cp.conversation_id, cp.joined_at, cp.user_id) first_member
 WHERE p.conversation_id = first_member.conversation_id
   AND p.user_id = first_member.user_id;

-- GetConversations: the conversations of one user.
CREATE INDEX idx_conversation_participants_user_id ON conversation_participants (user_id);

-- A one-to-one conversation's two user ids, smaller first ("<uuid>:<uuid>"); NULL for groups.
-- The unique key makes "create the conversation of A and B" return the existing one, even when
-- both users create it at the same moment.
ALTER TABLE conversations ADD COLUMN direct_pair text;

-- Existing one-to-one conversations: the oldest of each pair keeps the key (the original could
-- create duplicates; those stay reachable by id but are no longer returned by create).
UPDATE conversations c
   SET direct_pair = pairs.pair
  FROM (SELECT DISTINCT ON (pair) conversation_id, pair
          FROM (SELECT cp.conversation_id,
                       min(cp.user_id::text) || ':' || max(cp.user_id::text) AS pair,
                       min(conv.created_at) AS created_at
                  FROM conversation_participants cp
                  JOIN conversations conv ON conv.id = cp.conversation_id AND NOT conv.is_group
                 GROUP BY cp.conversation_id
                HAVING count(*) = 2) two_member
         ORDER BY pair, created_at, conversation_id) pairs
 WHERE c.id = pairs.conversation_id;

ALTER TABLE conversations
    ADD CONSTRAINT conversations_direct_pair_key UNIQUE (direct_pair);
