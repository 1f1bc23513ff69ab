-- Same schema as migrations/sqlite, in PostgreSQL's dialect. Keep the two in step.
CREATE TABLE blobs (
    digest  TEXT PRIMARY KEY,
    size    BIGINT NOT NULL,
    content BYTEA NOT NULL
);

CREATE TABLE submissions (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    author          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    method_path     TEXT NOT NULL,
    method_language TEXT NOT NULL,
    source_ref      TEXT,
    parent_ref      TEXT,
    origin          TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL
);
CREATE INDEX submissions_source_ref ON submissions (source_ref);
CREATE INDEX submissions_parent_ref ON submissions (parent_ref);

CREATE TABLE submission_files (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    path          TEXT NOT NULL,
    role          TEXT NOT NULL,
    digest        TEXT NOT NULL REFERENCES blobs (digest),
    PRIMARY KEY (submission_id, path)
);

CREATE TABLE claims (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    position      BIGINT NOT NULL,
    task          TEXT NOT NULL,
    pgr           DOUBLE PRECISION NOT NULL,
    pgr_se        DOUBLE PRECISION,
    weak_acc      DOUBLE PRECISION,
    ceiling_acc   DOUBLE PRECISION,
    student_acc   DOUBLE PRECISION,
    seeds         TEXT NOT NULL,
    PRIMARY KEY (submission_id, position)
);
CREATE INDEX claims_task ON claims (task);

CREATE TABLE audit_log (
    seq     BIGSERIAL PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
