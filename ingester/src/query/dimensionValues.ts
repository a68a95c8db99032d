/** Values of a dimension, for template variables and filter pickers: GET /api/v1/dimensions/{d}/values. */
import { type Dimension, DIMENSIONS } from '@copilot-metrics/contract';
import type { SqlReader } from '../store/reader';
import { monthEnd, monthStart } from '../days';
import { scopeKey } from '../scopes';
import { JSON_LIST } from './execute/sql';
import { storedMonths } from './execute/userMonth';
import { QueryError } from './errors';
import { containsPattern, likeEscaped } from './search';

/** Every grouping dimension, plus `scope` for the scope picker. */
export const VALUE_DIMENSIONS = ['scope', ...DIMENSIONS.filter((d) => d !== 'none')] as const;
export type ValueDimension = (typeof VALUE_DIMENSIONS)[number];

/** Where each dictionary-coded dimension is stored; `aggregate` means the scope rows list every value. */
const DICT_COLUMNS: Partial<
  Record<Dimension, { table: string; column: string; kind: string; subject: string; aggregate: boolean }[]>
> = {
  ide: [{ table: 'by_ide', column: 'ide', kind: 'ide', subject: 'user_ref', aggregate: true }],
  feature: [
    { table: 'by_feature', column: 'feature', kind: 'feature', subject: 'user_ref', aggregate: true },
  ],
  language: [
    {
      table: 'by_language_feature',
      column: 'language',
      kind: 'language',
      subject: 'user_ref',
      aggregate: true,
    },
  ],
  model: [
    { table: 'by_model_feature', column: 'model', kind: 'model', subject: 'user_ref', aggregate: true },
    { table: 'by_language_model', column: 'model', kind: 'model', subject: 'user_ref', aggregate: true },
  ],
  comment_type: [
    {
      table: 'pr_comment_types',
      column: 'comment_type',
      kind: 'comment_type',
      subject: 'repo_ref',
      aggregate: true,
    },
  ],
  adoption_phase: [
    {
      table: 'by_adoption_phase',
      column: 'phase',
      kind: 'adoption_phase',
      subject: 'user_ref',
      aggregate: true,
    },
    {
      table: 'usage_day',
      column: 'adoption_phase',
      kind: 'adoption_phase',
      subject: 'user_ref',
      aggregate: false,
    },
  ],
  ide_version: [
    { table: 'by_ide', column: 'ide_version', kind: 'ide_version', subject: 'user_ref', aggregate: false },
  ],
  plugin_version: [
    {
      table: 'by_ide',
      column: 'plugin_version',
      kind: 'plugin_version',
      subject: 'user_ref',
      aggregate: false,
    },
  ],
  cli_version: [
    { table: 'usage_day', column: 'cli_version', kind: 'cli_version', subject: 'user_ref', aggregate: false },
  ],
  customization: [
    {
      table: 'by_customization',
      column: 'name',
      kind: 'customization',
      subject: 'user_ref',
      aggregate: true,
    },
  ],
  plan_type: [
    {
      table: 'seat_snapshots',
      column: 'plan_type',
      kind: 'plan_type',
      subject: 'user_ref',
      aggregate: false,
    },
  ],
  editor: [
    { table: 'seat_snapshots', column: 'editor', kind: 'editor', subject: 'user_ref', aggregate: false },
  ],
};

const LIMIT = 1000;

/** The AI-credit billing dimensions: text columns of migration 011's tables. */
const BILLING_COLUMNS = {
  sku: [
    ['billing_usage_day', 'sku'],
    ['billing_user_day', 'sku'],
  ],
  product: [
    ['billing_usage_day', 'product'],
    ['billing_user_day', 'product'],
  ],
  organization: [['billing_user_day', 'organization']],
  cost_center: [
    ['billing_cost_center_day', 'cost_center_name'],
    ['billing_cost_centers', 'name'],
  ],
} as const;

export interface ValueQuery {
  scopeIds: number[];
  fromDay: number;
  toDay: number;
  search?: string;
}

export interface DimensionValue {
  value: string;
  label: string;
}

export async function dimensionValues(
  reader: SqlReader,
  dimension: string,
  query: ValueQuery,
): Promise<DimensionValue[]> {
  if (!(VALUE_DIMENSIONS as readonly string[]).includes(dimension)) {
    throw new QueryError(
      `unknown dimension "${dimension}"; choose from: ${VALUE_DIMENSIONS.join(', ')}`,
      404,
    );
  }
  const pattern = containsPattern(query.search);
  const scopes = query.scopeIds.map(() => '?').join(', ') || 'NULL';
  const range = [query.fromDay, query.toDay];
  const dim = dimension as ValueDimension;
  if (dim === 'scope') {
    const rows = await reader.all<{ kind: 'enterprise' | 'organization'; slug: string }>(
      'SELECT kind, slug FROM scopes ORDER BY kind, slug',
    );
    return rows
      .map((r) => scopeKey(r))
      .filter((key) => key.toLowerCase().includes((query.search ?? '').toLowerCase()))
      .map((key) => ({ value: key, label: key }));
  }
  // SQLite's LIKE stops at a NUL, so such a pattern would match every value; no stored value holds one.
  if (query.search?.includes('\u0000')) return [];
  let values: string[];
  if (dim === 'team') {
    values = await reader.pluck<string>(
      `SELECT DISTINCT t.slug FROM teams t WHERE t.scope_id IN (${scopes}) AND t.slug LIKE ? ESCAPE '\\'
         AND t.id IN (SELECT DISTINCT team_ref FROM team_day WHERE scope_id IN (${scopes}) AND day BETWEEN ? AND ?)
         ORDER BY t.slug LIMIT ${LIMIT}`,
      [...query.scopeIds, pattern, ...query.scopeIds, ...range],
    );
  } else if (dim === 'user') {
    // Logins in order from users_by_login, each kept when it has a row in the range, until LIMIT are
    // found: no set of every active person is built, so a search typed into the variable answers as
    // fast at 100,000 people as at 100. Months the range holds whole answer from the monthly rollup's
    // primary key, month by month; the days of the months it cuts, day by day from the day rows. (Scalar
    // subqueries: as an EXISTS, SQLite may first build a Bloom filter over the whole rollup.)
    // The range's days with users reports, at most: the lists sought are bounded by what is stored.
    const span = await reader.first<{ first: number | null; last: number | null }>(
      `SELECT min(day) AS first, max(day) AS last FROM reports
         WHERE scope_id IN (${scopes}) AND kind = 'users' AND day BETWEEN ? AND ?`,
      [...query.scopeIds, ...range],
    );
    if (span?.first == null || span.last == null) return [];
    const whole = await storedMonths(reader, query.scopeIds, query);
    const months: number[] = [];
    const wholeMonths: number[] = [];
    for (let month = monthStart(span.first); month <= span.last; month = monthEnd(month) + 1) {
      months.push(month);
      if (whole && month >= whole.first && month <= whole.last) wholeMonths.push(month);
    }
    const days: number[] = [];
    for (let day = span.first; day <= span.last; day++)
      if (!(whole && day >= whole.first && day <= monthEnd(whole.last))) days.push(day);
    const conditions: string[] = [];
    const params: unknown[] = [pattern];
    const seekMonths = (list: number[]) => {
      params.push(...query.scopeIds, JSON.stringify(list));
      return `(SELECT 1 FROM user_month m WHERE m.scope_id IN (${scopes})
          AND m.month IN ${JSON_LIST} AND m.user_ref = u.id LIMIT 1) IS NOT NULL`;
    };
    if (days.length) {
      // A person with no month of the range at all is dropped by the rollup first.
      if (wholeMonths.length < months.length) conditions.push(seekMonths(months));
      const active: string[] = [];
      if (wholeMonths.length) active.push(seekMonths(wholeMonths));
      active.push(
        `EXISTS (SELECT 1 FROM usage_day x WHERE x.scope_id IN (${scopes}) AND x.day IN ${JSON_LIST} AND x.user_ref = u.id)`,
      );
      params.push(...query.scopeIds, JSON.stringify(days));
      conditions.push(`(${active.join(' OR ')})`);
    } else conditions.push(seekMonths(wholeMonths));
    values = await reader.pluck<string>(
      `SELECT u.login FROM users u WHERE ${likeEscaped('u.login')} AND ${conditions.join(' AND ')}
         ORDER BY u.login COLLATE NOCASE LIMIT ${LIMIT}`,
      params,
    );
  } else if (dim === 'repository') {
    values = await reader.pluck<string>(
      `SELECT r.owner || '/' || r.name AS full_name FROM repos r WHERE (r.owner || '/' || r.name) LIKE ? ESCAPE '\\' AND r.id IN (
           SELECT DISTINCT repo_ref FROM pull_requests_day WHERE scope_id IN (${scopes}) AND day BETWEEN ? AND ? AND repo_ref > 0)
         ORDER BY full_name LIMIT ${LIMIT}`,
      [pattern, ...query.scopeIds, ...range],
    );
  } else if (dim === 'agent') {
    const rows = await reader.all<{ id: string; name: string | null }>(
      `SELECT d.value AS id, (SELECT n.value FROM by_agent b JOIN dictionary n ON n.id = b.agent_name WHERE b.agent = a.agent ORDER BY b.day DESC LIMIT 1) AS name
         FROM (SELECT DISTINCT agent FROM by_agent WHERE scope_id IN (${scopes}) AND day BETWEEN ? AND ?) a JOIN dictionary d ON d.id = a.agent
         ORDER BY name LIMIT ${LIMIT}`,
      [...query.scopeIds, ...range],
    );
    const needle = (query.search ?? '').toLowerCase();
    return rows
      .filter((r) => `${r.id} ${r.name ?? ''}`.toLowerCase().includes(needle))
      .map((r) => ({ value: r.name ?? r.id, label: r.name ?? r.id }));
  } else if (dim in BILLING_COLUMNS) {
    // AI-credit billing keeps GitHub's strings: the values seen in the range, in each table holding them.
    const found = new Set<string>();
    for (const [table, column] of BILLING_COLUMNS[dim as keyof typeof BILLING_COLUMNS])
      for (const value of await reader.pluck<string>(
        `SELECT DISTINCT ${column} FROM ${table} WHERE scope_id IN (${scopes}) AND day BETWEEN ? AND ? AND ${column} LIKE ? ESCAPE '\\' LIMIT ${LIMIT}`,
        [...query.scopeIds, ...range, pattern],
      ))
        found.add(value);
    values = [...found].sort();
  } else {
    const found = new Set<string>();
    for (const place of DICT_COLUMNS[dim] ?? []) {
      const subject = place.aggregate ? `${place.subject} = 0` : `${place.subject} > 0`;
      const rows = await reader.pluck<string>(
        `SELECT d.value FROM dictionary d WHERE d.kind = ? AND d.value LIKE ? ESCAPE '\\' AND d.id IN (
             SELECT DISTINCT ${place.column} FROM ${place.table} WHERE scope_id IN (${scopes}) AND day BETWEEN ? AND ? AND ${subject})
           LIMIT ${LIMIT}`,
        [place.kind, pattern, ...query.scopeIds, ...range],
      );
      for (const value of rows) found.add(value);
    }
    values = [...found].sort();
  }
  return values.map((value) => ({ value, label: value }));
}
