/**
 * A database is written in one privacy mode for good: mixing real logins with pseudonyms, or
 * pseudonyms of two keys, would be a silent leak or a silent break of trends. Opening it in another
 * mode is refused with what to do instead.
 */
import { type PrivacyConfig, Pseudonymizer } from '../privacy';
import type { DB } from './connection';

export class PrivacyModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivacyModeError';
  }
}

/** The privacy mode a database was written in, as its settings keep it. */
export interface StoredPrivacyMode {
  mode: string;
  keyFingerprint?: string;
}

function stored(db: DB): StoredPrivacyMode | undefined {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
  const mode = get.get('privacy_mode') as string | undefined;
  if (mode !== undefined)
    return { mode, keyFingerprint: get.get('privacy_key_fingerprint') as string | undefined };
  // Databases written before privacy modes existed hold real logins: they are in mode off.
  const hasData = db.prepare("SELECT 1 FROM reports WHERE status = 'ok' LIMIT 1").get() !== undefined;
  return hasData ? { mode: 'off' } : undefined;
}

/**
 * The SQL views (migration 013) leave out team-days under this many active users in the privacy modes, as
 * the API hides them: the PRIVACY_MIN_GROUP_SIZE of the last writer, since a view cannot read the config.
 */
export const MIN_GROUP_SIZE_KEY = 'privacy_min_group_size';

function recordMinGroupSize(db: DB, privacy: PrivacyConfig): void {
  const value = String(privacy.minGroupSize);
  if (db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(MIN_GROUP_SIZE_KEY) !== value)
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(MIN_GROUP_SIZE_KEY, value);
}

/**
 * Checks the configured privacy mode against the database's; a writer records it on first use, and its
 * minimum group size each time. Throws PrivacyModeError when they differ.
 */
export function enforcePrivacyMode(
  db: DB,
  privacy: PrivacyConfig,
  path: string,
  options: { write: boolean },
): void {
  const fingerprint = privacyKeyFingerprint(privacy);
  const current = stored(db);
  if (!current) {
    if (!options.write) return;
    const put = db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
    db.transaction(() => {
      put.run('privacy_mode', privacy.mode);
      if (fingerprint) put.run('privacy_key_fingerprint', fingerprint);
      recordMinGroupSize(db, privacy);
    })();
    return;
  }
  checkStoredPrivacyMode(current, privacy, `The database ${path}`, SQLITE_FRESH);
  if (options.write) recordMinGroupSize(db, privacy);
}

/** PRIVACY_KEY's fingerprint as the settings keep it (pseudonymous mode only). */
export function privacyKeyFingerprint(privacy: PrivacyConfig): string | undefined {
  return privacy.mode === 'pseudonymous' ? new Pseudonymizer(privacy.key!).fingerprint() : undefined;
}

const SQLITE_FRESH =
  'Point DATABASE_PATH at a new file and sync again (GitHub keeps about a year of reports), then delete the old file';

/**
 * Throws PrivacyModeError when the stored mode (or key) is not the configured one. `database` names it
 * ("The database …"); `fresh` says how to start over on this engine.
 */
export function checkStoredPrivacyMode(
  current: StoredPrivacyMode,
  privacy: PrivacyConfig,
  database: string,
  fresh: string,
): void {
  const fingerprint = privacyKeyFingerprint(privacy);
  if (current.mode !== privacy.mode) {
    const why =
      current.mode === 'off'
        ? 'it holds real logins and user ids, which a conversion in place could leave behind in free pages and the WAL'
        : current.mode === 'pseudonymous'
          ? 'pseudonyms cannot be turned back into logins'
          : 'it keeps no per-user rows to derive anything else from';
    throw new PrivacyModeError(
      `${database} was written with PRIVACY_MODE=${current.mode}, but PRIVACY_MODE is ${privacy.mode}; it cannot be switched in place because ${why}. ${fresh}; or set PRIVACY_MODE=${current.mode} again.`,
    );
  }
  if (fingerprint && current.keyFingerprint && current.keyFingerprint !== fingerprint) {
    throw new PrivacyModeError(
      `${database} was pseudonymized with another PRIVACY_KEY; this key would give the same people other pseudonyms and break every trend. Set the original PRIVACY_KEY; or, to change keys, ${fresh.charAt(0).toLowerCase()}${fresh.slice(1)}.`,
    );
  }
}
