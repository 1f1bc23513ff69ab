-- Team mode: what no client value may decide. Raw SQL from a team login could break the audit
-- chain for good (an entry with a wrong hash), block every later write (an entry with seq 9e18,
-- or the next `votes` ids taken ahead of time), back-date a vote, or store a verification row
-- that no reader can decode. From here on:
--
-- * the server chains the audit log: it takes the write lock, draws the entry's seq and computes
--   its prev_hash and hash itself (aar_audit_hash is the same encoding as the store's
--   `entry_hash`, so `audit --verify` checks either); a team login's entry is dated by the
--   server's clock;
-- * team logins insert only the columns a client may set: never an id or a seq drawn from a
--   sequence, nor an audit entry's hashes;
-- * a team login's review records are dated by the server's clock, and its runs and
--   verifications may not claim to have finished in the future;
-- * a verification's suggestion is one of the three votes, its check lists are JSON lists and its
--   report a JSON object.
--
-- A superuser, or the owner of these tables, can still change anything, triggers included; the
-- chain lets `audit --verify` notice, not prevent, such a rewrite (README, "Team mode").

-- The hash of one audit entry: sha256 over the JSON array ["aar-review audit v1", prev_hash, at,
-- actor, action, subject, detail], written compactly. PostgreSQL's JSON string escaping is the
-- store's (serde_json's): \" \\ \b \f \n \r \t, \u00xx for other control characters, everything
-- else as it is.
CREATE FUNCTION aar_audit_hash(prev text, at text, actor text, action text, subject text, detail text)
RETURNS text AS $$
    SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
        '[' || pg_catalog.array_to_string(ARRAY[
            pg_catalog.to_json('aar-review audit v1'::text)::text,
            pg_catalog.to_json(prev)::text, pg_catalog.to_json(at)::text,
            pg_catalog.to_json(actor)::text, pg_catalog.to_json(action)::text,
            pg_catalog.to_json(subject)::text, pg_catalog.to_json(detail)::text], ',') || ']',
        'UTF8')), 'hex');
$$ LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public, pg_temp;

-- The server's clock, in the store's format (RFC 3339, UTC, whole seconds).
CREATE FUNCTION aar_server_time() RETURNS text AS $$
    SELECT pg_catalog.to_char(pg_catalog.statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
$$ LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp;

-- Whatever the client sent, an entry is chained by the server. The write lock (the store's,
-- taken by every write transaction) makes appends one at a time, and the seq is drawn under it,
-- so seq order is chain order even for clients that go around the store.
CREATE OR REPLACE FUNCTION audit_log_chained() RETURNS trigger AS $$
DECLARE
    head text;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(1094799954); -- the store's WRITE_LOCK_KEY ("AARR")
    NEW.seq := pg_catalog.nextval(pg_catalog.pg_get_serial_sequence('public.audit_log', 'seq'));
    IF public.aar_team_login() THEN
        NEW.at := public.aar_server_time();
    END IF;
    SELECT a.hash INTO head FROM public.audit_log a ORDER BY a.seq DESC LIMIT 1;
    NEW.prev_hash := COALESCE(head, '0000000000000000000000000000000000000000000000000000000000000000');
    NEW.hash := public.aar_audit_hash(NEW.prev_hash, NEW.at, NEW.actor, NEW.action, NEW.subject, NEW.detail);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

-- A team login's record is dated by the server: the trigger's argument names the column.
CREATE FUNCTION aar_dated_by_server() RETURNS trigger AS $$
BEGIN
    IF public.aar_team_login() THEN
        NEW := pg_catalog.jsonb_populate_record(NEW, pg_catalog.jsonb_build_object(TG_ARGV[0], public.aar_server_time()));
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

CREATE TRIGGER submissions_dated BEFORE INSERT ON submissions
FOR EACH ROW EXECUTE FUNCTION aar_dated_by_server('imported_at');
CREATE TRIGGER votes_dated BEFORE INSERT ON votes
FOR EACH ROW EXECUTE FUNCTION aar_dated_by_server('cast_at');
CREATE TRIGGER signoffs_dated BEFORE INSERT ON signoffs
FOR EACH ROW EXECUTE FUNCTION aar_dated_by_server('signed_at');
CREATE TRIGGER blind_reviews_dated BEFORE INSERT ON blind_reviews
FOR EACH ROW EXECUTE FUNCTION aar_dated_by_server('requested_at');
CREATE TRIGGER comments_dated BEFORE INSERT ON comments
FOR EACH ROW EXECUTE FUNCTION aar_dated_by_server('written_at');
CREATE TRIGGER comment_resolutions_dated BEFORE INSERT ON comment_resolutions
FOR EACH ROW EXECUTE FUNCTION aar_dated_by_server('resolved_at');
CREATE TRIGGER flag_feedback_dated BEFORE INSERT ON flag_feedback
FOR EACH ROW EXECUTE FUNCTION aar_dated_by_server('judged_at');

-- Runs and verifications carry the time their report says they finished (it is part of the
-- content their id hashes), so it is checked, not replaced: a team login's may not lie ahead of
-- the server's clock by more than a clock's drift. (Which verification is newest decides which
-- votes are stale.)
CREATE FUNCTION aar_not_from_the_future() RETURNS trigger AS $$
DECLARE
    finished timestamptz;
BEGIN
    IF public.aar_team_login() THEN
        BEGIN
            finished := NEW.finished_at::timestamptz;
        EXCEPTION WHEN others THEN
            RAISE EXCEPTION 'aar:bad_time: % finished_at is not an RFC 3339 time: %', TG_TABLE_NAME, NEW.finished_at;
        END;
        IF finished > pg_catalog.statement_timestamp() + interval '5 minutes' THEN
            RAISE EXCEPTION 'aar:bad_time: % cannot finish in the future (% is after the server''s clock)',
                TG_TABLE_NAME, NEW.finished_at;
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
CREATE TRIGGER runs_dated BEFORE INSERT ON runs
FOR EACH ROW EXECUTE FUNCTION aar_not_from_the_future();
CREATE TRIGGER verifications_dated BEFORE INSERT ON verifications
FOR EACH ROW EXECUTE FUNCTION aar_not_from_the_future();

-- What every reader decodes. NOT VALID: a row stored before this is not re-checked here (a
-- reader skips a row it cannot decode, with a warning); every new row is.
ALTER TABLE verifications ADD CONSTRAINT verifications_suggestion
    CHECK (suggestion IN ('+1', '-1', 'needs_human')) NOT VALID;
ALTER TABLE verifications ADD CONSTRAINT verifications_lists
    CHECK (pg_catalog.jsonb_typeof(failed_checks::jsonb) = 'array'
       AND pg_catalog.jsonb_typeof(warned_checks::jsonb) = 'array') NOT VALID;
ALTER TABLE verifications ADD CONSTRAINT verifications_report
    CHECK (pg_catalog.jsonb_typeof(report::jsonb) = 'object') NOT VALID;

-- What a verdict rests on is never rewritten, by the administrator's client either (team logins
-- have no UPDATE or DELETE at all): stored files, submissions, their files and claims, runs and
-- the links from verifications to their runs are append-only, as verifications, review records
-- and the audit log already were. Same rule as migrations/sqlite.
CREATE TRIGGER blobs_no_change BEFORE UPDATE OR DELETE ON blobs
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER blobs_no_truncate BEFORE TRUNCATE ON blobs
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER submissions_no_change BEFORE UPDATE OR DELETE ON submissions
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER submissions_no_truncate BEFORE TRUNCATE ON submissions
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER submission_files_no_change BEFORE UPDATE OR DELETE ON submission_files
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER submission_files_no_truncate BEFORE TRUNCATE ON submission_files
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER claims_no_change BEFORE UPDATE OR DELETE ON claims
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER claims_no_truncate BEFORE TRUNCATE ON claims
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER runs_no_change BEFORE UPDATE OR DELETE ON runs
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER runs_no_truncate BEFORE TRUNCATE ON runs
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER verification_runs_no_change BEFORE UPDATE OR DELETE ON verification_runs
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER verification_runs_no_truncate BEFORE TRUNCATE ON verification_runs
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();

-- Team logins insert the columns a client may set, and no other: not the ids and seqs drawn from
-- sequences, not an audit entry's hashes. A table added by a later migration grants its own
-- columns (a store test checks that no sequence-drawn column is insertable).
DO $$
DECLARE
    t record;
    insertable text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'aar_reviewer') THEN
        RETURN;
    END IF;
    FOR t IN
        SELECT c.oid, c.relname FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('reviewers', '_sqlx_migrations')
    LOOP
        SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO insertable
        FROM pg_catalog.pg_attribute a
        LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
          AND COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid) NOT LIKE 'nextval(%', true)
          AND NOT (t.relname = 'audit_log' AND a.attname IN ('prev_hash', 'hash'));
        EXECUTE pg_catalog.format('REVOKE INSERT ON public.%I FROM aar_reviewer', t.relname);
        EXECUTE pg_catalog.format('GRANT INSERT (%s) ON public.%I TO aar_reviewer', insertable, t.relname);
    END LOOP;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE INSERT ON TABLES FROM aar_reviewer;
END;
$$;
