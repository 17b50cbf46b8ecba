-- Booths with their own token (idbooth-intake booth add), and each booth's latest status report.
CREATE TABLE booths (
	id           TEXT PRIMARY KEY,
	token_sha256 TEXT NOT NULL UNIQUE,
	added_at     TIMESTAMPTZ NOT NULL,
	revoked_at   TIMESTAMPTZ
);
CREATE TABLE booth_status (
	booth_id    TEXT PRIMARY KEY,
	reported_at TIMESTAMPTZ NOT NULL,
	status      JSONB NOT NULL
);
