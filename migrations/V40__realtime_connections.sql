-- Devices connected to the realtime instances, so that presence stays right when one user's
-- devices are spread over several instances: "online" is announced when the first device
-- anywhere connects and "offline" when the last one anywhere leaves.
--
-- Rows are ephemeral. Each instance refreshes heartbeat_at of its own rows periodically; rows
-- of an instance that died without cleaning up stop counting once their heartbeat is stale and
-- are deleted later by any live instance. No foreign key to users: a row must never make a
-- connection fail, and users are not deleted while connected in any way that matters here.
CREATE TABLE realtime_connections (
    connection_id uuid PRIMARY KEY,
    user_id       uuid        NOT NULL,
    instance_id   uuid        NOT NULL,
    connected_at  timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL
);

CREATE INDEX realtime_connections_user_idx ON realtime_connections (user_id);
CREATE INDEX realtime_connections_instance_idx ON realtime_connections (instance_id);
CREATE INDEX realtime_connections_heartbeat_idx ON realtime_connections (heartbeat_at);
