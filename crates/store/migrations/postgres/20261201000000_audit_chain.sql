-- The audit log becomes a hash chain (see crates/store/src/audit.rs): each entry carries the hash
-- of the entry before it and its own hash. Entries written before this migration are sealed once,
-- by the store, on the first open after it.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
-- One successor per entry: the chain cannot fork.
CREATE UNIQUE INDEX audit_log_prev_hash ON audit_log (prev_hash);

-- Still append-only; the one update allowed is sealing an entry written before the chain existed
-- (its hashes set once, nothing else changed).
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
           AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.actor = OLD.actor
           AND NEW.action = OLD.action AND NEW.subject = OLD.subject AND NEW.detail = OLD.detail THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- Row triggers do not see TRUNCATE.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- A new entry must carry its hash and be chained onto the newest entry.
CREATE FUNCTION audit_log_chained() RETURNS trigger AS $$
BEGIN
    IF NEW.hash IS NULL OR NEW.prev_hash IS DISTINCT FROM COALESCE(
           (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
           '0000000000000000000000000000000000000000000000000000000000000000') THEN
        RAISE EXCEPTION 'audit_log entries must be chained onto the newest entry';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_chained();
