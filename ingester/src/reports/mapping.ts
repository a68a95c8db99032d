/**
 * Record → rows. Pure: dictionary ids come from the injected resolver, rows go to the injected sink.
 */
import type { ColumnSpec, DictKind, TableSpec } from './schema';
import { IDENTITY_KEYS, RECORD_TABLES } from './schema';
import { type JsonObject, isJsonObject } from './types';

export type CellValue = number | string | null;
export type Resolver = (kind: DictKind, value: string) => number;
/** Where a row's cells are appended (the fixed key, the keys, the values, in the spec's order). */
export interface CellSink {
  push(value: CellValue): void;
}
/** Where a row goes: called once per row, it returns where the row's cells are then appended, so a row needs no array of its own. */
export type RowSink = (spec: TableSpec) => CellSink;

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

/**
 * One table's rows from a record, as a function compiled for its spec: each field is read where it
 * is (`source["loc_added_sum"]`), so every read has its own inline cache, and a value of the expected
 * type is stored without a call. Anything else (missing, null, the wrong type) goes through `cell`,
 * which reports it. Generic code reading `source[path[0]]` for every column was the reading thread's
 * largest cost after JSON.parse. The generated text holds only the schema's own constants (paths,
 * dictionary kinds, as JSON string literals), never a value from a report.
 */
type SpecMapper = (record: JsonObject, resolve: Resolver, sink: RowSink, issues: RecordIssues) => void;

const mappers = new WeakMap<TableSpec, SpecMapper>();

function mapperOf(spec: TableSpec): SpecMapper {
  let mapper = mappers.get(spec);
  if (!mapper) mappers.set(spec, (mapper = compileMapper(spec)));
  return mapper;
}

/** An expression reading `path` below the object `from` (undefined if a step is not an object). */
function readCode(from: string, path: readonly string[]): string {
  let code = from;
  path.forEach((key, step) => {
    const property = `[${JSON.stringify(key)}]`;
    code = step === 0 ? `${code}${property}` : `(isObject(o = ${code}) ? o${property} : undefined)`;
  });
  return code;
}

/** The expression for a value `v` of the column's kind stored as is (else the `slow` call). */
function fastCellCode(column: ColumnSpec, isKey: boolean, slow: string): string {
  const kind = column.kind;
  const absent = isKey ? '' : 'v === undefined || v === null ? null : ';
  if (typeof kind === 'object')
    return `${absent}typeof v === 'string' ? resolve(${JSON.stringify(kind.dict)}, v) : ${slow}`;
  switch (kind) {
    case 'int':
    case 'real':
      return `${absent}typeof v === 'number' && Number.isFinite(v) ? v : ${slow}`;
    case 'bool':
      return `${absent}v === true ? 1 : v === false ? 0 : ${slow}`;
    case 'text':
      return `${absent}typeof v === 'string' ? v : ${slow}`;
  }
}

function compileMapper(spec: TableSpec): SpecMapper {
  const columns = [
    ...spec.keys.map((c) => [c, true] as const),
    ...spec.values.map((c) => [c, false] as const),
  ];
  const rowCode = (from: string, where: string) => {
    const lines = ['row = sink(spec);'];
    if (spec.fixed)
      lines.push(
        `row.push(resolve(${JSON.stringify(spec.fixed.dict)}, ${JSON.stringify(spec.fixed.value)}));`,
      );
    columns.forEach(([column, isKey], index) => {
      const slow = `cell(${from}, columns[${index}], ${isKey}, ${where}, resolve, issues)`;
      lines.push(`v = ${readCode(from, column.path)};`, `row.push(${fastCellCode(column, isKey, slow)});`);
    });
    return lines.join('\n');
  };
  const source = spec.source.length === 0 ? 'record' : readCode('record', spec.source);
  const body = spec.many
    ? `if (!Array.isArray(source)) notA('an array', whole, source, issues);
       else for (let i = 0; i < source.length; i++) {
         const element = source[i];
         if (isObject(element)) { ${rowCode('element', 'each')} }
         else notA('an object', each, element, issues);
       }`
    : `if (isObject(source)) { ${rowCode('source', 'whole')} }
       else notA('an object', whole, source, issues);`;
  const code = `return function (record, resolve, sink, issues) {
    let o, v, row;
    const source = ${source};
    if (source === undefined || source === null) return;
    ${body}
  };`;
  const where = (element: boolean): Where => ({ spec, element });
  // The text is built from the schema only (see above).
  return new Function('spec', 'columns', 'whole', 'each', 'cell', 'isObject', 'notA', code)(
    spec,
    columns.map(([column]) => column),
    where(false),
    where(true),
    cell,
    isJsonObject,
    notA,
  ) as SpecMapper;
}

/** A source or element that is not the array or object its spec reads. */
function notA(expected: string, where: Where, value: unknown, issues: RecordIssues): void {
  issues.invalidValues.push(`${whereOf(where)}: expected ${expected}, got ${describe(value)}`);
}

/** Emits every row the given tables take from one record. Absent sources emit nothing: gaps stay gaps. */
export function mapRecord(
  record: JsonObject,
  specs: readonly TableSpec[],
  resolve: Resolver,
  sink: RowSink,
  issues: RecordIssues,
): void {
  for (const spec of specs) mapperOf(spec)(record, resolve, sink, issues);
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
