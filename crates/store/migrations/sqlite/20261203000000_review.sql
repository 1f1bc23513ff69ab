-- The review workflow: votes, sign-offs, blind-review requests, comments and flag feedback.
-- Same schema as migrations/postgres, in SQLite's dialect. Keep the two in step.
--
-- The rules a team lead relies on live here, in the database, so no client can get around them:
-- triggers refuse a vote out of range or without a rationale, a self-approval, a sign-off by
-- someone who is not a lead or without another person's live +2, and any edit or deletion.
-- Refusals start with `aar:<rule>:`, the names of `ReviewRule` in review-schemas, which the store
-- turns into a typed error. On SQLite (one workstation) the acting name is the configured
-- reviewer name and roles live in `reviewers`.

-- Whether a submission is a new version of its parent (the same method revised by the same
-- author: bundle field `revision`), as opposed to a new method built on it.
ALTER TABLE submissions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- Who may lead. On PostgreSQL team logins take their role from the database roles instead.
CREATE TABLE reviewers (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('reviewer', 'lead')),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE votes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    label           TEXT NOT NULL,
    value           INTEGER NOT NULL,
    rationale       TEXT NOT NULL,
    author          TEXT NOT NULL,
    cast_at         TEXT NOT NULL,
    -- The newest verification when the vote was cast: a newer one that suggests differently
    -- makes the vote stale.
    verification_id TEXT REFERENCES verifications (id)
);
CREATE INDEX votes_submission ON votes (submission_id, label, author);

CREATE TABLE signoffs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    lead            TEXT NOT NULL,
    rationale       TEXT NOT NULL,
    signed_at       TEXT NOT NULL,
    verification_id TEXT REFERENCES verifications (id)
);
CREATE INDEX signoffs_submission ON signoffs (submission_id);

-- A lead's request that the next reviewer vote without seeing the votes already cast.
CREATE TABLE blind_reviews (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    requested_by  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    requested_at  TEXT NOT NULL
);

-- A thread is its first comment (reply_to NULL) and the replies naming it. `anchor_kind` is
-- submission, line (path, line, line_text: the line's text, so the comment can follow it into a
-- later version while it is unchanged) or check (check_id of verification_id).
CREATE TABLE comments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    reply_to        INTEGER REFERENCES comments (id),
    anchor_kind     TEXT NOT NULL CHECK (anchor_kind IN ('submission', 'line', 'check')),
    path            TEXT,
    line            INTEGER,
    line_text       TEXT,
    check_id        TEXT,
    verification_id TEXT REFERENCES verifications (id),
    body            TEXT NOT NULL,
    author          TEXT NOT NULL,
    written_at      TEXT NOT NULL
);
CREATE INDEX comments_submission ON comments (submission_id);

-- A thread is resolved or reopened by appending; the newest row wins.
CREATE TABLE comment_resolutions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id   INTEGER NOT NULL REFERENCES comments (id),
    resolved    INTEGER NOT NULL CHECK (resolved IN (0, 1)),
    author      TEXT NOT NULL,
    resolved_at TEXT NOT NULL
);

-- "True problem" or "false alarm" on one flagged check of one verification; the newest judgement
-- per submission and check is what the precision of a check counts.
CREATE TABLE flag_feedback (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    verification_id TEXT NOT NULL REFERENCES verifications (id),
    check_id        TEXT NOT NULL,
    verdict         TEXT NOT NULL CHECK (verdict IN ('true_problem', 'false_alarm')),
    reason          TEXT NOT NULL,
    author          TEXT NOT NULL,
    judged_at       TEXT NOT NULL
);

-- Derived state. Versions: a child marked as a revision, by the same author, continues its
-- parent; any other child is derived work and leaves the parent's votes alone.
CREATE VIEW superseded (submission_id) AS
SELECT DISTINCT p.id FROM submissions p JOIN submissions c
    ON c.revision = 1 AND c.author = p.author AND c.id <> p.id
   AND (c.parent_ref = p.source_ref
        OR (length(c.parent_ref) >= 8 AND substr(p.id, 1, length(c.parent_ref)) = c.parent_ref));

-- Each submission with itself and every earlier version it continues.
CREATE VIEW submission_versions (submission_id, version_id) AS
WITH RECURSIVE chain (submission_id, version_id) AS (
    SELECT id, id FROM submissions
    UNION
    SELECT chain.submission_id, p.id
    FROM chain
    JOIN submissions v ON v.id = chain.version_id
    JOIN submissions p ON v.revision = 1 AND p.author = v.author AND p.id <> v.id
     AND (v.parent_ref = p.source_ref
          OR (length(v.parent_ref) >= 8 AND substr(p.id, 1, length(v.parent_ref)) = v.parent_ref))
)
SELECT submission_id, version_id FROM chain;

CREATE VIEW newest_verification (submission_id, id, suggestion) AS
SELECT v.submission_id, v.id, v.suggestion FROM verifications v
WHERE NOT EXISTS (SELECT 1 FROM verifications w WHERE w.submission_id = v.submission_id
                  AND (w.finished_at > v.finished_at OR (w.finished_at = v.finished_at AND w.id > v.id)));

-- Every vote with why it no longer counts (NULL: it counts). A veto stands until its author lifts
-- it: neither new evidence nor a new version makes it stale.
CREATE VIEW vote_state AS
SELECT v.id, v.submission_id, v.label, v.value, v.rationale, v.author, v.cast_at, v.verification_id,
    CASE
        WHEN EXISTS (SELECT 1 FROM votes n WHERE n.submission_id = v.submission_id
                     AND n.label = v.label AND n.author = v.author AND n.id > v.id) THEN 'replaced'
        WHEN v.label = 'review' AND v.value = -2 THEN NULL
        WHEN v.submission_id IN (SELECT submission_id FROM superseded) THEN 'new_version'
        WHEN COALESCE((SELECT w.suggestion FROM verifications w WHERE w.id = v.verification_id), '')
          <> COALESCE((SELECT n.suggestion FROM newest_verification n WHERE n.submission_id = v.submission_id), '')
            THEN 'new_verification'
    END AS stale
FROM votes v;

CREATE VIEW signoff_state AS
SELECT s.id, s.submission_id, s.lead, s.rationale, s.signed_at, s.verification_id,
    CASE
        WHEN s.submission_id IN (SELECT submission_id FROM superseded) THEN 'new_version'
        WHEN COALESCE((SELECT w.suggestion FROM verifications w WHERE w.id = s.verification_id), '')
          <> COALESCE((SELECT n.suggestion FROM newest_verification n WHERE n.submission_id = s.submission_id), '')
            THEN 'new_verification'
    END AS stale
FROM signoffs s;

-- What a submission's status is derived from (see aar_domain::review::status). A veto counts when
-- its author's newest Review vote on this submission or any earlier version of it is -2.
CREATE VIEW review_state AS
SELECT s.id AS submission_id, s.imported_by,
    (SELECT COUNT(*) FROM vote_state x WHERE x.submission_id = s.id AND x.stale IS NULL
        AND x.label = 'review' AND x.value = 2) AS approvals,
    (SELECT COUNT(*) FROM votes x
        JOIN submission_versions sv ON sv.version_id = x.submission_id AND sv.submission_id = s.id
        WHERE x.label = 'review' AND x.value = -2 AND NOT EXISTS (
            SELECT 1 FROM votes n
            JOIN submission_versions sn ON sn.version_id = n.submission_id AND sn.submission_id = s.id
            WHERE n.label = 'review' AND n.author = x.author AND n.id > x.id)) AS vetoes,
    (SELECT COUNT(*) FROM vote_state x WHERE x.submission_id = s.id AND x.stale IS NULL
        AND x.label = 'verified' AND x.value = -1) AS verified_failures,
    (SELECT COUNT(*) FROM votes x WHERE x.submission_id = s.id)
        + (SELECT COUNT(*) FROM comments c WHERE c.submission_id = s.id) AS records,
    (SELECT COUNT(*) FROM signoff_state x WHERE x.submission_id = s.id AND x.stale IS NULL) AS sign_offs
FROM submissions s;

-- Rules.
CREATE TRIGGER votes_rules BEFORE INSERT ON votes
BEGIN
    SELECT RAISE(ABORT, 'aar:append_only: a vote cannot be replaced')
    WHERE EXISTS (SELECT 1 FROM votes WHERE id = NEW.id);
    SELECT RAISE(ABORT, 'aar:vote_out_of_range: Review runs from -2 to +2 and Verified from -1 to +1')
    WHERE NOT ((NEW.label = 'review' AND NEW.value BETWEEN -2 AND 2)
            OR (NEW.label = 'verified' AND NEW.value BETWEEN -1 AND 1));
    SELECT RAISE(ABORT, 'aar:missing_rationale: a vote needs a written rationale')
    WHERE trim(NEW.rationale, ' ' || char(9) || char(10) || char(13)) = '';
    SELECT RAISE(ABORT, 'aar:self_approval: nobody approves (+2) a submission they imported')
    WHERE NEW.label = 'review' AND NEW.value = 2
      AND NEW.author = (SELECT imported_by FROM submissions WHERE id = NEW.submission_id);
    SELECT RAISE(ABORT, 'aar:stale_evidence: a vote is cast against the newest verification')
    WHERE NEW.verification_id IS NOT (SELECT id FROM newest_verification WHERE submission_id = NEW.submission_id);
END;

CREATE TRIGGER signoffs_rules BEFORE INSERT ON signoffs
BEGIN
    SELECT RAISE(ABORT, 'aar:append_only: a sign-off cannot be replaced')
    WHERE EXISTS (SELECT 1 FROM signoffs WHERE id = NEW.id);
    SELECT RAISE(ABORT, 'aar:missing_rationale: a sign-off needs a written rationale')
    WHERE trim(NEW.rationale, ' ' || char(9) || char(10) || char(13)) = '';
    SELECT RAISE(ABORT, 'aar:not_lead: only a reviewer with the lead role signs off')
    WHERE NOT EXISTS (SELECT 1 FROM reviewers WHERE name = NEW.lead AND role = 'lead');
    SELECT RAISE(ABORT, 'aar:stale_evidence: a sign-off is made against the newest verification')
    WHERE NEW.verification_id IS NOT (SELECT id FROM newest_verification WHERE submission_id = NEW.submission_id);
    SELECT RAISE(ABORT, 'aar:superseded: a newer version of this submission exists; sign that one off')
    WHERE NEW.submission_id IN (SELECT submission_id FROM superseded);
    SELECT RAISE(ABORT, 'aar:already_signed_off: the submission is already signed off')
    WHERE (SELECT sign_offs FROM review_state WHERE submission_id = NEW.submission_id) > 0;
    SELECT RAISE(ABORT, 'aar:vetoed: a live -2 blocks sign-off until its author lifts it')
    WHERE (SELECT vetoes FROM review_state WHERE submission_id = NEW.submission_id) > 0;
    SELECT RAISE(ABORT, 'aar:verified_failed: a live Verified -1 blocks sign-off')
    WHERE (SELECT verified_failures FROM review_state WHERE submission_id = NEW.submission_id) > 0;
    SELECT RAISE(ABORT, 'aar:lone_sign_off: a sign-off needs a live +2 from someone other than the lead signing off')
    WHERE NOT EXISTS (SELECT 1 FROM vote_state x WHERE x.submission_id = NEW.submission_id
                      AND x.stale IS NULL AND x.label = 'review' AND x.value = 2 AND x.author <> NEW.lead);
END;

CREATE TRIGGER blind_reviews_rules BEFORE INSERT ON blind_reviews
BEGIN
    SELECT RAISE(ABORT, 'aar:append_only: a request cannot be replaced')
    WHERE EXISTS (SELECT 1 FROM blind_reviews WHERE id = NEW.id);
    SELECT RAISE(ABORT, 'aar:not_lead: only a reviewer with the lead role asks for a blind review')
    WHERE NOT EXISTS (SELECT 1 FROM reviewers WHERE name = NEW.requested_by AND role = 'lead');
END;

CREATE TRIGGER comments_rules BEFORE INSERT ON comments
BEGIN
    SELECT RAISE(ABORT, 'aar:append_only: a comment cannot be replaced')
    WHERE EXISTS (SELECT 1 FROM comments WHERE id = NEW.id);
    SELECT RAISE(ABORT, 'aar:missing_rationale: a comment needs text')
    WHERE trim(NEW.body, ' ' || char(9) || char(10) || char(13)) = '';
    SELECT RAISE(ABORT, 'aar:bad_anchor: a reply names the first comment of a thread on the same submission')
    WHERE NEW.reply_to IS NOT NULL AND NOT EXISTS (SELECT 1 FROM comments t WHERE t.id = NEW.reply_to
        AND t.reply_to IS NULL AND t.submission_id = NEW.submission_id);
    SELECT RAISE(ABORT, 'aar:bad_anchor: a line comment names a path, a line from 1 and the line''s text')
    WHERE NEW.anchor_kind = 'line' AND (NEW.path IS NULL OR NEW.line IS NULL OR NEW.line < 1 OR NEW.line_text IS NULL);
    SELECT RAISE(ABORT, 'aar:bad_anchor: a check comment names a check of a verification of the same submission')
    WHERE NEW.anchor_kind = 'check' AND (NEW.check_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM verifications v WHERE v.id = NEW.verification_id AND v.submission_id = NEW.submission_id));
END;

CREATE TRIGGER comment_resolutions_rules BEFORE INSERT ON comment_resolutions
BEGIN
    SELECT RAISE(ABORT, 'aar:append_only: a resolution cannot be replaced')
    WHERE EXISTS (SELECT 1 FROM comment_resolutions WHERE id = NEW.id);
    SELECT RAISE(ABORT, 'aar:bad_anchor: only a thread (its first comment) is resolved')
    WHERE NOT EXISTS (SELECT 1 FROM comments t WHERE t.id = NEW.thread_id AND t.reply_to IS NULL);
END;

CREATE TRIGGER flag_feedback_rules BEFORE INSERT ON flag_feedback
BEGIN
    SELECT RAISE(ABORT, 'aar:append_only: a judgement cannot be replaced')
    WHERE EXISTS (SELECT 1 FROM flag_feedback WHERE id = NEW.id);
    SELECT RAISE(ABORT, 'aar:missing_rationale: a flag judgement needs a written reason')
    WHERE trim(NEW.reason, ' ' || char(9) || char(10) || char(13)) = '';
    SELECT RAISE(ABORT, 'aar:bad_anchor: only a check the verification failed or warned on is judged')
    WHERE NOT EXISTS (SELECT 1 FROM verifications v WHERE v.id = NEW.verification_id
        AND (instr(v.failed_checks, '"' || NEW.check_id || '"') > 0
             OR instr(v.warned_checks, '"' || NEW.check_id || '"') > 0));
END;

-- Nothing is edited or deleted, only superseded (reviewers is settings: roles change, audited).
CREATE TRIGGER votes_no_update BEFORE UPDATE ON votes
BEGIN SELECT RAISE(ABORT, 'aar:append_only: votes are never edited'); END;
CREATE TRIGGER votes_no_delete BEFORE DELETE ON votes
BEGIN SELECT RAISE(ABORT, 'aar:append_only: votes are never deleted'); END;
CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs
BEGIN SELECT RAISE(ABORT, 'aar:append_only: sign-offs are never edited'); END;
CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs
BEGIN SELECT RAISE(ABORT, 'aar:append_only: sign-offs are never deleted'); END;
CREATE TRIGGER blind_reviews_no_update BEFORE UPDATE ON blind_reviews
BEGIN SELECT RAISE(ABORT, 'aar:append_only: blind-review requests are never edited'); END;
CREATE TRIGGER blind_reviews_no_delete BEFORE DELETE ON blind_reviews
BEGIN SELECT RAISE(ABORT, 'aar:append_only: blind-review requests are never deleted'); END;
CREATE TRIGGER comments_no_update BEFORE UPDATE ON comments
BEGIN SELECT RAISE(ABORT, 'aar:append_only: comments are never edited'); END;
CREATE TRIGGER comments_no_delete BEFORE DELETE ON comments
BEGIN SELECT RAISE(ABORT, 'aar:append_only: comments are never deleted'); END;
CREATE TRIGGER comment_resolutions_no_update BEFORE UPDATE ON comment_resolutions
BEGIN SELECT RAISE(ABORT, 'aar:append_only: resolutions are never edited'); END;
CREATE TRIGGER comment_resolutions_no_delete BEFORE DELETE ON comment_resolutions
BEGIN SELECT RAISE(ABORT, 'aar:append_only: resolutions are never deleted'); END;
CREATE TRIGGER flag_feedback_no_update BEFORE UPDATE ON flag_feedback
BEGIN SELECT RAISE(ABORT, 'aar:append_only: flag judgements are never edited'); END;
CREATE TRIGGER flag_feedback_no_delete BEFORE DELETE ON flag_feedback
BEGIN SELECT RAISE(ABORT, 'aar:append_only: flag judgements are never deleted'); END;
