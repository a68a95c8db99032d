-- 008: facts about how the database was written that must not silently change, such as the privacy
-- mode (PRIVACY_MODE) and a fingerprint of PRIVACY_KEY.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
