-- Step 1 of the original: users, contacts, statuses, blocks, devices.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    phone_number varchar(20) UNIQUE NOT NULL,
    display_name varchar(100),
    profile_picture_url text,
    about_text varchar(250),
    last_seen_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
    user_id uuid NOT NULL REFERENCES users (id),
    contact_phone_number varchar(20) NOT NULL,
    contact_user_id uuid REFERENCES users (id),
    display_name_override varchar(100),
    PRIMARY KEY (user_id, contact_phone_number)
);

CREATE TABLE status_updates (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id uuid NOT NULL REFERENCES users (id),
    content_type varchar(20) NOT NULL,
    content_or_url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
-- unnamed: PostgreSQL calls it status_updates_user_id_created_at_idx
CREATE INDEX ON status_updates (user_id, created_at);

CREATE TABLE status_views (
    status_id uuid NOT NULL REFERENCES status_updates (id),
    user_id uuid NOT NULL REFERENCES users (id),
    viewed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (status_id, user_id)
);

CREATE TABLE blocked_users (
    blocker_user_id uuid NOT NULL REFERENCES users (id),
    blocked_user_id uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_user_id, blocked_user_id)
);

CREATE TABLE user_devices (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id uuid NOT NULL REFERENCES users (id),
    refresh_token_hash varchar(255) NOT NULL,
    device_name varchar(100),
    device_type varchar(20),
    push_notification_token text,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
