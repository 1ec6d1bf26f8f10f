-- Who may see what of a user (issue 17). A user without a row has the defaults: last seen,
-- profile photo and about shown to everyone, statuses to the user's contacts only (people in the
-- user's address book, contacts.contact_user_id), read receipts on.
CREATE TABLE user_privacy_settings (
    user_id       uuid        PRIMARY KEY REFERENCES users (id),
    last_seen     varchar(10) NOT NULL DEFAULT 'everyone',
    profile_photo varchar(10) NOT NULL DEFAULT 'everyone',
    about         varchar(10) NOT NULL DEFAULT 'everyone',
    statuses      varchar(10) NOT NULL DEFAULT 'contacts',
    read_receipts boolean     NOT NULL DEFAULT true,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_privacy_settings_last_seen_check CHECK (last_seen IN ('everyone', 'contacts', 'nobody')),
    CONSTRAINT user_privacy_settings_profile_photo_check CHECK (profile_photo IN ('everyone', 'contacts', 'nobody')),
    CONSTRAINT user_privacy_settings_about_check CHECK (about IN ('everyone', 'contacts', 'nobody')),
    CONSTRAINT user_privacy_settings_statuses_check CHECK (statuses IN ('everyone', 'contacts', 'nobody'))
);

-- "Is V in A's address book": (user_id = A, contact_user_id = V).
CREATE INDEX contacts_user_id_contact_user_id_idx ON contacts (user_id, contact_user_id);
-- A user who signs up later is linked into the address books that already had their number.
CREATE INDEX contacts_unlinked_phone_number_idx ON contacts (contact_phone_number) WHERE contact_user_id IS NULL;
-- "Who blocked me" (the primary key serves "whom did I block").
CREATE INDEX blocked_users_blocked_user_id_idx ON blocked_users (blocked_user_id, blocker_user_id);
