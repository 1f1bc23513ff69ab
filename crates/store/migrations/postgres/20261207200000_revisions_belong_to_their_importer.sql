-- Revisions belong to their lineage's importer. A bundle that says it revises another (`revision`,
-- naming its parent) was taken as a new version whenever the self-declared `author` matched, so
-- anyone could import a "newer version" of another agent's submission and send a signed-off
-- submission back to review. A newer version now continues an older one only when the same
-- login imported both (in team mode the database login; the administrator may import as anyone);
-- from anyone else it is a new submission that names its parent, and the older one's votes and
-- sign-off stand.

CREATE OR REPLACE VIEW superseded (submission_id) AS
SELECT DISTINCT p.id FROM submissions p JOIN submissions c
    ON c.revision = 1 AND c.author = p.author AND c.imported_by = p.imported_by AND c.id <> p.id
   AND (c.parent_ref = p.source_ref
        OR (length(c.parent_ref) >= 8 AND substr(p.id, 1, length(c.parent_ref)) = c.parent_ref));

CREATE OR REPLACE VIEW submission_versions (submission_id, version_id) AS
WITH RECURSIVE chain (submission_id, version_id) AS (
    SELECT id, id FROM submissions
    UNION
    SELECT chain.submission_id, p.id
    FROM chain
    JOIN submissions v ON v.id = chain.version_id
    JOIN submissions p ON v.revision = 1 AND p.author = v.author AND p.imported_by = v.imported_by AND p.id <> v.id
     AND (v.parent_ref = p.source_ref
          OR (length(v.parent_ref) >= 8 AND substr(p.id, 1, length(v.parent_ref)) = v.parent_ref))
)
SELECT submission_id, version_id FROM chain;
