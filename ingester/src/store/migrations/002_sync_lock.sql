-- 002: a lease so that two processes (say `serve` and a manual `sync`) never sync the same database
-- at once. The holder renews it while it runs; an expired lease, or one held by a process of this host
-- that no longer exists, belongs to a process that died.
CREATE TABLE sync_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
