-- uuid-ossp provides uuid_generate_v4(), the default of every id column below. The original asked
-- people to run this by hand and failed with "function uuid_generate_v4() does not exist" when they
-- forgot; as the first migration it always runs before any table needs it. uuid-ossp is a trusted
-- extension (PostgreSQL 13+), so a database owner without superuser rights may create it.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
