-- The review workflow. Same schema as migrations/sqlite, in PostgreSQL's dialect; keep the two in
-- step. PostgreSQL is team mode, so here the rules also hold against a modified client:
--
-- * Team logins are database roles that are members of `aar_reviewer` (reviewers) or `aar_lead`
--   (leads; a lead is also a reviewer). This migration creates the two group roles when the
--   migrating login may (CREATEROLE); otherwise an administrator creates them (README, "Team
--   mode"). A team login acts as itself: every row it writes must name `session_user`, and its
--   role is its membership, not a row a client could write.
-- * Team logins may read everything and insert; they cannot update, delete, truncate or change
--   the schema, so they cannot drop the triggers below. The schema owner (the login that ran the
--   migrations) is the administrator: it can do anything, and when it acts as a reviewer itself
--   (single-user setups, tests) names and roles come from the client and `reviewers`, as on SQLite.

-- Whether a submission is a new version of its parent (the same method revised by the same
-- author: bundle field `revision`), as opposed to a new method built on it.
ALTER TABLE submissions ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

CREATE TABLE reviewers (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('reviewer', 'lead')),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE votes (
    id              BIGSERIAL PRIMARY KEY,
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    label           TEXT NOT NULL,
    value           BIGINT NOT NULL,
    rationale       TEXT NOT NULL,
    author          TEXT NOT NULL,
    cast_at         TEXT NOT NULL,
    verification_id TEXT REFERENCES verifications (id)
);
CREATE INDEX votes_submission ON votes (submission_id, label, author);

CREATE TABLE signoffs (
    id              BIGSERIAL PRIMARY KEY,
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    lead            TEXT NOT NULL,
    rationale       TEXT NOT NULL,
    signed_at       TEXT NOT NULL,
    verification_id TEXT REFERENCES verifications (id)
);
CREATE INDEX signoffs_submission ON signoffs (submission_id);

CREATE TABLE blind_reviews (
    id            BIGSERIAL PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    requested_by  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    requested_at  TEXT NOT NULL
);

CREATE TABLE comments (
    id              BIGSERIAL PRIMARY KEY,
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    reply_to        BIGINT REFERENCES comments (id),
    anchor_kind     TEXT NOT NULL CHECK (anchor_kind IN ('submission', 'line', 'check')),
    path            TEXT,
    line            BIGINT,
    line_text       TEXT,
    check_id        TEXT,
    verification_id TEXT REFERENCES verifications (id),
    body            TEXT NOT NULL,
    author          TEXT NOT NULL,
    written_at      TEXT NOT NULL
);
CREATE INDEX comments_submission ON comments (submission_id);

CREATE TABLE comment_resolutions (
    id          BIGSERIAL PRIMARY KEY,
    thread_id   BIGINT NOT NULL REFERENCES comments (id),
    resolved    BIGINT NOT NULL CHECK (resolved IN (0, 1)),
    author      TEXT NOT NULL,
    resolved_at TEXT NOT NULL
);

CREATE TABLE flag_feedback (
    id              BIGSERIAL PRIMARY KEY,
    verification_id TEXT NOT NULL REFERENCES verifications (id),
    check_id        TEXT NOT NULL,
    verdict         TEXT NOT NULL CHECK (verdict IN ('true_problem', 'false_alarm')),
    reason          TEXT NOT NULL,
    author          TEXT NOT NULL,
    judged_at       TEXT NOT NULL
);

CREATE VIEW superseded (submission_id) AS
SELECT DISTINCT p.id FROM submissions p JOIN submissions c
    ON c.revision = 1 AND c.author = p.author AND c.id <> p.id
   AND (c.parent_ref = p.source_ref
        OR (length(c.parent_ref) >= 8 AND substr(p.id, 1, length(c.parent_ref)) = c.parent_ref));

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

-- Identity and roles.

-- Whether this connection is a team login (a member of aar_reviewer, directly or through
-- aar_lead). False when the group roles do not exist yet.
CREATE FUNCTION aar_team_login() RETURNS boolean AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aar_reviewer') THEN
        RETURN false;
    END IF;
    RETURN pg_has_role(session_user, 'aar_reviewer', 'MEMBER');
END;
$$ LANGUAGE plpgsql STABLE;

-- Whether `who` may lead: a team login by membership of aar_lead, the administrator by the
-- `reviewers` table.
CREATE FUNCTION aar_is_lead(who text) RETURNS boolean AS $$
BEGIN
    IF aar_team_login() THEN
        RETURN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aar_lead')
           AND pg_has_role(session_user, 'aar_lead', 'MEMBER');
    END IF;
    RETURN EXISTS (SELECT 1 FROM reviewers WHERE name = who AND role = 'lead');
END;
$$ LANGUAGE plpgsql STABLE;

-- A team login writes rows in its own name only: the column named by the trigger's argument
-- must be session_user.
CREATE FUNCTION aar_acts_as_itself() RETURNS trigger AS $$
BEGIN
    IF aar_team_login() AND (to_jsonb(NEW) ->> TG_ARGV[0]) IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'aar:identity: the login % writes as itself, not as %',
            session_user, COALESCE(to_jsonb(NEW) ->> TG_ARGV[0], 'nobody');
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER votes_identity BEFORE INSERT ON votes
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('author');
CREATE TRIGGER signoffs_identity BEFORE INSERT ON signoffs
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('lead');
CREATE TRIGGER blind_reviews_identity BEFORE INSERT ON blind_reviews
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('requested_by');
CREATE TRIGGER comments_identity BEFORE INSERT ON comments
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('author');
CREATE TRIGGER comment_resolutions_identity BEFORE INSERT ON comment_resolutions
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('author');
CREATE TRIGGER flag_feedback_identity BEFORE INSERT ON flag_feedback
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('author');
CREATE TRIGGER submissions_identity BEFORE INSERT ON submissions
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('imported_by');
CREATE TRIGGER verifications_identity BEFORE INSERT ON verifications
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('created_by');
CREATE TRIGGER runs_identity BEFORE INSERT ON runs
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('created_by');
CREATE TRIGGER audit_log_identity BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION aar_acts_as_itself('actor');

-- Rules. Trigger names sort after `*_identity`, so identity is checked first.

CREATE FUNCTION aar_blank(text) RETURNS boolean AS $$
    SELECT btrim($1, E' \t\r\n') = '';
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION votes_rules() RETURNS trigger AS $$
BEGIN
    IF NOT ((NEW.label = 'review' AND NEW.value BETWEEN -2 AND 2)
         OR (NEW.label = 'verified' AND NEW.value BETWEEN -1 AND 1)) THEN
        RAISE EXCEPTION 'aar:vote_out_of_range: Review runs from -2 to +2 and Verified from -1 to +1';
    END IF;
    IF aar_blank(NEW.rationale) THEN
        RAISE EXCEPTION 'aar:missing_rationale: a vote needs a written rationale';
    END IF;
    IF NEW.label = 'review' AND NEW.value = 2
       AND NEW.author = (SELECT imported_by FROM submissions WHERE id = NEW.submission_id) THEN
        RAISE EXCEPTION 'aar:self_approval: nobody approves (+2) a submission they imported';
    END IF;
    IF NEW.verification_id IS DISTINCT FROM
       (SELECT id FROM newest_verification WHERE submission_id = NEW.submission_id) THEN
        RAISE EXCEPTION 'aar:stale_evidence: a vote is cast against the newest verification';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER votes_rules BEFORE INSERT ON votes FOR EACH ROW EXECUTE FUNCTION votes_rules();

CREATE FUNCTION signoffs_rules() RETURNS trigger AS $$
DECLARE
    state review_state%ROWTYPE;
BEGIN
    IF aar_blank(NEW.rationale) THEN
        RAISE EXCEPTION 'aar:missing_rationale: a sign-off needs a written rationale';
    END IF;
    IF NOT aar_is_lead(NEW.lead) THEN
        RAISE EXCEPTION 'aar:not_lead: only a reviewer with the lead role signs off';
    END IF;
    IF NEW.verification_id IS DISTINCT FROM
       (SELECT id FROM newest_verification WHERE submission_id = NEW.submission_id) THEN
        RAISE EXCEPTION 'aar:stale_evidence: a sign-off is made against the newest verification';
    END IF;
    IF NEW.submission_id IN (SELECT submission_id FROM superseded) THEN
        RAISE EXCEPTION 'aar:superseded: a newer version of this submission exists; sign that one off';
    END IF;
    SELECT * INTO state FROM review_state WHERE submission_id = NEW.submission_id;
    IF state.sign_offs > 0 THEN
        RAISE EXCEPTION 'aar:already_signed_off: the submission is already signed off';
    END IF;
    IF state.vetoes > 0 THEN
        RAISE EXCEPTION 'aar:vetoed: a live -2 blocks sign-off until its author lifts it';
    END IF;
    IF state.verified_failures > 0 THEN
        RAISE EXCEPTION 'aar:verified_failed: a live Verified -1 blocks sign-off';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM vote_state x WHERE x.submission_id = NEW.submission_id
                   AND x.stale IS NULL AND x.label = 'review' AND x.value = 2 AND x.author <> NEW.lead) THEN
        RAISE EXCEPTION 'aar:lone_sign_off: a sign-off needs a live +2 from someone other than the lead signing off';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER signoffs_rules BEFORE INSERT ON signoffs FOR EACH ROW EXECUTE FUNCTION signoffs_rules();

CREATE FUNCTION blind_reviews_rules() RETURNS trigger AS $$
BEGIN
    IF NOT aar_is_lead(NEW.requested_by) THEN
        RAISE EXCEPTION 'aar:not_lead: only a reviewer with the lead role asks for a blind review';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER blind_reviews_rules BEFORE INSERT ON blind_reviews
FOR EACH ROW EXECUTE FUNCTION blind_reviews_rules();

CREATE FUNCTION comments_rules() RETURNS trigger AS $$
BEGIN
    IF aar_blank(NEW.body) THEN
        RAISE EXCEPTION 'aar:missing_rationale: a comment needs text';
    END IF;
    IF NEW.reply_to IS NOT NULL AND NOT EXISTS (SELECT 1 FROM comments t WHERE t.id = NEW.reply_to
        AND t.reply_to IS NULL AND t.submission_id = NEW.submission_id) THEN
        RAISE EXCEPTION 'aar:bad_anchor: a reply names the first comment of a thread on the same submission';
    END IF;
    IF NEW.anchor_kind = 'line' AND (NEW.path IS NULL OR NEW.line IS NULL OR NEW.line < 1 OR NEW.line_text IS NULL) THEN
        RAISE EXCEPTION 'aar:bad_anchor: a line comment names a path, a line from 1 and the line''s text';
    END IF;
    IF NEW.anchor_kind = 'check' AND (NEW.check_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM verifications v WHERE v.id = NEW.verification_id AND v.submission_id = NEW.submission_id)) THEN
        RAISE EXCEPTION 'aar:bad_anchor: a check comment names a check of a verification of the same submission';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER comments_rules BEFORE INSERT ON comments FOR EACH ROW EXECUTE FUNCTION comments_rules();

CREATE FUNCTION comment_resolutions_rules() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM comments t WHERE t.id = NEW.thread_id AND t.reply_to IS NULL) THEN
        RAISE EXCEPTION 'aar:bad_anchor: only a thread (its first comment) is resolved';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER comment_resolutions_rules BEFORE INSERT ON comment_resolutions
FOR EACH ROW EXECUTE FUNCTION comment_resolutions_rules();

CREATE FUNCTION flag_feedback_rules() RETURNS trigger AS $$
BEGIN
    IF aar_blank(NEW.reason) THEN
        RAISE EXCEPTION 'aar:missing_rationale: a flag judgement needs a written reason';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM verifications v WHERE v.id = NEW.verification_id
        AND (position('"' || NEW.check_id || '"' IN v.failed_checks) > 0
             OR position('"' || NEW.check_id || '"' IN v.warned_checks) > 0)) THEN
        RAISE EXCEPTION 'aar:bad_anchor: only a check the verification failed or warned on is judged';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER flag_feedback_rules BEFORE INSERT ON flag_feedback
FOR EACH ROW EXECUTE FUNCTION flag_feedback_rules();

-- Nothing is edited or deleted, only superseded.
CREATE FUNCTION aar_review_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'aar:append_only: % rows are never edited or deleted, only superseded', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER votes_no_change BEFORE UPDATE OR DELETE ON votes
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER votes_no_truncate BEFORE TRUNCATE ON votes
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER signoffs_no_change BEFORE UPDATE OR DELETE ON signoffs
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER signoffs_no_truncate BEFORE TRUNCATE ON signoffs
FOR EACH STATEMENT EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER blind_reviews_no_change BEFORE UPDATE OR DELETE ON blind_reviews
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER comments_no_change BEFORE UPDATE OR DELETE ON comments
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER comment_resolutions_no_change BEFORE UPDATE OR DELETE ON comment_resolutions
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();
CREATE TRIGGER flag_feedback_no_change BEFORE UPDATE OR DELETE ON flag_feedback
FOR EACH ROW EXECUTE FUNCTION aar_review_append_only();

-- The group roles, and what team logins may do: read everything, insert (import, run, verify,
-- vote, comment), never update, delete or change the schema; `reviewers` (the administrator's
-- own roles) stays the owner's.
DO $$
BEGIN
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aar_reviewer') THEN
            CREATE ROLE aar_reviewer NOLOGIN;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aar_lead') THEN
            CREATE ROLE aar_lead NOLOGIN IN ROLE aar_reviewer;
        END IF;
    EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
        RAISE NOTICE 'aar-review: the roles aar_reviewer and aar_lead were not created here (%): see README, Team mode', SQLERRM;
    END;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aar_reviewer') THEN
        EXECUTE 'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO aar_reviewer';
        EXECUTE 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO aar_reviewer';
        EXECUTE 'REVOKE INSERT ON reviewers, _sqlx_migrations FROM aar_reviewer';
        EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO aar_reviewer';
        EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO aar_reviewer';
    END IF;
END;
$$;
