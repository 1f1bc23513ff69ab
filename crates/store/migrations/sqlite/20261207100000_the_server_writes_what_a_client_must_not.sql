-- What a verdict rests on is never rewritten. `INSERT OR REPLACE` deletes the row it replaces
-- without firing delete triggers, so a raw `INSERT OR REPLACE INTO verifications` rewrote a report
-- (and the audit chain, which records that a verification was stored but not its bytes, still
-- verified). Each table of stored evidence now refuses a replacement, an edit and a deletion, as
-- the review tables and the audit log already did. (A stored file may be inserted again with the
-- same bytes: imports share files, and skip one that is there.)
--
-- This holds against a client that goes around the store, not against someone who can drop the
-- triggers of the file: a local SQLite database is on trust (README, "Team mode" is PostgreSQL).

CREATE TRIGGER blobs_no_replace BEFORE INSERT ON blobs
WHEN EXISTS (SELECT 1 FROM blobs WHERE digest = NEW.digest AND content IS NOT NEW.content)
BEGIN SELECT RAISE(ABORT, 'aar:append_only: a stored file''s bytes cannot be replaced'); END;
CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
BEGIN SELECT RAISE(ABORT, 'aar:append_only: blobs rows are never edited'); END;
CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
BEGIN SELECT RAISE(ABORT, 'aar:append_only: blobs rows are never deleted'); END;
CREATE TRIGGER submissions_no_replace BEFORE INSERT ON submissions
WHEN EXISTS (SELECT 1 FROM submissions WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'aar:append_only: a submission cannot be replaced'); END;
CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'aar:append_only: submissions rows are never edited'); END;
CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'aar:append_only: submissions rows are never deleted'); END;
CREATE TRIGGER submission_files_no_replace BEFORE INSERT ON submission_files
WHEN EXISTS (SELECT 1 FROM submission_files WHERE submission_id = NEW.submission_id AND path = NEW.path)
BEGIN SELECT RAISE(ABORT, 'aar:append_only: a submission''s file cannot be replaced'); END;
CREATE TRIGGER submission_files_no_update BEFORE UPDATE ON submission_files
BEGIN SELECT RAISE(ABORT, 'aar:append_only: submission_files rows are never edited'); END;
CREATE TRIGGER submission_files_no_delete BEFORE DELETE ON submission_files
BEGIN SELECT RAISE(ABORT, 'aar:append_only: submission_files rows are never deleted'); END;
CREATE TRIGGER claims_no_replace BEFORE INSERT ON claims
WHEN EXISTS (SELECT 1 FROM claims WHERE submission_id = NEW.submission_id AND position = NEW.position)
BEGIN SELECT RAISE(ABORT, 'aar:append_only: a claim cannot be replaced'); END;
CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
BEGIN SELECT RAISE(ABORT, 'aar:append_only: claims rows are never edited'); END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN SELECT RAISE(ABORT, 'aar:append_only: claims rows are never deleted'); END;
CREATE TRIGGER runs_no_replace BEFORE INSERT ON runs
WHEN EXISTS (SELECT 1 FROM runs WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'aar:append_only: a run cannot be replaced'); END;
CREATE TRIGGER runs_no_update BEFORE UPDATE ON runs
BEGIN SELECT RAISE(ABORT, 'aar:append_only: runs rows are never edited'); END;
CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
BEGIN SELECT RAISE(ABORT, 'aar:append_only: runs rows are never deleted'); END;
CREATE TRIGGER verifications_no_replace BEFORE INSERT ON verifications
WHEN EXISTS (SELECT 1 FROM verifications WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'aar:append_only: a verification cannot be replaced'); END;
CREATE TRIGGER verification_runs_no_replace BEFORE INSERT ON verification_runs
WHEN EXISTS (SELECT 1 FROM verification_runs WHERE verification_id = NEW.verification_id AND run_id = NEW.run_id AND role = NEW.role)
BEGIN SELECT RAISE(ABORT, 'aar:append_only: a verification''s run cannot be replaced'); END;
CREATE TRIGGER verification_runs_no_update BEFORE UPDATE ON verification_runs
BEGIN SELECT RAISE(ABORT, 'aar:append_only: verification_runs rows are never edited'); END;
CREATE TRIGGER verification_runs_no_delete BEFORE DELETE ON verification_runs
BEGIN SELECT RAISE(ABORT, 'aar:append_only: verification_runs rows are never deleted'); END;
