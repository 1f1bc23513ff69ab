-- Reads keep working for everyone after any insert a team login can make. The store decodes what
-- it reads (a submission id is a sha256, a language or a split is one of a closed set, seeds are
-- a JSON list of u64), and one undecodable row stopped every `list`, `runs` and export for every
-- login; a team login could insert one with raw SQL. Each table a team login inserts into now
-- refuses a row its readers cannot decode. NOT VALID: rows stored before are not re-checked.
-- The closed sets are the Rust enums' (`MethodLanguage`, `FileRole`, `EvalSplit`, `Backend`,
-- `CheckId`); a store test fails when one of them gains a value these do not list.

-- A JSON list of whole numbers from 0 to u64::MAX, as serde writes a `Vec<u64>`.
CREATE FUNCTION aar_u64_list(list text) RETURNS boolean AS $$
    SELECT pg_catalog.jsonb_typeof(list::jsonb) = 'array' AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.jsonb_array_elements(list::jsonb) e
        WHERE NOT (e::text ~ '^[0-9]{1,20}$') OR (e::text)::numeric > 18446744073709551615);
$$ LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp;

ALTER TABLE submissions ADD CONSTRAINT submissions_readable CHECK (
    id ~ '^[0-9a-fA-F]{64}$' AND method_language IN ('rhai', 'python') AND revision IN (0, 1)) NOT VALID;
ALTER TABLE submission_files ADD CONSTRAINT submission_files_readable CHECK (
    role IN ('manifest', 'method', 'source', 'log') AND digest ~ '^[0-9a-fA-F]{64}$') NOT VALID;
ALTER TABLE claims ADD CONSTRAINT claims_readable CHECK (aar_u64_list(seeds)) NOT VALID;
ALTER TABLE runs ADD CONSTRAINT runs_readable CHECK (
    eval_split IN ('dev', 'test', 'private') AND backend IN ('flex', 'wgpu') AND aar_u64_list(seeds)
    AND pg_catalog.jsonb_typeof(report::jsonb) = 'object') NOT VALID;
ALTER TABLE comments ADD CONSTRAINT comments_readable CHECK (
    (line IS NULL OR line BETWEEN 1 AND 4294967295)
    AND (check_id IS NULL OR check_id IN ('reproduction', 'teacher_ablation', 'significance', 'generalisation',
        'seeds', 'dev_vs_private', 'sandbox', 'claim_consistency', 'negative_control'))) NOT VALID;
