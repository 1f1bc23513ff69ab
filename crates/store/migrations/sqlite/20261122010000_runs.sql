-- Independent re-runs of the W2S protocol. The full report (config, per-seed results, curves,
-- timings) is kept as JSON; the columns are what lists filter and sort by.
CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    task          TEXT NOT NULL,
    method        TEXT NOT NULL,
    submission_id TEXT REFERENCES submissions (id),
    eval_split    TEXT NOT NULL,
    backend       TEXT NOT NULL,
    adapter       TEXT NOT NULL,
    seeds         TEXT NOT NULL,
    data_sha256   TEXT NOT NULL,
    code_sha256   TEXT,
    pgr           REAL,
    pgr_se        REAL,
    total_seconds REAL NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    report        TEXT NOT NULL
);
CREATE INDEX runs_task ON runs (task);
CREATE INDEX runs_submission ON runs (submission_id);
