-- A full address-book sync in progress (auth's SyncContacts, issue 17): the numbers its pages
-- named so far. The last page removes from contacts every number of the user that no page named,
-- then deletes the sync. A sync not continued before expires_at is dropped (auth's cleanup); the
-- numbers its pages added stay in contacts.
CREATE TABLE contact_syncs (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id),
    started_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE INDEX contact_syncs_user_id_idx ON contact_syncs (user_id);
CREATE INDEX contact_syncs_expires_at_idx ON contact_syncs (expires_at);

CREATE TABLE contact_sync_numbers (
    sync_id      uuid        NOT NULL REFERENCES contact_syncs (id) ON DELETE CASCADE,
    phone_number varchar(20) NOT NULL,
    PRIMARY KEY (sync_id, phone_number)
);
