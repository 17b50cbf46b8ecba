-- Applications received from booths: one row per UUID, the photo in the photo store under
-- photo_sha256 (written before the row commits).
CREATE TABLE applications (
	uuid           TEXT PRIMARY KEY,
	content_sha256 TEXT NOT NULL,    -- upload.Application.ContentHash: 200 vs 409
	received_at    TIMESTAMPTZ NOT NULL,
	booth_id       TEXT NOT NULL,
	application    JSONB NOT NULL,   -- the payload without the photo
	photo_sha256   TEXT NOT NULL,
	photo_bytes    INTEGER NOT NULL
);
CREATE INDEX applications_received ON applications (received_at, uuid);
CREATE INDEX applications_booth ON applications (booth_id, received_at);
CREATE INDEX applications_photo ON applications (photo_sha256);
