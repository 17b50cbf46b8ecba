-- Applications confirmed by residents, and their outbox entry for the intake server.
-- Times are Unix milliseconds (UTC). Personal data (form ID, date of birth, options, the photo
-- check's override reason, the photo) is AES-256-GCM ciphertext; only the last 4 digits of
-- the form ID and the receipt number are in clear, for lookup and reprint.

CREATE TABLE meta (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

CREATE TABLE applications (
	uuid             TEXT PRIMARY KEY,
	receipt          TEXT NOT NULL UNIQUE,
	form_id_last4    TEXT NOT NULL CHECK (length(form_id_last4) = 4),
	booth_id         TEXT NOT NULL,
	booth_name       TEXT NOT NULL DEFAULT '',
	lang             TEXT NOT NULL,
	channel          TEXT NOT NULL CHECK (channel IN ('booth', 'counter')),
	card_mailed      INTEGER NOT NULL DEFAULT 0 CHECK (card_mailed IN (0, 1)),
	photo_overridden INTEGER NOT NULL DEFAULT 0 CHECK (photo_overridden IN (0, 1)),
	photo_size       INTEGER NOT NULL,
	created_at       INTEGER NOT NULL,
	purged_at        INTEGER,

	slip_state       TEXT NOT NULL DEFAULT 'not_printed'
	                 CHECK (slip_state IN ('not_printed', 'printed', 'failed')),
	slip_error       TEXT NOT NULL DEFAULT '',
	slip_printed_at  INTEGER,
	slip_reprints    INTEGER NOT NULL DEFAULT 0
);

-- The sealed personal data, apart from the rows that change (slip and sync state), so that
-- state updates never rewrite a photo. Retention deletes the row.
CREATE TABLE sealed (
	uuid     TEXT PRIMARY KEY REFERENCES applications (uuid) ON DELETE CASCADE,
	personal BLOB NOT NULL, -- sealed JSON: form ID, date of birth, options, photo check
	photo    BLOB NOT NULL  -- sealed JPEG
);

CREATE TABLE outbox (
	uuid            TEXT PRIMARY KEY REFERENCES applications (uuid) ON DELETE CASCADE,
	state           TEXT NOT NULL DEFAULT 'pending'
	                CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	last_error_at   INTEGER,
	sent_at         INTEGER
);

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX applications_last4 ON applications (form_id_last4);
