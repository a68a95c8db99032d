/**
 * The privacy mode a PostgreSQL database was written in (../privacyMode.ts): recorded in its settings
 * by the first writer, checked by every later one, with the same messages.
 */
import type { PrivacyConfig } from '../../privacy';
import {
  MIN_GROUP_SIZE_KEY,
  type StoredPrivacyMode,
  checkStoredPrivacyMode,
  privacyKeyFingerprint,
} from '../privacyMode';
import { redactUrl } from './copy';
import type { Query } from './writerConnection';

const POSTGRES_FRESH =
  'Point DATABASE_URL at a new database (CREATE DATABASE …) and sync again (GitHub keeps about a year of reports), then drop the old one';

/** SQLite's INSERT OR REPLACE of a setting. */
const PUT_SETTING =
  'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';

async function storedMode(query: Query): Promise<StoredPrivacyMode | undefined> {
  const { rows } = await query<{ key: string; value: string }>(
    "SELECT key, value FROM settings WHERE key IN ('privacy_mode', 'privacy_key_fingerprint')",
  );
  const setting = (key: string) => rows.find((row) => row.key === key)?.value;
  const mode = setting('privacy_mode');
  if (mode !== undefined) return { mode, keyFingerprint: setting('privacy_key_fingerprint') };
  const { rows: data } = await query("SELECT 1 FROM reports WHERE status = 'ok' LIMIT 1");
  return data.length ? { mode: 'off' } : undefined;
}

/**
 * Checks the configured privacy mode against the database's (PrivacyModeError when they differ); a
 * writer records it on first use, and its minimum group size each time.
 */
export async function enforcePostgresPrivacyMode(
  query: Query,
  privacy: PrivacyConfig,
  url: string,
  options: { write: boolean },
): Promise<void> {
  const current = await storedMode(query);
  if (current) checkStoredPrivacyMode(current, privacy, `The database ${redactUrl(url)}`, POSTGRES_FRESH);
  if (!options.write) return;
  await query('BEGIN');
  try {
    if (!current) {
      await query(PUT_SETTING, ['privacy_mode', privacy.mode]);
      const fingerprint = privacyKeyFingerprint(privacy);
      if (fingerprint) await query(PUT_SETTING, ['privacy_key_fingerprint', fingerprint]);
    }
    await query(PUT_SETTING, [MIN_GROUP_SIZE_KEY, String(privacy.minGroupSize)]);
    await query('COMMIT');
  } catch (error) {
    await query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
