-- The database and its owner, run once as the postgres superuser:
--   sudo -u postgres psql -f deploy/postgresql.sql
-- Authentication: peer or scram-sha-256 in pg_hba.conf for the exhume role on 127.0.0.1; put
-- a password in EXHUME_DATABASE_URL (postgresql://exhume:PASSWORD@127.0.0.1:5432/exhume) if
-- you use scram.
CREATE ROLE exhume LOGIN;
CREATE DATABASE exhume OWNER exhume ENCODING 'UTF8' TEMPLATE template0;
