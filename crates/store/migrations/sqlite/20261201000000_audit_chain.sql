-- The audit log becomes a hash chain (see crates/store/src/audit.rs): each entry carries the hash
-- of the entry before it and its own hash. Entries written before this migration are sealed once,
-- by the store, on the first open after it.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
-- One successor per entry: the chain cannot fork.
CREATE UNIQUE INDEX audit_log_prev_hash ON audit_log (prev_hash);

-- Still append-only; the one update allowed is sealing an entry written before the chain existed
-- (its hashes set once, nothing else changed).
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
          AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.actor = OLD.actor
          AND NEW.action = OLD.action AND NEW.subject = OLD.subject AND NEW.detail = OLD.detail)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- INSERT OR REPLACE deletes the old row without firing delete triggers: refuse any insert that
-- reuses an entry's number.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be replaced'); END;

-- A new entry must carry its hash and be chained onto the newest entry.
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
WHEN NEW.hash IS NULL
  OR NEW.prev_hash IS NOT COALESCE(
       (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
       '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'audit_log entries must be chained onto the newest entry'); END;
