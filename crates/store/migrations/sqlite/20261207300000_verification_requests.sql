-- The verification queue: a request is a row here; a worker (`aar-review worker`) takes it with a
-- lease, runs it, and finishes it in the transaction that stores the verification. Same table as
-- migrations/postgres, where team mode also keeps verifying to a verifier login; a local SQLite
-- database has no logins, so here the queue is only a way to verify in another process.
CREATE TABLE verification_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    task            TEXT,
    seeds           INTEGER,
    quick           INTEGER NOT NULL DEFAULT 0 CHECK (quick IN (0, 1)),
    requested_by    TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    worker          TEXT,
    lease_until     INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    verification_id TEXT REFERENCES verifications (id),
    error           TEXT
);
CREATE INDEX verification_requests_open ON verification_requests (state, id);
CREATE INDEX verification_requests_submission ON verification_requests (submission_id);

CREATE TRIGGER verification_requests_new BEFORE INSERT ON verification_requests
WHEN NEW.state <> 'queued' OR NEW.worker IS NOT NULL OR NEW.lease_until IS NOT NULL OR NEW.attempts <> 0
  OR NEW.verification_id IS NOT NULL OR NEW.error IS NOT NULL
  OR EXISTS (SELECT 1 FROM verification_requests WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'aar:bad_request: a verification request starts queued'); END;

CREATE TRIGGER verification_requests_progress BEFORE UPDATE ON verification_requests
WHEN NEW.id <> OLD.id OR NEW.submission_id <> OLD.submission_id OR NEW.task IS NOT OLD.task
  OR NEW.seeds IS NOT OLD.seeds OR NEW.quick <> OLD.quick OR NEW.requested_by <> OLD.requested_by
  OR NEW.requested_at <> OLD.requested_at OR OLD.state IN ('done', 'failed')
BEGIN SELECT RAISE(ABORT, 'aar:append_only: a request keeps what was asked, and a finished one stays finished'); END;

CREATE TRIGGER verification_requests_done BEFORE UPDATE ON verification_requests
WHEN NEW.state = 'done' AND (NEW.verification_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM verifications v WHERE v.id = NEW.verification_id AND v.submission_id = NEW.submission_id))
BEGIN SELECT RAISE(ABORT, 'aar:bad_request: a request is done with a verification of its submission'); END;

CREATE TRIGGER verification_requests_no_delete BEFORE DELETE ON verification_requests
BEGIN SELECT RAISE(ABORT, 'aar:append_only: verification requests are never deleted'); END;
