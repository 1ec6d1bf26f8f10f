-- The original's initial schema: users, their contacts, status updates and views, blocks, devices.

CREATE TABLE users (
    id                  uuid         NOT NULL DEFAULT uuid_generate_v4(),
    phone_number        varchar(20)  NOT NULL,
    display_name        varchar(100),
    profile_picture_url text,
    about_text          varchar(250),
    last_seen_at        timestamptz,
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_phone_number_key UNIQUE (phone_number)
);

CREATE TABLE contacts (
    user_id               uuid         NOT NULL,
    contact_phone_number  varchar(20)  NOT NULL,
    contact_user_id       uuid,
    display_name_override varchar(100),
    CONSTRAINT contacts_pkey PRIMARY KEY (user_id, contact_phone_number),
    CONSTRAINT contacts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT contacts_contact_user_id_fkey FOREIGN KEY (contact_user_id) REFERENCES users (id)
);

CREATE TABLE status_updates (
    id             uuid         NOT NULL DEFAULT uuid_generate_v4(),
    user_id        uuid         NOT NULL,
    content_type   varchar(20)  NOT NULL,
    content_or_url text,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    expires_at     timestamptz  NOT NULL,
    CONSTRAINT status_updates_pkey PRIMARY KEY (id),
    CONSTRAINT status_updates_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT status_updates_content_type_check CHECK (content_type IN ('text', 'image', 'video'))
);

CREATE INDEX idx_status_updates_user_id_created_at ON status_updates (user_id, created_at);

CREATE TABLE status_views (
    status_id uuid        NOT NULL,
    user_id   uuid        NOT NULL,
    viewed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT status_views_pkey PRIMARY KEY (status_id, user_id),
    CONSTRAINT status_views_status_id_fkey FOREIGN KEY (status_id) REFERENCES status_updates (id),
    CONSTRAINT status_views_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE blocked_users (
    blocker_user_id uuid NOT NULL,
    blocked_user_id uuid NOT NULL,
    -- nullable as in the original; the default only spares callers from passing now()
    created_at      timestamptz DEFAULT now(),
    CONSTRAINT blocked_users_pkey PRIMARY KEY (blocker_user_id, blocked_user_id),
    CONSTRAINT blocked_users_blocker_user_id_fkey FOREIGN KEY (blocker_user_id) REFERENCES users (id),
    CONSTRAINT blocked_users_blocked_user_id_fkey FOREIGN KEY (blocked_user_id) REFERENCES users (id)
);

CREATE TABLE user_devices (
    id                      uuid         NOT NULL DEFAULT uuid_generate_v4(),
    user_id                 uuid         NOT NULL,
    -- hex SHA-256 of the refresh token: the token itself is never stored
    refresh_token_hash      varchar(255) NOT NULL,
    device_name             varchar(100),
    device_type             varchar(20),
    push_notification_token text,
    last_login_at           timestamptz,
    created_at              timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT user_devices_pkey PRIMARY KEY (id),
    CONSTRAINT user_devices_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT user_devices_device_type_check CHECK (device_type IN ('mobile', 'web', 'desktop'))
);
