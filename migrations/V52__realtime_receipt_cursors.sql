-- Where each signed-in device (its session, the access token's sid) stands in the receipts of its
-- user's own messages. Realtime moves it when the device connects, while it stays connected
-- (the instance heartbeat) and when it leaves; a device that connects again is sent the
-- "delivered" and "read" changes made since, so that a sender whose connection dropped still sees
-- every tick. Rows of sessions gone for good are deleted after a while by any realtime instance.
-- No foreign key to user_devices, like realtime_connections: a cursor must never make a connection
-- fail.
CREATE TABLE realtime_receipt_cursors (
    session_id uuid PRIMARY KEY,
    user_id    uuid        NOT NULL,
    synced_at  timestamptz NOT NULL
);

CREATE INDEX realtime_receipt_cursors_synced_at_idx ON realtime_receipt_cursors (synced_at);
