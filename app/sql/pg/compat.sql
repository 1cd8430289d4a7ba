-- compat.sql: the few SQLite functions and operators lantern's queries use, defined in PostgreSQL so a
-- query is written once for both engines (db.h). Applied by every `lantern init` before the numbered
-- migrations, so each definition is idempotent (CREATE OR REPLACE, or made only when missing).
--
-- Times are integer seconds since the epoch; 'localtime' is the session's TimeZone, which db.c sets to
-- the process's TZ (Europe/London), as SQLite's 'localtime' follows the process's.

-- date(t, 'unixepoch'[, 'localtime']): the calendar day 'YYYY-MM-DD' of an epoch time.
CREATE OR REPLACE FUNCTION date(t bigint, unit text, zone text DEFAULT 'utc') RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN unit <> 'unixepoch' THEN NULL
		WHEN zone = 'localtime' THEN to_char(to_timestamp(t), 'YYYY-MM-DD')
		ELSE to_char(to_timestamp(t) AT TIME ZONE 'UTC', 'YYYY-MM-DD') END
$$;

-- unixepoch([time]): now, or a UTC time like '2026-04-01' or '2026-04-01 12:00:00', in whole seconds.
CREATE OR REPLACE FUNCTION unixepoch() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT floor(extract(epoch FROM now()))::bigint $$;
CREATE OR REPLACE FUNCTION unixepoch(t text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor(extract(epoch FROM t::timestamp AT TIME ZONE 'UTC'))::bigint $$;

-- max(a, b) and min(a, b): SQLite's scalar forms (the one-argument aggregates are PostgreSQL's own).
-- Each argument is used once, so PostgreSQL inlines the call even when an argument is a subquery; one
-- used twice made it run the function as a query of its own, planned again at every execution (about
-- 0.1 ms of the session list's statement). The cost: with a NULL argument these give the other one,
-- where SQLite's give NULL. lantern's queries never pass NULL.
CREATE OR REPLACE FUNCTION max(a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT greatest(a, b) $$;
CREATE OR REPLACE FUNCTION min(a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT least(a, b) $$;

-- instr(haystack, needle): 1-based position, 0 when absent.
CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT strpos(haystack, needle) $$;

-- round(x, digits) for double precision (PostgreSQL has it for numeric only).
CREATE OR REPLACE FUNCTION round(x double precision, digits integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT round(x::numeric, digits)::double precision $$;

-- A comparison is 0 or 1 in SQLite: quantity * (a AND b) keeps or drops. Count with count(*) FILTER
-- (WHERE ...), which both engines have: the sum(boolean) aggregate this file once defined ran a SQL
-- function for every row (half of a year's training figure on the bench data), so it is dropped and a
-- query that still uses it fails in the PostgreSQL tests rather than running slowly.
DROP AGGREGATE IF EXISTS sum(boolean);
DROP FUNCTION IF EXISTS lantern_sum_bool(bigint, boolean);
CREATE OR REPLACE FUNCTION lantern_times_bool(a bigint, b boolean) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT a * b::int $$;
CREATE OR REPLACE FUNCTION lantern_plus_bool(a bigint, b boolean) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT a + b::int $$;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_operator WHERE oprname = '*' AND oprleft = 'bigint'::regtype
		AND oprright = 'boolean'::regtype) THEN
		CREATE OPERATOR * (LEFTARG = bigint, RIGHTARG = boolean, FUNCTION = lantern_times_bool);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_operator WHERE oprname = '+' AND oprleft = 'bigint'::regtype
		AND oprright = 'boolean'::regtype) THEN
		CREATE OPERATOR + (LEFTARG = bigint, RIGHTARG = boolean, FUNCTION = lantern_plus_bool);
	END IF;
END $$;

-- group_concat(x[, separator]): string_agg that skips NULLs, with SQLite's default separator ','.
CREATE OR REPLACE FUNCTION lantern_concat_step(acc text, v text, sep text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v ELSE acc || sep || v END
$$;
CREATE OR REPLACE FUNCTION lantern_concat_step(acc text, v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT lantern_concat_step(acc, v, ',') $$;
CREATE OR REPLACE AGGREGATE group_concat(text, text) (SFUNC = lantern_concat_step, STYPE = text);
CREATE OR REPLACE AGGREGATE group_concat(text) (SFUNC = lantern_concat_step, STYPE = text);
