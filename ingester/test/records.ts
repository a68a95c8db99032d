/**
 * Test-side helpers to put report files through the real importer, and to rebuild GitHub's JSON
 * shape from stored rows so that a round trip can be compared with the original records.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DB } from '../src/store/db';
import { ALL_TABLE_SPECS, type ColumnSpec, type TableSpec } from '../src/reports/schema';
import type { JsonObject, ReportKind } from '../src/reports/types';
import type { SimScope } from '../src/simulator/generate';
import type { SimulatorServer } from '../src/simulator/server';
import type { Store } from '../src/store/writer';
import { importReport } from '../src/sync/importer';
import { tempDir } from './helpers';

/** login → sum of `field` over the simulator's raw users-report records of a scope, days from..to. */
export function rawUserTotals(
  sim: SimulatorServer,
  scope: SimScope,
  field: string,
  from: number,
  to: number,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (let d = from; d <= to; d++) {
    for (const u of sim.generator.members(scope)) {
      const record = sim.generator.userRecord(u, d, scope) as JsonObject | undefined;
      if (!record) continue;
      const login = record.user_login as string;
      totals.set(login, (totals.get(login) ?? 0) + ((record[field] as number) ?? 0));
    }
  }
  return totals;
}

/** Imports the given file contents (one string per downloaded file) as one report. */
export async function importText(
  store: Store,
  target: { scopeId: number; kind: ReportKind; day: number },
  contents: string[],
) {
  const dir = tempDir('cm-import-');
  try {
    const files = contents.map((text, i) => {
      const path = join(dir.path, `part-${i}.ndjson.gz`);
      writeFileSync(path, gzipSync(text));
      return { path, bytes: Buffer.byteLength(text) };
    });
    return await importReport(store, target, files);
  } finally {
    dir.cleanup();
  }
}

function setPath(target: JsonObject, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as JsonObject;
  node[path[path.length - 1]] = value;
}

function decode(db: DB, column: ColumnSpec, raw: unknown): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (typeof column.kind === 'object')
    return db.prepare('SELECT value FROM dictionary WHERE id = ?').pluck().get(raw);
  if (column.kind === 'bool') return raw === 1;
  return raw;
}

/**
 * Rebuilds the record stored for (scope, day, subject) from every figure table, in GitHub's own
 * nesting. Absent and null both come back absent; empty arrays come back absent.
 */
export function rebuildRecord(
  db: DB,
  scopeId: number,
  day: number,
  subject: { user_ref?: number; repo_ref?: number },
): JsonObject {
  const record: JsonObject = {};
  for (const spec of ALL_TABLE_SPECS) {
    const ref = spec.subject === 'user_ref' ? subject.user_ref : subject.repo_ref;
    if (ref === undefined) continue;
    const fixedClause = spec.fixed
      ? ` AND ${spec.fixed.column} = (SELECT id FROM dictionary WHERE kind = '${spec.fixed.dict}' AND value = '${spec.fixed.value}')`
      : '';
    const rows = db
      .prepare(
        `SELECT * FROM ${spec.table} WHERE scope_id = ? AND day = ? AND ${spec.subject} = ?${fixedClause}`,
      )
      .all(scopeId, day, ref) as Record<string, unknown>[];
    const objects = rows.map((row) => rowObject(db, spec, row));
    if (spec.many) {
      if (objects.length) setPath(record, spec.source, objects);
    } else if (objects.length === 1) {
      if (spec.source.length === 0) Object.assign(record, objects[0]);
      else
        setPath(record, spec.source, {
          ...(getPath(record, spec.source) as JsonObject | undefined),
          ...objects[0],
        });
    }
  }
  return record;
}

function getPath(record: JsonObject, path: readonly string[]): unknown {
  let node: unknown = record;
  for (const key of path) node = (node as JsonObject | undefined)?.[key];
  return node;
}

function rowObject(db: DB, spec: TableSpec, row: Record<string, unknown>): JsonObject {
  const object: JsonObject = {};
  for (const column of [...spec.keys, ...spec.values]) {
    const value = decode(db, column, row[column.column]);
    if (value !== undefined) setPath(object, column.path, value);
  }
  return object;
}

/** Drops identity keys, nulls and empty arrays, and sorts arrays, so records compare by content. */
export function normalize(value: unknown, drop: readonly string[] = []): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalize(item)).filter((item) => item !== undefined);
    if (items.length === 0) return undefined;
    return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      if (drop.includes(key)) continue;
      const item = normalize((value as JsonObject)[key]);
      if (item !== undefined) out[key] = item;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null ? undefined : value;
}
