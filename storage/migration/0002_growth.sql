-- Issue 16: the queue stays fast as it grows (100,000 applications on one booth). Every query
-- that runs often (the operator screen, `idbooth queue`, the sync worker, the purge) is
-- answered by an index or a counter instead of a pass over the whole queue. Runs in one
-- transaction; it adds and fills, it changes no application.

-- The outbox keeps a copy of its application's creation time and whether retention removed the
-- personal data: a query that filters on the outbox and orders by creation (List by state, the
-- oldest unsent, compaction) or finds the sent entries still to purge can then walk one index
-- of one table. created_at never changes; purged changes with applications.purged_at (Purge).
ALTER TABLE outbox ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN purged INTEGER NOT NULL DEFAULT 0 CHECK (purged IN (0, 1));
UPDATE outbox SET
	created_at = (SELECT a.created_at FROM applications a WHERE a.uuid = outbox.uuid),
	purged = (SELECT a.purged_at IS NOT NULL FROM applications a WHERE a.uuid = outbox.uuid);

-- The old (state, next_attempt_at) index made ClaimDue read and sort every waiting entry; this
-- one holds only the entries still to send, in the order they are claimed. state is in it too
-- so that Stats counts due entries from the index alone (SQLite checks the state term even on
-- a partial index that implies it).
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at, uuid, state) WHERE state IN ('pending', 'sending');
-- List by state (newest first, pages by (created_at, uuid)), Requeue, ResetSending, the oldest
-- unsent, compaction.
CREATE INDEX outbox_state ON outbox (state, created_at, uuid);
-- Purge: sent entries whose personal data is still there, oldest sent first.
CREATE INDEX outbox_purge ON outbox (sent_at) WHERE state = 'sent' AND purged = 0;
-- Stats: the last sending and the last error.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_error ON outbox (last_error_at) WHERE last_error <> '';
-- List newest first, all of them or from a date; by the last 4 digits, newest first.
CREATE INDEX applications_created ON applications (created_at, uuid);
DROP INDEX applications_last4;
CREATE INDEX applications_last4 ON applications (form_id_last4, created_at, uuid);

-- Applications compacted after CompactAfter: sent, their personal data long removed, only
-- counted. One row per day (in Japan) and booth; nothing personal.
CREATE TABLE daily (
	day              TEXT NOT NULL,    -- YYYY-MM-DD in JST, of the application's creation
	booth_id         TEXT NOT NULL,
	applications     INTEGER NOT NULL, -- all compacted applications of the day
	counter          INTEGER NOT NULL, -- of them taken at a counter (the others at the booth)
	card_mailed      INTEGER NOT NULL,
	photo_overridden INTEGER NOT NULL,
	slips_printed    INTEGER NOT NULL, -- applications whose slip was printed at least once
	slip_reprints    INTEGER NOT NULL,
	send_attempts    INTEGER NOT NULL,
	PRIMARY KEY (day, booth_id)
) WITHOUT ROWID;

-- Stats' counts, kept exact by the triggers below in the same transaction as every change, so
-- that Stats reads six rows instead of counting the queue. name is a sync state, 'purged'
-- (outbox rows whose personal data is removed) or 'compacted' (the sum of daily.applications).
CREATE TABLE queue_counts (
	name TEXT PRIMARY KEY,
	n    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO queue_counts (name, n)
	SELECT s, (SELECT COUNT(*) FROM outbox WHERE state = s)
	FROM (SELECT 'pending' AS s UNION ALL SELECT 'sending' UNION ALL SELECT 'sent' UNION ALL SELECT 'failed');
INSERT INTO queue_counts (name, n) VALUES ('purged', (SELECT COUNT(*) FROM outbox WHERE purged = 1)), ('compacted', 0);

CREATE TRIGGER queue_counts_insert AFTER INSERT ON outbox BEGIN
	UPDATE queue_counts SET n = n + 1 WHERE name = NEW.state;
	UPDATE queue_counts SET n = n + 1 WHERE name = 'purged' AND NEW.purged = 1;
END;
CREATE TRIGGER queue_counts_delete AFTER DELETE ON outbox BEGIN
	UPDATE queue_counts SET n = n - 1 WHERE name = OLD.state;
	UPDATE queue_counts SET n = n - 1 WHERE name = 'purged' AND OLD.purged = 1;
END;
CREATE TRIGGER queue_counts_state AFTER UPDATE OF state ON outbox WHEN OLD.state <> NEW.state BEGIN
	UPDATE queue_counts SET n = n - 1 WHERE name = OLD.state;
	UPDATE queue_counts SET n = n + 1 WHERE name = NEW.state;
END;
CREATE TRIGGER queue_counts_purged AFTER UPDATE OF purged ON outbox WHEN OLD.purged <> NEW.purged BEGIN
	UPDATE queue_counts SET n = n + NEW.purged - OLD.purged WHERE name = 'purged';
END;
CREATE TRIGGER queue_counts_daily_insert AFTER INSERT ON daily BEGIN
	UPDATE queue_counts SET n = n + NEW.applications WHERE name = 'compacted';
END;
CREATE TRIGGER queue_counts_daily_update AFTER UPDATE OF applications ON daily BEGIN
	UPDATE queue_counts SET n = n + NEW.applications - OLD.applications WHERE name = 'compacted';
END;
CREATE TRIGGER queue_counts_daily_delete AFTER DELETE ON daily BEGIN
	UPDATE queue_counts SET n = n - OLD.applications WHERE name = 'compacted';
END;
