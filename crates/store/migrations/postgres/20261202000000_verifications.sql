-- Verifications: the report (every check with its evidence, and the suggested Verified vote) is
-- kept whole as JSON; its runs are in `runs`, linked through `verification_runs`. The columns are
-- what the queue filters by.
CREATE TABLE verifications (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    task          TEXT NOT NULL,
    suggestion    TEXT NOT NULL,
    failed_checks TEXT NOT NULL,
    warned_checks TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    report        TEXT NOT NULL
);
CREATE INDEX verifications_submission ON verifications (submission_id, finished_at);

CREATE TABLE verification_runs (
    verification_id TEXT NOT NULL REFERENCES verifications (id),
    run_id          TEXT NOT NULL REFERENCES runs (id),
    role            TEXT NOT NULL,
    PRIMARY KEY (verification_id, run_id, role)
);

-- A verification is evidence a vote is cast against: it is never edited or removed, only
-- followed by a newer one.
CREATE FUNCTION verifications_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'verifications are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER verifications_no_change BEFORE UPDATE OR DELETE ON verifications
FOR EACH ROW EXECUTE FUNCTION verifications_append_only();
CREATE TRIGGER verifications_no_truncate BEFORE TRUNCATE ON verifications
FOR EACH STATEMENT EXECUTE FUNCTION verifications_append_only();
