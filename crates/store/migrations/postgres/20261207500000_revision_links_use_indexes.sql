-- The queue at team scale. Which submission continues which (`superseded`, `submission_versions`)
-- was a self-join of `submissions` on `parent_ref = source_ref OR <parent_ref is a prefix of
-- id>`; the OR kept every index out, so every queue load compared all pairs of submissions, and
-- at 10,000 submissions the review tallies took seconds. The link is now one view of two
-- indexable joins: on `source_ref`, and on the first 8 characters of the id (a parent named by
-- id prefix has at least 8), then the exact prefix. The rule is the same as before (same author,
-- same importer, marked a revision). Same views as migrations/sqlite.

CREATE INDEX submissions_id_head ON submissions (substr(id, 1, 8));
CREATE INDEX submissions_parent_head ON submissions (substr(parent_ref, 1, 8));
CREATE INDEX submissions_revisions ON submissions (revision, parent_ref);

CREATE VIEW revision_links (version_id, previous_id) AS
SELECT c.id, p.id FROM submissions c JOIN submissions p ON p.source_ref = c.parent_ref
WHERE c.revision = 1 AND p.author = c.author AND p.imported_by = c.imported_by AND p.id <> c.id
UNION
SELECT c.id, p.id FROM submissions c JOIN submissions p ON substr(p.id, 1, 8) = substr(c.parent_ref, 1, 8)
WHERE c.revision = 1 AND length(c.parent_ref) >= 8 AND substr(p.id, 1, length(c.parent_ref)) = c.parent_ref
  AND p.author = c.author AND p.imported_by = c.imported_by AND p.id <> c.id;

CREATE OR REPLACE VIEW superseded (submission_id) AS
SELECT DISTINCT previous_id FROM revision_links;

CREATE OR REPLACE VIEW submission_versions (submission_id, version_id) AS
WITH RECURSIVE chain (submission_id, version_id) AS (
    SELECT id, id FROM submissions
    UNION
    SELECT chain.submission_id, l.previous_id
    FROM chain JOIN revision_links l ON l.version_id = chain.version_id
)
SELECT submission_id, version_id FROM chain;
