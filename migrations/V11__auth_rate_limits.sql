-- Auth (issue 3): abuse limits (SendOTP per phone number and per client IP, failed VerifyOTP per
-- phone number) kept in PostgreSQL, so that they hold across restarts and across several auth
-- instances.
--
-- One row per (limit, key): a window that started with the key's first use after the previous
-- window ended. "remaining" uses are left until resets_at; the service consumes one with a single
-- atomic upsert. Rows whose window ended are deleted by the service from time to time.

CREATE TABLE auth_rate_limits (
    limit_name varchar(40)  NOT NULL,
    -- a phone number (E.164) or an IP address
    bucket_key varchar(64)  NOT NULL,
    remaining  integer      NOT NULL,
    resets_at  timestamptz  NOT NULL,
    CONSTRAINT auth_rate_limits_pkey PRIMARY KEY (limit_name, bucket_key),
    CONSTRAINT auth_rate_limits_remaining_check CHECK (remaining >= 0)
);

CREATE INDEX idx_auth_rate_limits_resets_at ON auth_rate_limits (resets_at);
