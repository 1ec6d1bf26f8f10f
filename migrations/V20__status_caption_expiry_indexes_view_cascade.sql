-- The status service (issue 5).
--
-- How a status is stored: content_type says what it is. For 'text', content_or_url holds the text.
-- For 'image' and 'video', content_or_url holds the media URL and the new caption column holds the
-- optional caption (the original had no place for one).

ALTER TABLE status_updates ADD COLUMN caption text;

-- The feed and GetStatuses read "this author's statuses that have not expired yet"; the original's
-- (user_id, created_at) index cannot bound expires_at.
CREATE INDEX idx_status_updates_user_id_expires_at ON status_updates (user_id, expires_at);

-- The cleanup job deletes "everything that expired before T" in batches.
CREATE INDEX idx_status_updates_expires_at ON status_updates (expires_at);

-- A status's views go with it (DeleteStatus, the cleanup job); same constraint name as before.
ALTER TABLE status_views DROP CONSTRAINT status_views_status_id_fkey;
ALTER TABLE status_views
    ADD CONSTRAINT status_views_status_id_fkey
        FOREIGN KEY (status_id) REFERENCES status_updates (id) ON DELETE CASCADE;
