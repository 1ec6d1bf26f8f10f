-- Push notifications (issue 18). A device session (user_devices row) registers where its phone is
-- reached when no WebSocket is open: the original's push_notification_token column holds the
-- provider's token (FCM registration token or APNs device token), never logged; the new columns say
-- which provider and, for APNs, which app topic and environment. A token belongs to one session:
-- registering it on another session clears it here, and revoking the session clears it too.
ALTER TABLE user_devices
    ADD COLUMN push_platform       varchar(10),
    ADD COLUMN push_apns_topic     varchar(255),
    ADD COLUMN push_apns_sandbox   boolean NOT NULL DEFAULT false,
    ADD COLUMN push_registered_at  timestamptz,
    ADD CONSTRAINT user_devices_push_platform_check CHECK (push_platform IN ('fcm', 'apns'));

-- The push dispatcher looks up the sessions of a batch's recipients that can be pushed to.
CREATE INDEX idx_user_devices_pushable_by_user
    ON user_devices (user_id)
    WHERE revoked_at IS NULL AND push_notification_token IS NOT NULL;

-- Moving a token from one session to another finds its previous holder.
CREATE INDEX idx_user_devices_push_token
    ON user_devices (push_notification_token)
    WHERE push_notification_token IS NOT NULL;

-- Which session a live connection belongs to (the access token's sid), so that a device with a
-- WebSocket open gets no push. Empty for tokens without sid (the Go original's).
ALTER TABLE realtime_connections ADD COLUMN session_id uuid;

CREATE INDEX realtime_connections_session_idx
    ON realtime_connections (session_id)
    WHERE session_id IS NOT NULL;
