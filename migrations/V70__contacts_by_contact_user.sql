-- "Who has this user in their address book" (issue 17): the status feed's candidate authors
-- include everyone whose contacts name the caller. V60's index serves "is V in A's book"
-- (user_id first); this one serves the reverse lookup by contact_user_id.
CREATE INDEX contacts_contact_user_id_idx ON contacts (contact_user_id, user_id) WHERE contact_user_id IS NOT NULL;
