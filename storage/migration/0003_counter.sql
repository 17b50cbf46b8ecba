-- Issue 12: counter mode. The staff directory, the audit log and what the counter adds to an
-- application (the clerk who took it, the identity verification). Times are Unix milliseconds.

-- Staff who may sign in at the counter. pin_hash is argon2id in the PHC format (salt and
-- parameters in it). failures and locked_until make the lockout survive a restart.
CREATE TABLE staff (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	pin_hash     TEXT NOT NULL,
	disabled     INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	failures     INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	changed_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- The audit log: append-only, each entry chained to the one before by its hash (package audit).
-- AUTOINCREMENT keeps the highest sequence number ever given in sqlite_sequence, so deleting the
-- last entries is seen too. The triggers stop the program (and careless hands) from changing or
-- deleting an entry; they do not stop someone who drops them, which the chain is for.
CREATE TABLE audit (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	at      INTEGER NOT NULL,
	kind    TEXT NOT NULL,
	clerk   TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	detail  TEXT NOT NULL DEFAULT '',
	prev    BLOB NOT NULL,
	hash    BLOB NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;

-- A counter application: the clerk and whether identity was verified, in clear for the day
-- report; gone with the application when it is compacted.
CREATE TABLE counter (
	uuid     TEXT PRIMARY KEY REFERENCES applications (uuid) ON DELETE CASCADE,
	clerk    TEXT NOT NULL,
	verified INTEGER NOT NULL CHECK (verified IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX counter_clerk ON counter (clerk);

-- The verification itself (which kinds of document were seen, the combination, who came),
-- sealed like the personal data and removed with it by retention.
CREATE TABLE counter_sealed (
	uuid         TEXT PRIMARY KEY REFERENCES sealed (uuid) ON DELETE CASCADE,
	verification BLOB NOT NULL
) WITHOUT ROWID;
