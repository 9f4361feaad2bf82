-- faultline schema 3 (SQLite): accounts for `faultline serve` (docs/api.md).
-- Users with a role; credentials (API tokens and dashboard sessions) stored
-- only as a public look-up id plus a BLAKE2b hash of the secret part; an
-- append-only audit log of every write. Times are UTC ISO 8601 text written
-- by the application; '' means "not set".
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,                    -- viewer | analyst | admin
  password_hash TEXT NOT NULL DEFAULT '', -- libsodium crypto_pwhash_str (Argon2id); '' = no sign-in
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE credentials (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                    -- token | session
  lookup TEXT NOT NULL UNIQUE,           -- the public part of the secret
  secret_hash TEXT NOT NULL,             -- hex BLAKE2b-256 of the whole secret
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL DEFAULT '',
  revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX credentials_user ON credentials (user_id);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  action TEXT NOT NULL,                  -- "POST /api/v1/review/12/accept", "users add"
  target TEXT NOT NULL DEFAULT '',       -- "incident 12", "user ana"
  before_json TEXT,                      -- the object before the write (NULL for a create)
  after_json TEXT                        -- and after (NULL for a delete)
);
