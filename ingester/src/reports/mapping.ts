/**
 * Record → rows. Pure: dictionary ids come from the injected resolver, rows go to the injected sink.
 */
import type { ColumnSpec, DictKind, TableSpec } from './schema';
import { IDENTITY_KEYS, RECORD_TABLES } from './schema';
import { type JsonObject, isJsonObject } from './types';

export type CellValue = number | string | null;
export type Resolver = (kind: DictKind, value: string) => number;
/**
 * Where a row goes: called once per row, it returns the array the row's cells are then appended to
 * (the fixed key, the keys, the values, in the spec's order), so a row needs no array of its own.
 */
export type RowSink = (spec: TableSpec) => CellValue[];

/** What was odd about a record, without failing it. */
export interface RecordIssues {
  unknownKeys: Set<string>;
  /** "path: problem" strings, kept short; the caller caps how many it keeps. */
  invalidValues: string[];
}

export function newIssues(): RecordIssues {
  return { unknownKeys: new Set(), invalidValues: [] };
}

function at(object: JsonObject, path: readonly string[]): unknown {
  // Most paths are one key long: no loop.
  if (path.length === 1) return object[path[0]];
  let value: unknown = object;
  for (const key of path) {
    if (!isJsonObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

const EXPECTED = { int: 'an integer', real: 'a number', bool: 'true or false', text: 'a string' } as const;

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

/** Missing key fields still need a primary-key value; they are stored as '' (or -1) and reported. */
function cell(
  source: JsonObject,
  spec: ColumnSpec,
  isKey: boolean,
  where: Where,
  resolve: Resolver,
  issues: RecordIssues,
): CellValue {
  const value = at(source, spec.path);
  const kind = spec.kind;
  if (value === undefined || value === null) {
    if (!isKey) return null;
    issues.invalidValues.push(`${whereOf(where)}.${spec.path.join('.')}: key field is missing`);
    return typeof kind === 'object' ? resolve(kind.dict, '') : -1;
  }
  if (typeof kind === 'object') {
    if (typeof value === 'string') return resolve(kind.dict, value);
    if (typeof value === 'number') return resolve(kind.dict, String(value));
  } else if (kind === 'int' || kind === 'real') {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  } else if (kind === 'bool') {
    if (typeof value === 'boolean') return value ? 1 : 0;
  } else if (typeof value === 'string') {
    return value;
  }
  issues.invalidValues.push(
    `${whereOf(where)}.${spec.path.join('.')}: expected ${typeof kind === 'object' ? 'a string' : EXPECTED[kind]}, got ${describe(value)}`,
  );
  return isKey ? (typeof kind === 'object' ? resolve(kind.dict, '') : -1) : null;
}

/**
 * Where in a record a row comes from, for issues only: the spec's source, and whether the row is an
 * element of it (an array). Kept as parts, so that a record with nothing odd builds no string.
 */
interface Where {
  spec: TableSpec;
  element: boolean;
}

function whereOf({ spec, element }: Where): string {
  return `${spec.source.join('.') || '(record)'}${element ? '[]' : ''}`;
}

function rowOf(
  spec: TableSpec,
  source: JsonObject,
  where: Where,
  resolve: Resolver,
  issues: RecordIssues,
  row: CellValue[],
): void {
  if (spec.fixed) row.push(resolve(spec.fixed.dict, spec.fixed.value));
  for (const key of spec.keys) row.push(cell(source, key, true, where, resolve, issues));
  for (const value of spec.values) row.push(cell(source, value, false, where, resolve, issues));
}

/** Emits every row the given tables take from one record. Absent sources emit nothing: gaps stay gaps. */
export function mapRecord(
  record: JsonObject,
  specs: readonly TableSpec[],
  resolve: Resolver,
  sink: RowSink,
  issues: RecordIssues,
): void {
  for (const spec of specs) {
    const source = spec.source.length === 0 ? record : at(record, spec.source);
    if (source === undefined || source === null) continue;
    if (spec.many) {
      if (!Array.isArray(source)) {
        issues.invalidValues.push(
          `${whereOf({ spec, element: false })}: expected an array, got ${describe(source)}`,
        );
        continue;
      }
      const where: Where = { spec, element: true };
      for (const element of source) {
        if (isJsonObject(element)) rowOf(spec, element, where, resolve, issues, sink(spec));
        else issues.invalidValues.push(`${whereOf(where)}: expected an object, got ${describe(element)}`);
      }
    } else if (isJsonObject(source)) {
      rowOf(spec, source, { spec, element: false }, resolve, issues, sink(spec));
    } else {
      issues.invalidValues.push(
        `${whereOf({ spec, element: false })}: expected an object, got ${describe(source)}`,
      );
    }
  }
}

interface KeyTree {
  children: Map<string, KeyTree>;
}

function newNode(): KeyTree {
  return { children: new Map() };
}

function addPath(root: KeyTree, path: readonly string[]): void {
  let node = root;
  for (const key of path) {
    let child = node.children.get(key);
    if (!child) node.children.set(key, (child = newNode()));
    node = child;
  }
}

export type RecordShape = 'aggregate' | 'user' | 'repo' | 'team';

function buildKeyTree(shape: RecordShape): KeyTree {
  const root = newNode();
  for (const key of [...IDENTITY_KEYS.common, ...IDENTITY_KEYS[shape]]) addPath(root, [key]);
  const specs: readonly TableSpec[] = shape === 'team' ? [] : RECORD_TABLES[shape];
  for (const spec of specs) {
    addPath(root, spec.source);
    for (const column of [...spec.keys, ...spec.values]) addPath(root, [...spec.source, ...column.path]);
  }
  return root;
}

const KEY_TREES: Record<RecordShape, KeyTree> = {
  aggregate: buildKeyTree('aggregate'),
  user: buildKeyTree('user'),
  repo: buildKeyTree('repo'),
  team: buildKeyTree('team'),
};

/** Adds `a.b[].c`-style paths of keys no table knows to `out`. GitHub adds fields often. */
export function collectUnknownKeys(record: JsonObject, shape: RecordShape, out: Set<string>): void {
  walk(record, KEY_TREES[shape], '', out);
}

function walk(object: JsonObject, node: KeyTree, prefix: string, out: Set<string>): void {
  // Paths are built only for what is reported or descended into: most keys are known leaves.
  for (const key in object) {
    const child = node.children.get(key);
    if (!child) {
      out.add(prefix ? `${prefix}.${key}` : key);
      continue;
    }
    if (child.children.size === 0) continue;
    const value = object[key];
    if (Array.isArray(value)) {
      let path: string | undefined;
      for (const element of value)
        if (isJsonObject(element))
          walk(element, child, (path ??= `${prefix ? `${prefix}.${key}` : key}[]`), out);
    } else if (isJsonObject(value)) {
      walk(value, child, prefix ? `${prefix}.${key}` : key, out);
    }
  }
}
