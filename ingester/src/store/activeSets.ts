/**
 * Per-day sets of active users (see migration 004). The writer rebuilds a day's sets from the rows
 * just stored; the query engine unions them to count distinct users over any bucket.
 */
import type { Statement } from 'better-sqlite3';
import { USED_FLAGS } from '../reports/schema';
import type { DB } from './db';

/** Where each set kind's members come from: a SELECT of (key, user_ref) for one (scope, day). */
export const SET_SOURCES: Record<string, string> = {
  all: 'SELECT 0, user_ref FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0',
  ...Object.fromEntries(
    USED_FLAGS.map((flag) => [
      flag,
      `SELECT 0, user_ref FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0 AND ${flag} = 1`,
    ]),
  ),
  adoption_phase:
    'SELECT adoption_phase, user_ref FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0 AND adoption_phase IS NOT NULL',
  cli_version:
    'SELECT cli_version, user_ref FROM usage_day WHERE scope_id = ? AND day = ? AND user_ref > 0 AND cli_version IS NOT NULL',
  ide: 'SELECT DISTINCT ide, user_ref FROM by_ide WHERE scope_id = ? AND day = ? AND user_ref > 0',
  ide_version:
    'SELECT DISTINCT ide_version, user_ref FROM by_ide WHERE scope_id = ? AND day = ? AND user_ref > 0 AND ide_version IS NOT NULL',
  plugin_version:
    'SELECT DISTINCT plugin_version, user_ref FROM by_ide WHERE scope_id = ? AND day = ? AND user_ref > 0 AND plugin_version IS NOT NULL',
  feature:
    'SELECT DISTINCT feature, user_ref FROM by_feature WHERE scope_id = ? AND day = ? AND user_ref > 0',
  language:
    'SELECT DISTINCT language, user_ref FROM by_language_feature WHERE scope_id = ? AND day = ? AND user_ref > 0',
  model:
    'SELECT DISTINCT model, user_ref FROM by_model_feature WHERE scope_id = ? AND day = ? AND user_ref > 0',
  agent: 'SELECT DISTINCT agent, user_ref FROM by_agent WHERE scope_id = ? AND day = ? AND user_ref > 0',
  customization:
    'SELECT DISTINCT name, user_ref FROM by_customization WHERE scope_id = ? AND day = ? AND user_ref > 0',
  team: `SELECT m.team_ref, x.user_ref FROM team_members m JOIN usage_day x ON x.scope_id = m.scope_id AND x.day = m.day AND x.user_ref = m.user_ref
         WHERE m.scope_id = ? AND m.day = ?`,
};

/**
 * Sorted refs as LEB128 varints of the gaps between them: dense sets take about a byte per user,
 * a quarter of plain 32-bit refs.
 */
export function encodeUsers(refs: number[]): Buffer {
  const sorted = Uint32Array.from(refs).sort();
  const out = Buffer.allocUnsafe(sorted.length * 5);
  let length = 0;
  let previous = 0;
  for (const ref of sorted) {
    let gap = ref - previous;
    previous = ref;
    while (gap >= 0x80) {
      out[length++] = (gap & 0x7f) | 0x80;
      gap >>>= 7;
    }
    out[length++] = gap;
  }
  return Buffer.from(out.subarray(0, length));
}

export function decodeUsers(blob: Uint8Array): Uint32Array {
  const refs = new Uint32Array(blob.length);
  let count = 0;
  let previous = 0;
  for (let i = 0; i < blob.length;) {
    let gap = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = blob[i++];
      gap += (byte & 0x7f) * 2 ** shift; // not <<: gaps may exceed 2^31
      shift += 7;
    } while (byte & 0x80);
    previous += gap;
    refs[count++] = previous;
  }
  return refs.subarray(0, count);
}

export class ActiveSetWriter {
  private readonly sources: [string, Statement][];
  private readonly remove: Statement;
  private readonly insert: Statement;

  constructor(db: DB) {
    this.sources = Object.entries(SET_SOURCES).map(([kind, sql]) => [kind, db.prepare(sql).raw()]);
    this.remove = db.prepare('DELETE FROM active_sets WHERE scope_id = ? AND day = ?');
    this.insert = db.prepare(
      'INSERT INTO active_sets (scope_id, kind, day, key, users) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /** Rebuilds every set of one (scope, day) from the stored rows. */
  rebuild(scopeId: number, day: number): void {
    this.remove.run(scopeId, day);
    for (const [kind, statement] of this.sources) {
      const byKey = new Map<number, number[]>();
      // iterate, not all(): a day of 100,000 users is millions of (key, user) pairs, which must not all be
      // alive at once as row arrays.
      for (const [key, user] of statement.iterate(scopeId, day) as IterableIterator<[number, number]>) {
        let users = byKey.get(key);
        if (!users) byKey.set(key, (users = []));
        users.push(user);
      }
      for (const [key, users] of byKey) this.insert.run(scopeId, kind, day, key, encodeUsers(users));
    }
  }
}
