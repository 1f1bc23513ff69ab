-- Files are stored once, by the sha256 of their bytes.
CREATE TABLE blobs (
    digest  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
);

-- One row per submission. The id is the content id computed from the manifest and every file,
-- so a submission row can never change; it is only ever inserted.
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

-- The manifest's claims, projected into columns so lists can filter by task and sort by PGR.
CREATE TABLE claims (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    position      INTEGER NOT NULL,
    task          TEXT NOT NULL,
    pgr           REAL NOT NULL,
    pgr_se        REAL,
    weak_acc      REAL,
    ceiling_acc   REAL,
    student_acc   REAL,
    seeds         TEXT NOT NULL,
    PRIMARY KEY (submission_id, position)
);
CREATE INDEX claims_task ON claims (task);

-- Every write, in order. Rows are never updated or deleted.
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
