-- Verifications come from a verifier, not a reviewer. In team mode a reviewer *requests* a
-- verification (a row here); a verifier — a login in the group role `aar_verifier` and in no
-- reviewer group, so no person's login — takes requests from this queue, runs them, and alone
-- stores verifications and links them to their runs. A reviewer with a modified client can no
-- longer store a fabricated report; they can still store runs of their own (`aar-review run`),
-- which no verdict rests on. Same table as migrations/sqlite.
--
-- A request is taken with a lease (`lease_until`, seconds since the epoch by the taker's clock:
-- the server's here). A worker renews it while it runs; one that dies lets it lapse, and the next
-- worker takes the request again. Finishing is the same transaction as storing the verification,
-- and only the worker holding the lease can finish it, so a request is done exactly once.
CREATE TABLE verification_requests (
    id              BIGSERIAL PRIMARY KEY,
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    -- The verification asked for (`VerifyRequest` without the device, which the worker picks).
    task            TEXT,
    seeds           BIGINT,
    quick           BIGINT NOT NULL DEFAULT 0 CHECK (quick IN (0, 1)),
    requested_by    TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    worker          TEXT,
    lease_until     BIGINT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    verification_id TEXT REFERENCES verifications (id),
    error           TEXT
);
CREATE INDEX verification_requests_open ON verification_requests (state, id);
CREATE INDEX verification_requests_submission ON verification_requests (submission_id);

-- A request is new when made: nobody inserts one already taken or done.
CREATE FUNCTION verification_requests_new() RETURNS trigger AS $$
BEGIN
    IF NEW.state <> 'queued' OR NEW.worker IS NOT NULL OR NEW.lease_until IS NOT NULL
       OR NEW.attempts <> 0 OR NEW.verification_id IS NOT NULL OR NEW.error IS NOT NULL THEN
        RAISE EXCEPTION 'aar:bad_request: a verification request starts queued';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
CREATE TRIGGER verification_requests_identity BEFORE INSERT ON verification_requests
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('requested_by');
CREATE TRIGGER verification_requests_dated BEFORE INSERT ON verification_requests
FOR EACH ROW EXECUTE FUNCTION aar_dated_by_server('requested_at');
CREATE TRIGGER verification_requests_new BEFORE INSERT ON verification_requests
FOR EACH ROW EXECUTE FUNCTION verification_requests_new();
CREATE TRIGGER verification_requests_no_delete BEFORE DELETE ON verification_requests
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER verification_requests_no_truncate BEFORE TRUNCATE ON verification_requests
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();

-- Team logins are now reviewers (and leads) or verifiers.
CREATE OR REPLACE FUNCTION aar_team_login() RETURNS boolean AS $$
BEGIN
    RETURN (EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'aar_reviewer')
            AND pg_catalog.pg_has_role(session_user, 'aar_reviewer', 'MEMBER'))
        OR (EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'aar_verifier')
            AND pg_catalog.pg_has_role(session_user, 'aar_verifier', 'MEMBER'));
END;
$$ LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp;

-- A verifier: in aar_verifier and in no reviewer group (a person who also verified could store
-- a report on their own import).
CREATE FUNCTION aar_is_verifier() RETURNS boolean AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'aar_verifier')
       AND pg_catalog.pg_has_role(session_user, 'aar_verifier', 'MEMBER')
       AND NOT (EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'aar_reviewer')
                AND pg_catalog.pg_has_role(session_user, 'aar_reviewer', 'MEMBER'));
END;
$$ LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp;

CREATE FUNCTION aar_only_verifiers() RETURNS trigger AS $$
BEGIN
    IF public.aar_team_login() AND NOT public.aar_is_verifier() THEN
        RAISE EXCEPTION 'aar:not_verifier: in team mode only a verifier login (aar_verifier, no reviewer group) %',
            CASE TG_TABLE_NAME WHEN 'verification_requests' THEN 'works on the verification queue'
                               ELSE 'stores verifications: request one instead' END;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
CREATE TRIGGER verifications_by_verifier BEFORE INSERT ON verifications
FOR EACH ROW EXECUTE FUNCTION aar_only_verifiers();
CREATE TRIGGER verification_runs_by_verifier BEFORE INSERT ON verification_runs
FOR EACH ROW EXECUTE FUNCTION aar_only_verifiers();
CREATE TRIGGER verification_requests_by_verifier BEFORE UPDATE ON verification_requests
FOR EACH ROW EXECUTE FUNCTION aar_only_verifiers();

-- What a worker may change of a request: its state, and only forward.
CREATE FUNCTION verification_requests_progress() RETURNS trigger AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.submission_id <> OLD.submission_id OR NEW.task IS DISTINCT FROM OLD.task
       OR NEW.seeds IS DISTINCT FROM OLD.seeds OR NEW.quick <> OLD.quick
       OR NEW.requested_by <> OLD.requested_by OR NEW.requested_at <> OLD.requested_at
       OR OLD.state IN ('done', 'failed') THEN
        RAISE EXCEPTION 'aar:append_only: a request keeps what was asked, and a finished one stays finished';
    END IF;
    IF NEW.state = 'done' AND (NEW.verification_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM public.verifications v WHERE v.id = NEW.verification_id AND v.submission_id = NEW.submission_id)) THEN
        RAISE EXCEPTION 'aar:bad_request: a request is done with a verification of its submission';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
CREATE TRIGGER verification_requests_progress BEFORE UPDATE ON verification_requests
FOR EACH ROW EXECUTE FUNCTION verification_requests_progress();

-- The roles. The verifier group is created where the migrating login may (as the others were).
DO $$
BEGIN
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'aar_verifier') THEN
            CREATE ROLE aar_verifier NOLOGIN;
        END IF;
    EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
        RAISE NOTICE 'aar-review: the role aar_verifier was not created here (%): see README, Team mode', SQLERRM;
    END;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'aar_reviewer') THEN
        EXECUTE 'GRANT SELECT ON verification_requests TO aar_reviewer';
        EXECUTE 'GRANT INSERT (submission_id, task, seeds, quick, requested_by, requested_at) ON verification_requests TO aar_reviewer';
        EXECUTE 'REVOKE INSERT ON verifications, verification_runs FROM aar_reviewer';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'aar_verifier') THEN
        EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO aar_verifier';
        EXECUTE 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO aar_verifier';
        EXECUTE 'GRANT INSERT ON verifications, verification_runs TO aar_verifier';
        EXECUTE 'GRANT INSERT (id, task, method, submission_id, eval_split, backend, adapter, seeds, data_sha256, '
             || 'code_sha256, pgr, pgr_se, total_seconds, started_at, finished_at, created_by, report) ON runs TO aar_verifier';
        EXECUTE 'GRANT INSERT (at, actor, action, subject, detail) ON audit_log TO aar_verifier';
        EXECUTE 'GRANT UPDATE (state, worker, lease_until, attempts, verification_id, error) ON verification_requests TO aar_verifier';
    END IF;
END;
$$;
