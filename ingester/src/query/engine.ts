/**
 * One panel query → SQL over the figure tables → data frames. The SQL is assembled from catalog
 * entries only (table, column and expression names never come from the client); every client value
 * is a bound parameter.
 */
import { dayToMs, isoWeekday, monthEnd, monthStart, wholeMonths } from '../days';
import { SET_SOURCES } from '../store/activeSets';
import { TABLE_NAMES, TEAM_DAY_SUMS } from '../reports/schema';
import type { DB } from '../store/db';
import { type DistinctPlan, distinctCounts } from './distinct';
import { type Scope, parseScopeKey, scopeKey } from '../scopes';
import {
  type Dimension,
  type MetricDef,
  METRICS,
  SOURCES,
  type Source,
  formatsOf,
  groupingsOf,
} from './catalog';
import { type FrameJSON, type Notice, buildFrames, type SeriesPoint, unavailableFrame } from './frames';
import { PRIVACY_OFF, type PrivacyConfig, suppressesSmallGroups } from '../privacy';
import { SEAT_ACTIVE_DAYS, type QueryItem } from './request';
import { type SeatPlan, SeatQueries } from './seats';

export class QueryError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export interface DayRangeQuery {
  fromDay: number;
  toDay: number;
}

/** Columns of the usage_day_by_user covering index (migration 003). */
const BY_USER_COLUMNS = new Set([
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_added_sum',
  'loc_deleted_sum',
  'ai_credits_used',
]);
/** Figure tables that have a partial `<table>_scope_rows` index over subject-0 rows (migration 003). */
const SCOPE_ROW_INDEXED = new Set(TABLE_NAMES);

/**
 * Index choices SQLite's statistics cannot be trusted with (sampled statistics see a few thousand rows
 * where a scope has hundreds of thousands): scope totals read their partial index; a ranking of users
 * over four weeks or more reads the user-ordered covering index instead of sorting every user-day row.
 */
function indexHint(plan: Plan, range: DayRangeQuery, topUsersOnly: boolean): string {
  const table = plan.source.table;
  if (!plan.userRows && !plan.repoRows)
    return SCOPE_ROW_INDEXED.has(table) ? `INDEXED BY ${table}_scope_rows` : '';
  if (
    table !== 'usage_day' ||
    plan.groupSql !== 'x.user_ref' ||
    topUsersOnly ||
    range.toDay - range.fromDay < 27
  )
    return '';
  const columns = plan.metric.parts
    .flatMap((part) => [...part.matchAll(/x\.(\w+)/g)].map((m) => m[1]))
    .filter((c) => c !== 'user_ref');
  return columns.every((c) => BY_USER_COLUMNS.has(c)) ? 'INDEXED BY usage_day_by_user' : '';
}

/** Aggregations whose parts are plain sums, so they can be added and subtracted outside SQL. */
const ADDITIVE = new Set(['sum', 'ratio', 'weighted']);

/** The same buckets in JavaScript, for answers computed outside SQL. */
const BUCKET_OF = {
  day: (day: number) => day,
  week: (day: number) => day - isoWeekday(day),
  month: (day: number) => {
    const date = new Date(dayToMs(day));
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 86_400_000;
  },
  total: () => 0,
} as const;

/** SQL for a bucket start day from x.day; `total` folds the whole range into one bucket. */
const BUCKETS = {
  day: (col: string) => col,
  week: (col: string) => `(${col} - ((${col} + 3) % 7))`,
  month: (col: string) =>
    `CAST(julianday(date(${col} * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER)`,
  total: () => '0',
} as const;
type BucketMode = keyof typeof BUCKETS;

/** A cheaper way to answer the same plan from a rollup table (team_day), when it applies. */
interface Rollup {
  table: string;
  groupSql: string;
  where: string[];
  params: unknown[];
  parts: string[];
  /** Distinct counts only add up per day: other buckets go back to the join. */
  dailyOnly: boolean;
}

/** Columns of team_day (named as in usage_day). */
const TEAM_DAY_COLUMNS = new Set<string>(TEAM_DAY_SUMS);

interface Plan {
  rollup?: Rollup;
  /** Distinct-user metrics answered from the per-day active sets. */
  sets?: DistinctPlan;
  metric: MetricDef;
  source: Source;
  scope: { id: number; key: string; kind: Scope['kind'] };
  userRows: boolean;
  repoRows: boolean;
  groupBy: Dimension;
  /** SQL of the group key over alias x (and tm when grouped by team). */
  groupSql: string;
  joins: string;
  where: string[];
  params: unknown[];
  reportKinds: string[];
}

const OTHERS = -1;

type AggregateRow = { bucket: number; group: number; parts: (number | null)[] };
/** Whole-range totals computed ahead for some queries of a request (QueryEngine.shareTotals). */
export type SharedTotals = Map<QueryItem, Map<string, AggregateRow>>;

const SEATS_UNAVAILABLE =
  'Seats are not synced with PRIVACY_MODE=aggregate: every seat is a per-person record. Use PRIVACY_MODE=pseudonymous for seat and licence metrics.';

/**
 * The months of a range that user_month answers whole: calendar months inside it, and also the months
 * at its ends when the range reaches past every stored day (the current month, up to yesterday's report,
 * is whole for a range ending today). Undefined when there are none.
 */
export function storedMonths(
  db: DB,
  scopeIds: readonly number[],
  range: DayRangeQuery,
): { first: number; last: number } | undefined {
  const span = db
    .prepare(
      `SELECT min(day) AS first, max(day) AS last FROM reports
       WHERE scope_id IN (${scopeIds.map(() => '?').join(', ') || 'NULL'}) AND kind = 'users' AND status = 'ok'`,
    )
    .get(...scopeIds) as { first: number | null; last: number | null };
  if (span.first === null || span.last === null) return undefined;
  const from = range.fromDay <= span.first ? monthStart(Math.max(range.fromDay, span.first)) : range.fromDay;
  const to = range.toDay >= span.last ? monthEnd(Math.min(range.toDay, span.last)) : range.toDay;
  return wholeMonths(from, to);
}

/**
 * The columns of a plan that sums counters the per-user rollups hold (user_month, user_totals_day) over
 * every person's rows of its scope, with no filter and no join; undefined for any other plan.
 */
function rolledUpColumns(plan: Plan): string[] | undefined {
  if (plan.source !== SOURCES.usageDay || !plan.userRows || plan.joins) return undefined;
  if (plan.where.length !== 3 || plan.params.length !== 0) return undefined;
  const columns = plan.metric.parts.map((part) => /^SUM\(x\.(\w+)\)$/.exec(part)?.[1]);
  return columns.every((c): c is string => c !== undefined && TEAM_DAY_COLUMNS.has(c)) ? columns : undefined;
}

/** Hides the values of small groups (PRIVACY_MIN_GROUP_SIZE) and says how many it hid. */
interface SmallGroupGuard {
  hides(bucketStart: number, group: number, bucket: BucketMode): boolean;
  /** Groups under the minimum over the whole range. */
  hiddenGroups(): number[];
  withheldOthers(): void;
  suppressed(): number;
  notices(): Notice[];
}

export class QueryEngine {
  private readonly dictIds;
  private readonly dictValue;
  private readonly labels;
  private readonly seats: SeatQueries;

  constructor(
    private readonly db: DB,
    private readonly privacy: PrivacyConfig = PRIVACY_OFF,
  ) {
    this.seats = new SeatQueries(db);
    this.dictIds = db.prepare('SELECT id FROM dictionary WHERE kind = ? AND value = ?').pluck();
    this.dictValue = db.prepare('SELECT value FROM dictionary WHERE id = ?').pluck();
    this.labels = {
      // Team slugs can repeat within an enterprise (teams of different orgs); the GitHub id tells them apart.
      team: db
        .prepare(
          `SELECT CASE WHEN (SELECT count(*) FROM teams o WHERE o.scope_id = t.scope_id AND o.slug = t.slug) > 1
             THEN t.slug || ' #' || t.github_id ELSE t.slug END FROM teams t WHERE t.id = ?`,
        )
        .pluck(),
      user: db.prepare('SELECT login FROM users WHERE id = ?').pluck(),
      repository: db.prepare("SELECT owner || '/' || name FROM repos WHERE id = ?").pluck(),
      agent: db
        .prepare(
          'SELECT d.value FROM by_agent a JOIN dictionary d ON d.id = a.agent_name WHERE a.agent = ? ORDER BY a.day DESC LIMIT 1',
        )
        .pluck(),
    };
  }

  scopes(): (Scope & { id: number })[] {
    return this.db.prepare('SELECT id, kind, slug FROM scopes ORDER BY kind, slug').all() as (Scope & {
      id: number;
    })[];
  }

  resolveScope(text: string | undefined): { id: number; key: string; kind: Scope['kind'] } {
    const scopes = this.scopes();
    const valid = scopes.map((s) => scopeKey(s));
    if (text === undefined) {
      if (scopes.length === 1) return { id: scopes[0].id, key: valid[0], kind: scopes[0].kind };
      throw new QueryError(
        scopes.length === 0
          ? 'no data has been synced yet, so there is no scope to query'
          : `scope is required when several scopes exist; valid scopes: ${valid.join(', ')}`,
      );
    }
    const parsed = parseScopeKey(text);
    const found =
      parsed &&
      scopes.find((s) => s.kind === parsed.kind && s.slug.toLowerCase() === parsed.slug.toLowerCase());
    if (!found)
      throw new QueryError(`unknown scope "${text}"; valid scopes: ${valid.join(', ') || '(none yet)'}`);
    return { id: found.id, key: scopeKey(found), kind: found.kind };
  }

  /** Throws the QueryError `run` would throw for this query's shape, without reading any figures. */
  check(query: QueryItem): void {
    if (this.metricOf(query).snapshot) this.seatPlan(query);
    else this.plan(query);
  }

  /**
   * Answers one query. `labels` may be shared by the queries of one request, so a panel of several
   * per-user tables looks each login up once.
   */
  /**
   * The whole-range totals of a request's table queries that read the same rows the same way (same
   * table, grouping, filters and range; only the metric differs), computed in one pass per shape: the
   * per-person table of six activity columns reads the user rows once instead of six times. Keyed by
   * the query object; `run` uses them in place of its own pass.
   */
  shareTotals(queries: readonly QueryItem[], range: DayRangeQuery): SharedTotals {
    const shapes = new Map<string, { query: QueryItem; plan: Plan }[]>();
    for (const query of queries) {
      if (query.format !== 'table' && (query.limit === undefined || query.groupBy === 'none')) continue;
      let plan: Plan;
      try {
        if (this.metricOf(query).snapshot) continue;
        plan = this.plan(query);
      } catch {
        continue; // run() reports it
      }
      if (plan.rollup || plan.sets || this.refusedByPrivacy(plan, query)) continue;
      const key = JSON.stringify([
        plan.source.table,
        plan.groupSql,
        plan.joins,
        plan.where,
        plan.params,
        plan.scope.id,
      ]);
      shapes.set(key, [...(shapes.get(key) ?? []), { query, plan }]);
    }
    const shared: SharedTotals = new Map();
    for (const members of shapes.values()) {
      if (members.length < 2) continue;
      const parts = members.flatMap((m) => m.plan.metric.parts);
      const merged: Plan = { ...members[0].plan, metric: { ...members[0].plan.metric, parts } };
      const rows = this.aggregate(merged, range, 'total');
      let offset = 0;
      for (const { query, plan } of members) {
        const width = plan.metric.parts.length;
        const own = new Map<string, AggregateRow>();
        // The same rows as the query's own pass (only the selected sums differ), so the same groups.
        for (const [key, row] of rows)
          own.set(key, { ...row, parts: row.parts.slice(offset, offset + width) });
        shared.set(query, own);
        offset += width;
      }
    }
    return shared;
  }

  run(
    query: QueryItem,
    range: DayRangeQuery,
    labels = new Map<string, string>(),
    shared: SharedTotals = new Map(),
  ): FrameJSON[] {
    const metric = this.metricOf(query);
    if (metric.snapshot) {
      if (this.privacy.mode === 'aggregate') {
        this.seatPlan(query);
        return [this.unavailable(query, metric, SEATS_UNAVAILABLE)];
      }
      return this.seats.run(this.seatPlan(query), range);
    }
    const plan = this.plan(query);
    const refused = this.refusedByPrivacy(plan, query);
    if (refused) return [this.unavailable(query, metric, refused)];
    const notices = this.notices(plan, query);
    const label = (group: number) => {
      const key = `${plan.groupBy}:${group}`;
      let text = labels.get(key);
      if (text === undefined) labels.set(key, (text = this.label(plan.groupBy, group)));
      return text;
    };
    const reported = this.reportedBuckets(plan, range, query.interval);
    // PRIVACY_MIN_GROUP_SIZE: groups computed from user rows with fewer distinct users are hidden.
    const guard = this.smallGroupGuard(plan, query, range);
    const meta = () => ({
      ...this.meta(plan, query),
      ...(guard ? { minGroupSize: this.privacy.minGroupSize, suppressed: guard.suppressed() } : {}),
    });
    const finalNotices = () => [...notices, ...(guard?.notices() ?? [])];

    if (query.format === 'table' || (query.limit !== undefined && plan.groupBy !== 'none')) {
      const totals = shared.get(query) ?? this.aggregate(plan, range, 'total');
      const totalsByGroup = [...totals.values()].map((row) => ({
        group: row.group,
        value: guard?.hides(0, row.group, 'total') ? null : combine(plan.metric, row.parts),
      }));
      const top = rank(totalsByGroup, query.limit, label);
      const ranked = totalsByGroup;
      let rest = query.limit !== undefined && query.others && ranked.length > top.length;
      // Groups hidden over the whole range never add to Others: they are left out of it, or Others is withheld.
      const hiddenRest = guard ? guard.hiddenGroups().filter((g) => !top.some((r) => r.group === g)) : [];
      const othersPlan = hiddenRest.length ? this.excluding(plan, hiddenRest) : plan;
      if (rest && !othersPlan) {
        rest = false;
        guard!.withheldOthers();
      }
      if (query.format === 'table') {
        this.prefetchLabels(
          plan.groupBy,
          top.map((r) => r.group),
          labels,
        );
        const rows = top.map((r) => ({ label: label(r.group), value: r.value }));
        if (rest) {
          const folded = this.aggregate(
            othersPlan!,
            range,
            'total',
            top.map((r) => r.group),
          );
          const others = [...folded.values()].find((row) => row.group === OTHERS);
          rows.push({ label: 'Others', value: others ? combine(plan.metric, others.parts) : null });
        }
        return buildFrames({
          refId: query.refId,
          metric: plan.metric,
          groupBy: plan.groupBy,
          format: 'table',
          table: rows,
          meta: meta(),
          notices: finalNotices(),
        });
      }
      const series = this.series(
        rest ? othersPlan! : plan,
        range,
        query,
        top.map((r) => r.group),
        rest,
        reported,
        label,
        guard,
      );
      return buildFrames({
        refId: query.refId,
        metric: plan.metric,
        groupBy: plan.groupBy,
        format: 'time_series',
        series,
        meta: meta(),
        notices: finalNotices(),
      });
    }
    const series = this.series(plan, range, query, undefined, false, reported, label, guard);
    return buildFrames({
      refId: query.refId,
      metric: plan.metric,
      groupBy: plan.groupBy,
      format: 'time_series',
      series,
      meta: meta(),
      notices: finalNotices(),
    });
  }

  /**
   * Labels of many people or repositories (a table of every user) in one pass over their table, instead
   * of one lookup each: 100,000 logins are read in tens of milliseconds rather than half a second.
   */
  private prefetchLabels(dim: Dimension, groups: number[], labels: Map<string, string>): void {
    if (groups.length < 1000 || (dim !== 'user' && dim !== 'repository')) return;
    const wanted = new Set(groups.filter((group) => !labels.has(`${dim}:${group}`)));
    if (wanted.size < 1000) return;
    const sql = dim === 'user' ? 'SELECT id, login FROM users' : "SELECT id, owner || '/' || name FROM repos";
    for (const [id, text] of this.db.prepare(sql).raw().iterate() as IterableIterator<[number, string]>)
      if (wanted.has(id)) labels.set(`${dim}:${id}`, text);
  }

  private unavailable(query: QueryItem, metric: MetricDef, text: string): FrameJSON {
    return unavailableFrame({ refId: query.refId, metric, reason: 'privacy', mode: this.privacy.mode, text });
  }

  /**
   * PRIVACY_MODE=aggregate keeps only the aggregate reports and the per-team rollup: a query that needs
   * per-user rows or the per-user active sets is answered with an explanation instead of figures.
   */
  private refusedByPrivacy(plan: Plan, query: QueryItem): string | undefined {
    if (this.privacy.mode !== 'aggregate') return undefined;
    const dims = [query.groupBy, ...Object.keys(query.filters)];
    if (dims.includes('user'))
      return 'Per-user figures are not kept: the ingester runs with PRIVACY_MODE=aggregate, which stores team and organization totals only.';
    if (!plan.userRows && !plan.sets) return undefined;
    const ranks = query.format === 'table' || (query.limit !== undefined && plan.groupBy !== 'none');
    const buckets: BucketMode[] = [
      ...(ranks ? (['total'] as const) : []),
      ...(query.format === 'table' ? [] : [query.interval]),
    ];
    if (plan.rollup && buckets.every((b) => b === 'day' || !plan.rollup!.dailyOnly)) return undefined;
    const why =
      plan.rollup || plan.sets
        ? `distinct users${query.interval === 'day' && query.format !== 'table' ? '' : ` over a ${query.format === 'table' ? 'time range' : query.interval}`}${plan.groupBy !== 'none' ? ` by ${plan.groupBy}` : ''} need per-user data`
        : `${plan.metric.id}${plan.groupBy !== 'none' ? ` by ${plan.groupBy}` : ''} is computed from per-user rows`;
    return `Not available with PRIVACY_MODE=aggregate: ${why}, which this mode does not keep. Team totals per day, and the organization and enterprise reports, are available.`;
  }

  /**
   * The minimum group size of the privacy modes, for a query whose groups are computed from user rows
   * (team, or a breakdown of per-user rows). Totals of the whole scope and per-person views are not groups.
   */
  private smallGroupGuard(plan: Plan, query: QueryItem, range: DayRangeQuery): SmallGroupGuard | undefined {
    if (!suppressesSmallGroups(this.privacy)) return undefined;
    if (!plan.userRows && !plan.sets && !plan.rollup) return undefined;
    const dims = [query.groupBy, ...Object.keys(query.filters)].filter((d) => d !== 'none');
    if (dims.length === 0 || dims.includes('user')) return undefined;
    const minimum = this.privacy.minGroupSize;
    const sizes = new Map<BucketMode, Map<string, number> | undefined>();
    const sizeOf = (bucket: BucketMode) => {
      if (!sizes.has(bucket)) sizes.set(bucket, this.groupSizes(query, range, bucket));
      return sizes.get(bucket);
    };
    const hidden = new Set<string>();
    let withheldOthers = false;
    return {
      hides(bucketStart, group, bucket) {
        if (group === OTHERS) return false;
        const known = sizeOf(bucket);
        // Sizes that cannot be measured for this shape hide every group.
        const hide = known === undefined || (known.get(`${bucketStart}:${group}`) ?? 0) < minimum;
        if (hide) hidden.add(`${bucket}:${bucketStart}:${group}`);
        return hide;
      },
      hiddenGroups() {
        const known = sizeOf('total');
        if (known === undefined) return [];
        return [...known].filter(([, n]) => n < minimum).map(([key]) => Number(key.split(':')[1]));
      },
      withheldOthers() {
        withheldOthers = true;
      },
      suppressed: () => hidden.size,
      notices() {
        const out: Notice[] = [];
        if (hidden.size)
          out.push({
            severity: 'info',
            text: `${hidden.size} value${hidden.size === 1 ? ' is' : 's are'} hidden: ${plan.groupBy === 'none' ? 'the filtered group has' : 'groups with'} fewer than ${minimum} distinct users (PRIVACY_MIN_GROUP_SIZE). Hidden values are not added to Others or any other figure.`,
          });
        if (withheldOthers)
          out.push({
            severity: 'info',
            text: `Others is withheld: it would include groups with fewer than ${minimum} distinct users (PRIVACY_MIN_GROUP_SIZE).`,
          });
        return out;
      },
    };
  }

  /**
   * Distinct users per (bucket, group) of the query's groups: active_users with the same grouping and
   * filters. Undefined when that shape cannot be counted. In aggregate mode, team sizes over buckets
   * longer than a day are the largest daily size (a lower bound, so a group is hidden when in doubt).
   */
  private groupSizes(
    query: QueryItem,
    range: DayRangeQuery,
    bucket: BucketMode,
  ): Map<string, number> | undefined {
    let plan: Plan;
    try {
      plan = this.plan({
        ...query,
        metric: 'active_users',
        format: 'time_series',
        limit: undefined,
        others: false,
      });
    } catch {
      return undefined;
    }
    const sizes = new Map<string, number>();
    if (plan.rollup?.dailyOnly && bucket !== 'day' && this.privacy.mode === 'aggregate') {
      const bucketOf = BUCKET_OF[bucket];
      for (const row of this.aggregate(plan, range, 'day').values()) {
        const key = `${bucketOf(row.bucket)}:${row.group}`;
        sizes.set(key, Math.max(sizes.get(key) ?? 0, row.parts[0] ?? 0));
      }
      return sizes;
    }
    if (this.privacy.mode === 'aggregate' && (plan.userRows || plan.sets) && !plan.rollup) return undefined;
    for (const row of this.aggregate(plan, range, bucket).values())
      sizes.set(`${row.bucket}:${row.group}`, row.parts[0] ?? 0);
    return sizes;
  }

  /** The plan without the given groups' rows; undefined when the plan cannot leave groups out (active sets). */
  private excluding(plan: Plan, groups: number[]): Plan | undefined {
    if (plan.sets && !plan.rollup) return undefined;
    const list = groups.map(() => '?').join(', ');
    return {
      ...plan,
      sets: undefined,
      where: [...plan.where, `${plan.groupSql} NOT IN (${list})`],
      params: [...plan.params, ...groups],
      rollup: plan.rollup && {
        ...plan.rollup,
        where: [...plan.rollup.where, `${plan.rollup.groupSql} NOT IN (${list})`],
        params: [...plan.rollup.params, ...groups],
      },
    };
  }

  private series(
    plan: Plan,
    range: DayRangeQuery,
    query: QueryItem,
    top: number[] | undefined,
    others: boolean,
    reported: number[],
    label: (group: number) => string,
    guard?: SmallGroupGuard,
  ): { label: string; points: SeriesPoint[] }[] {
    const rows =
      top && others && ADDITIVE.has(plan.metric.aggregation)
        ? this.foldOthersBySubtraction(plan, range, query.interval, top)
        : this.aggregate(plan, range, query.interval, top, others);
    const byGroup = new Map<number, Map<number, number | null>>();
    for (const row of rows.values()) {
      const points = byGroup.get(row.group) ?? new Map<number, number | null>();
      points.set(row.bucket, combine(plan.metric, row.parts));
      byGroup.set(row.group, points);
    }
    const order = top
      ? [...top, ...(others ? [OTHERS] : [])]
      : [...byGroup.keys()].sort((a, b) => label(a).localeCompare(label(b)));
    const fillZero = plan.metric.aggregation === 'sum' || plan.metric.aggregation === 'distinct';
    return order
      .filter((group) => byGroup.has(group) || (top !== undefined && group !== OTHERS))
      .map((group) => {
        const points = byGroup.get(group) ?? new Map<number, number | null>();
        // Days GitHub reported but this group had no entry are zeros; days never reported stay gaps.
        if (fillZero) for (const bucket of reported) if (!points.has(bucket)) points.set(bucket, 0);
        if (plan.metric.omittedWhenZero)
          for (const bucket of reported) if (points.get(bucket) === null) points.set(bucket, 0);
        if (guard)
          for (const bucket of points.keys())
            if (guard.hides(bucket, group, query.interval)) points.set(bucket, null);
        return {
          label: group === OTHERS ? 'Others' : label(group),
          points: [...points].sort((a, b) => a[0] - b[0]).map(([day, value]) => ({ day, value })),
        };
      });
  }

  /**
   * "Others" for metrics made of sums: the top groups' parts and the all-groups total are summed per
   * day (both follow an index, no sort of every row), then bucketed here, and Others is the difference.
   */
  private foldOthersBySubtraction(
    plan: Plan,
    range: DayRangeQuery,
    interval: QueryItem['interval'],
    top: number[],
  ) {
    const bucketOf = BUCKET_OF[interval];
    const out = new Map<string, { bucket: number; group: number; parts: (number | null)[] }>();
    const add = (bucket: number, group: number, parts: (number | null)[], sign: number) => {
      const id = `${bucket}:${group}`;
      let row = out.get(id);
      if (!row) out.set(id, (row = { bucket, group, parts: parts.map(() => null) }));
      parts.forEach((part, i) => {
        if (part !== null) row!.parts[i] = (row!.parts[i] ?? 0) + sign * part;
      });
    };
    for (const row of this.aggregate(plan, range, 'day', top, false).values()) {
      add(bucketOf(row.bucket), row.group, row.parts, 1);
      add(bucketOf(row.bucket), OTHERS, row.parts, -1);
    }
    const all: Plan = { ...plan, groupSql: '0' };
    // Every row of the plan, summed per day: from its rollup, or, for plain sums of every person's rows
    // (a ranking of people), from user_totals_day.
    all.rollup = plan.rollup ? { ...plan.rollup, groupSql: '0' } : this.userTotalsRollup(all);
    for (const row of this.aggregate(all, range, 'day').values())
      add(bucketOf(row.bucket), OTHERS, row.parts, 1);
    return out;
  }

  /** Runs the plan's aggregate over buckets; with `top`, other groups are dropped or folded into OTHERS. */
  private aggregate(plan: Plan, range: DayRangeQuery, bucket: BucketMode, top?: number[], fold = true) {
    const rollup = plan.rollup && (bucket === 'day' || !plan.rollup.dailyOnly) ? plan.rollup : undefined;
    if (bucket === 'total' && !top && !rollup && !plan.sets) {
      const months = this.totalsByUserMonth(plan, range);
      if (months) return months;
    }
    if (plan.sets && !rollup) {
      const sets: DistinctPlan =
        top && !fold
          ? { ...plan.sets, keys: plan.sets.keys ? plan.sets.keys.filter((k) => top.includes(k)) : top }
          : plan.sets;
      const rows = distinctCounts(
        this.db,
        sets,
        range,
        BUCKET_OF[bucket],
        top && fold ? { top, others: OTHERS } : undefined,
      );
      const out = new Map<string, { bucket: number; group: number; parts: (number | null)[] }>();
      // A group none of whose users pass the filters has no rows, as in SQL.
      for (const row of rows)
        if (row.count > 0)
          out.set(`${row.bucket}:${row.group}`, { bucket: row.bucket, group: row.group, parts: [row.count] });
      return out;
    }
    const source = rollup ?? {
      table: plan.source.table,
      groupSql: plan.groupSql,
      where: plan.where,
      params: plan.params,
      parts: plan.metric.parts,
    };
    const joins = rollup ? '' : plan.joins;
    let group = source.groupSql;
    const where = [...source.where];
    const params: unknown[] = [];
    if (top) {
      const list = top.length ? top.map(() => '?').join(', ') : 'NULL';
      if (fold) {
        group = `CASE WHEN ${source.groupSql} IN (${list}) THEN ${source.groupSql} ELSE ${OTHERS} END`;
        params.push(...top);
      } else {
        where.push(`${source.groupSql} IN (${list})`);
      }
    }
    // A constant in GROUP BY hides the index order from SQLite's planner (it then sorts every row): leave constants out.
    const sql = `SELECT ${BUCKETS[bucket]('x.day')} AS bucket, ${group} AS grp, ${source.parts.map((p, i) => `${p} AS p${i}`).join(', ')}
      FROM ${source.table} x ${rollup ? '' : indexHint(plan, range, top !== undefined && !fold)} ${joins}
      WHERE ${where.join(' AND ')}
      GROUP BY ${[bucket === 'total' ? '' : 'bucket', group === '0' ? '' : 'grp'].filter(Boolean).join(', ') || 'bucket'}`;
    const bound = [
      ...params,
      plan.scope.id,
      range.fromDay,
      range.toDay,
      ...source.params,
      ...(top && !fold ? top : []),
    ];
    const rows = this.db
      .prepare(sql)
      .raw()
      .all(...bound) as (number | null)[][];
    const out = new Map<string, { bucket: number; group: number; parts: (number | null)[] }>();
    for (const row of rows)
      out.set(`${row[0]}:${row[1]}`, { bucket: row[0]!, group: row[1]!, parts: row.slice(2) });
    return out;
  }

  /**
   * Whole-range totals per person of plain sums of the monthly-rolled-up counters (migration 009):
   * whole months from user_month, the partial months at the ends from the day rows. Undefined when the
   * plan is not such a ranking, or the range holds no whole month.
   */
  private totalsByUserMonth(plan: Plan, range: DayRangeQuery) {
    const columns = plan.groupSql === 'x.user_ref' ? rolledUpColumns(plan) : undefined;
    if (!columns) return undefined;
    const months = storedMonths(this.db, [plan.scope.id], range);
    if (!months) return undefined;
    const { first, last } = months;
    const sums = (prefix: string) => columns.map((c) => `SUM(${prefix}${c})`).join(', ');
    // Two grouped reads merged here: SQLite would otherwise sort their union once more.
    const wholeMonthRows = this.db
      .prepare(
        `SELECT user_ref, ${sums('')} FROM user_month
         WHERE scope_id = ? AND month BETWEEN ? AND ? GROUP BY user_ref`,
      )
      .raw()
      .iterate(plan.scope.id, first, monthStart(last)) as IterableIterator<(number | null)[]>;
    // Each end on its own: an OR of two day ranges would not follow the primary key.
    const edgeRows = (from: number, to: number) =>
      from > to
        ? []
        : (this.db
            .prepare(
              `SELECT x.user_ref, ${sums('x.')} FROM usage_day x
               WHERE x.scope_id = ? AND x.day BETWEEN ? AND ? AND x.user_ref > 0 GROUP BY x.user_ref`,
            )
            .raw()
            .iterate(plan.scope.id, from, to) as IterableIterator<(number | null)[]>);
    const out = new Map<string, AggregateRow>();
    for (const rows of [wholeMonthRows, edgeRows(range.fromDay, first - 1), edgeRows(last + 1, range.toDay)])
      for (const row of rows) {
        const key = `0:${row[0]}`;
        const known = out.get(key);
        if (!known) {
          out.set(key, { bucket: 0, group: row[0]!, parts: row.slice(1) });
          continue;
        }
        // SQL's SUM: nulls are skipped, and all-null stays null.
        for (let i = 1; i < row.length; i++)
          if (row[i] !== null) known.parts[i - 1] = (known.parts[i - 1] ?? 0) + row[i]!;
      }
    return out;
  }

  private metricOf(query: QueryItem): MetricDef {
    const metric = METRICS.get(query.metric);
    if (!metric) throw new QueryError(`unknown metric "${query.metric}"; GET /api/v1/catalog lists them`);
    return metric;
  }

  /** The checks every metric shares: grouping, filters and the metric's own parameters. */
  private checkShape(query: QueryItem): { metric: MetricDef; filterDims: Dimension[] } {
    const metric = this.metricOf(query);
    const groupings = groupingsOf(metric);
    if (!groupings.includes(query.groupBy)) {
      throw new QueryError(
        `${metric.id} cannot be grouped by ${query.groupBy}; it can be grouped by: ${groupings.join(', ')}`,
      );
    }
    const filterDims = Object.keys(query.filters) as Dimension[];
    for (const dim of filterDims) {
      if (!groupings.includes(dim))
        throw new QueryError(
          `${metric.id} cannot be filtered by ${dim}; it supports: ${groupings.filter((d) => d !== 'none').join(', ')}`,
        );
    }
    if (query.seatActiveDays !== undefined && !metric.parameters?.includes('seatActiveDays')) {
      const takers = [...METRICS.values()].filter((m) => m.parameters?.includes('seatActiveDays'));
      throw new QueryError(
        `seatActiveDays applies only to ${takers.map((m) => m.id).join(', ')}; remove it from this ${metric.id} query`,
      );
    }
    if (!formatsOf(metric).includes(query.format))
      throw new QueryError(
        `${metric.id} answers only as ${formatsOf(metric).join(' or ')}; set format to table`,
      );
    return { metric, filterDims };
  }

  /** A seat metric's query: the same checks, then the seats snapshot columns of its grouping and filters. */
  private seatPlan(query: QueryItem): SeatPlan {
    const { metric, filterDims } = this.checkShape(query);
    const scope = this.resolveScope(query.scope);
    const source = metric.sources[0];
    const columnOf = (dim: Dimension) => source.refDimensions?.[dim] ?? source.dimensions[dim]!.column;
    return {
      refId: query.refId,
      metric: metric as SeatPlan['metric'],
      scope,
      groupBy: query.groupBy,
      groupColumn: query.groupBy === 'none' ? undefined : columnOf(query.groupBy),
      filters: filterDims.map((dim) => ({
        column: columnOf(dim),
        ids: this.filterIds(dim, query.filters[dim]!, scope.id, source),
      })),
      activeDays: query.seatActiveDays ?? SEAT_ACTIVE_DAYS.default,
      interval: query.interval,
      format: query.format,
      limit: query.limit,
      others: query.others,
      bucketOf: BUCKET_OF[query.interval],
      label: (dim, group) => this.seatLabel(dim, group),
      rank,
    };
  }

  /** Seats without a value of the dimension are group 0. */
  private seatLabel(dim: Dimension, group: number): string {
    if (group !== 0) return this.label(dim, group);
    return dim === 'team' ? '(assigned directly)' : dim === 'editor' ? '(no activity)' : '(unknown)';
  }

  private plan(query: QueryItem): Plan {
    const { metric, filterDims } = this.checkShape(query);
    const scope = this.resolveScope(query.scope);
    const needed = [query.groupBy, ...filterDims].filter(
      (d) => d !== 'none' && d !== 'team' && d !== 'user' && d !== 'repository',
    );
    const source = metric.sources.find(
      (s) =>
        needed.every((d) => d in s.dimensions) &&
        (!(query.groupBy === 'repository' || 'repository' in query.filters) || s.subject === 'repo_ref'),
    );
    if (!source) {
      throw new QueryError(
        `GitHub's reports have no breakdown of ${metric.id} by ${needed.join(' and ')} together; drop one of the filters or the grouping`,
      );
    }
    const usesPeople = [query.groupBy, ...filterDims].some((d) => d === 'team' || d === 'user');
    const userRowsOnlyDim = needed.some((d) => source.dimensions[d]?.userRowsOnly);
    const userRows = source.perUser && (metric.userRowsOnly === true || usesPeople || userRowsOnlyDim);
    if (metric.aggregateOnly && userRows) {
      throw new QueryError(
        `${metric.id} comes from the scope's aggregate report and cannot be split by team or user; use active_users for distinct users`,
      );
    }
    const repoRows =
      source.subject === 'repo_ref' && (query.groupBy === 'repository' || 'repository' in query.filters);

    const where = [
      'x.scope_id = ?',
      'x.day BETWEEN ? AND ?',
      `x.${source.subject} ${userRows || repoRows ? '> 0' : '= 0'}`,
    ];
    // Bound after (scope_id, day range), in the order the conditions are pushed.
    const params: unknown[] = [];
    let joins = '';
    if (metric.fixed) {
      where.push(`x.${metric.fixed.column} = ?`);
      params.push(this.dictId(metric.fixed.dict, metric.fixed.value));
    }
    for (const dim of filterDims) {
      const ids = this.filterIds(dim, query.filters[dim]!, scope.id, source);
      const list = ids.length ? ids.map(() => '?').join(', ') : 'NULL';
      if (dim === 'team') {
        if (query.groupBy !== 'team') {
          where.push(
            `EXISTS (SELECT 1 FROM team_members tf WHERE tf.scope_id = x.scope_id AND tf.day = x.day AND tf.user_ref = x.user_ref AND tf.team_ref IN (${list}))`,
          );
        } else {
          where.push(`tm.team_ref IN (${list})`);
        }
      } else if (dim === 'user') {
        where.push(`x.user_ref IN (${list})`);
      } else if (dim === 'repository') {
        where.push(`x.repo_ref IN (${list})`);
      } else {
        where.push(`x.${source.dimensions[dim]!.column} IN (${list})`);
      }
      params.push(...ids);
    }
    let groupSql = '0';
    if (query.groupBy === 'team') {
      joins =
        'JOIN team_members tm ON tm.scope_id = x.scope_id AND tm.day = x.day AND tm.user_ref = x.user_ref';
      groupSql = 'tm.team_ref';
    } else if (query.groupBy === 'user') groupSql = 'x.user_ref';
    else if (query.groupBy === 'repository') groupSql = 'x.repo_ref';
    else if (query.groupBy !== 'none') groupSql = `x.${source.dimensions[query.groupBy]!.column}`;

    const reportKinds = [userRows || repoRows ? source.reports.rows : source.reports.aggregate];
    if (usesPeople && [query.groupBy, ...filterDims].includes('team')) reportKinds.push('user-teams');
    const plan: Plan = {
      metric,
      source,
      scope,
      userRows,
      repoRows,
      groupBy: query.groupBy,
      groupSql,
      joins,
      where,
      params,
      reportKinds,
    };
    plan.rollup = this.teamRollup(plan, query, filterDims) ?? this.userTotalsRollup(plan);
    plan.sets = this.activeSets(plan, query, filterDims);
    return plan;
  }

  /**
   * Distinct users (active_users, used_*) over buckets come from the per-day active sets when the
   * query has at most one dimension besides team and user, the shapes the sets hold.
   */
  private activeSets(plan: Plan, query: QueryItem, filterDims: Dimension[]): DistinctPlan | undefined {
    if (plan.metric.aggregation !== 'distinct' || query.groupBy === 'user') return undefined;
    const flag = plan.metric.id === 'active_users' ? undefined : plan.metric.id;
    if (flag && !(flag in SET_SOURCES)) return undefined;
    const dims = [
      ...new Set([query.groupBy, ...filterDims].filter((d) => d !== 'none' && d !== 'team' && d !== 'user')),
    ];
    if (dims.length > 1 || (dims.length === 1 && !(dims[0] in SET_SOURCES))) return undefined;
    const ids = (dim: Dimension) =>
      query.filters[dim] ? this.filterIds(dim, query.filters[dim]!, plan.scope.id, plan.source) : undefined;
    if (query.groupBy === 'team') {
      if (dims.length) return undefined;
      return {
        scopeId: plan.scope.id,
        kind: 'team',
        keys: ids('team'),
        collapse: false,
        flag,
        users: ids('user'),
      };
    }
    const dim = dims[0];
    return {
      scopeId: plan.scope.id,
      kind: dim ?? flag ?? 'all',
      keys: dim ? ids(dim) : undefined,
      collapse: query.groupBy === 'none',
      flag: dim ? flag : undefined,
      teams: ids('team'),
      users: ids('user'),
    };
  }

  /**
   * Team series of the scalar counters (and daily active users) come from team_day, the per-day team
   * rollup, instead of joining every user row with its memberships.
   */
  private teamRollup(plan: Plan, query: QueryItem, filterDims: Dimension[]): Rollup | undefined {
    if (plan.source !== SOURCES.usageDay || query.groupBy !== 'team' || filterDims.some((d) => d !== 'team'))
      return undefined;
    const distinct = plan.metric.id === 'active_users';
    const columns = plan.metric.parts.flatMap((part) => [...part.matchAll(/x\.(\w+)/g)].map((m) => m[1]));
    if (
      !distinct &&
      (plan.metric.aggregation === 'distinct' || !columns.every((c) => TEAM_DAY_COLUMNS.has(c)))
    )
      return undefined;
    const where = ['x.scope_id = ?', 'x.day BETWEEN ? AND ?'];
    const params: unknown[] = [];
    if (query.filters.team) {
      const ids = this.filterIds('team', query.filters.team, plan.scope.id, plan.source);
      where.push(`x.team_ref IN (${ids.length ? ids.map(() => '?').join(', ') : 'NULL'})`);
      params.push(...ids);
    }
    return {
      table: 'team_day',
      groupSql: 'x.team_ref',
      where,
      params,
      parts: distinct ? ['SUM(x.active_users)'] : plan.metric.parts,
      dailyOnly: distinct,
    };
  }

  /**
   * Sums over every person's rows of a scope, per day (no grouping, no filter) come from user_totals_day,
   * the per-day rollup of the per-user rows (migration 010): figures only per-user rows carry, and the
   * whole that "Others" of a ranking of people is taken from.
   */
  private userTotalsRollup(plan: Plan): Rollup | undefined {
    if (plan.groupSql !== '0' || !rolledUpColumns(plan)) return undefined;
    return {
      table: 'user_totals_day',
      groupSql: '0',
      where: ['x.scope_id = ?', 'x.day BETWEEN ? AND ?'],
      params: [],
      parts: plan.metric.parts,
      dailyOnly: false,
    };
  }

  private dictId(kind: string, value: string): number {
    return (this.dictIds.get(kind, value) as number | undefined) ?? -1;
  }

  /** Client filter values → stored ids. Unknown values match nothing (an empty result, not an error). */
  private filterIds(dim: Dimension, values: string[], scopeId: number, source: Source): number[] {
    const ids = new Set<number>();
    for (const value of values) {
      if (dim === 'team') {
        for (const id of this.db
          .prepare('SELECT id FROM teams WHERE scope_id = ? AND (slug = ? OR CAST(github_id AS TEXT) = ?)')
          .pluck()
          .all(scopeId, value, value) as number[])
          ids.add(id);
      } else if (dim === 'user') {
        for (const id of this.db
          .prepare('SELECT id FROM users WHERE login = ? COLLATE NOCASE')
          .pluck()
          .all(value) as number[])
          ids.add(id);
      } else if (dim === 'repository') {
        for (const id of this.db
          .prepare("SELECT id FROM repos WHERE owner || '/' || name = ? OR name = ?")
          .pluck()
          .all(value, value) as number[])
          ids.add(id);
      } else if (dim === 'agent') {
        ids.add(this.dictId('agent', value));
        const byName = this.db
          .prepare(
            "SELECT DISTINCT a.agent FROM by_agent a JOIN dictionary d ON d.id = a.agent_name WHERE d.kind = 'agent_name' AND d.value = ?",
          )
          .pluck()
          .all(value) as number[];
        for (const id of byName) ids.add(id);
      } else {
        ids.add(this.dictId(source.dimensions[dim]!.dict, value));
      }
    }
    ids.delete(-1);
    return [...ids];
  }

  private label(dim: Dimension, group: number): string {
    if (group === OTHERS) return 'Others';
    switch (dim) {
      case 'none':
        return '';
      case 'team':
      case 'user':
      case 'repository':
        return (this.labels[dim].get(group) as string | undefined) ?? `${dim} ${group}`;
      case 'agent':
        return (
          (this.labels.agent.get(group) as string | undefined) ??
          (this.dictValue.get(group) as string | undefined) ??
          `agent ${group}`
        );
      default:
        return (this.dictValue.get(group) as string | undefined) ?? '(unknown)';
    }
  }

  /** Buckets in which GitHub delivered the reports this plan reads (every kind on the same day). */
  private reportedBuckets(plan: Plan, range: DayRangeQuery, interval: QueryItem['interval']): number[] {
    const kinds = plan.reportKinds;
    const sql = `SELECT DISTINCT ${BUCKETS[interval]('day')} FROM (
        SELECT day FROM reports WHERE scope_id = ? AND status = 'ok' AND day BETWEEN ? AND ? AND kind IN (${kinds.map(() => '?').join(', ')})
        GROUP BY day HAVING count(DISTINCT kind) = ?)`;
    return this.db
      .prepare(sql)
      .pluck()
      .all(plan.scope.id, range.fromDay, range.toDay, ...kinds, kinds.length) as number[];
  }

  private meta(plan: Plan, query: QueryItem): Record<string, unknown> {
    const report = plan.repoRows
      ? 'repos-1-day'
      : plan.userRows
        ? `users-1-day${plan.reportKinds.includes('user-teams') ? ' joined with user-teams-1-day per day' : ''}`
        : plan.scope.kind === 'enterprise'
          ? 'enterprise-1-day'
          : 'organization-1-day';
    return {
      scope: plan.scope.key,
      metric: plan.metric.id,
      source: plan.userRows ? 'per-user rows' : plan.repoRows ? 'repository rows' : 'aggregate report',
      report,
      table: plan.source.table,
      aggregation: plan.metric.aggregation,
      interval: query.interval,
    };
  }

  private notices(plan: Plan, query: QueryItem): Notice[] {
    const notices: Notice[] = [];
    const dims = [query.groupBy, ...Object.keys(query.filters)];
    if (dims.includes('team')) {
      notices.push({
        severity: 'info',
        text: "Teams come from GitHub's user-teams report, joined day by day (membership on each day, not today's). Teams with fewer than 5 seated Copilot users are absent. A user in several teams counts in each, so team totals can exceed the scope's total.",
      });
    }
    if (plan.userRows && !plan.metric.userRowsOnly) {
      notices.push({
        severity: 'info',
        text: "Computed from per-user rows. GitHub's aggregate totals also count users seen only through server-side telemetry, so they can be slightly higher.",
      });
    }
    if (plan.metric.aggregation === 'average' && query.interval !== 'day') {
      notices.push({
        severity: 'info',
        text: `GitHub's user counts are averaged over the days of each ${query.interval}; use active_users for exact distinct users per ${query.interval}.`,
      });
    }
    if (plan.metric.aggregation === 'weighted' && query.interval !== 'day') {
      notices.push({
        severity: 'info',
        text: 'Medians and per-user averages over several days are weighted averages of the daily values (an approximation).',
      });
    }
    if (plan.source.subject === 'repo_ref' && plan.scope.kind === 'organization') {
      notices.push({
        severity: 'info',
        text: 'Organization pull-request totals are not deduplicated across organizations; enterprise totals are.',
      });
    }
    return notices;
  }
}

/**
 * Groups by value, largest first, ties by label; with a limit, the first `limit`. Labels are looked up
 * only for the groups that need them (thousands of users tie on small totals).
 */
export function rank<T extends { group: number; value: number | null }>(
  rows: T[],
  limit: number | undefined,
  label: (group: number) => string,
): T[] {
  const value = (row: T) => row.value ?? -Infinity;
  const byLabel = (a: T, b: T) => value(b) - value(a) || label(a.group).localeCompare(label(b.group));
  if (limit === undefined || rows.length <= limit) return [...rows].sort(byLabel);
  const byValue = [...rows].sort((a, b) => value(b) - value(a));
  const cutoff = value(byValue[limit - 1]);
  const chosen = [
    ...byValue.filter((row) => value(row) > cutoff),
    ...byValue.filter((row) => value(row) === cutoff).sort(byLabel),
  ];
  return chosen.slice(0, limit).sort(byLabel);
}

/** Turns the SQL parts of a bucket into the metric's value. */
export function combine(metric: MetricDef, parts: (number | null)[]): number | null {
  switch (metric.aggregation) {
    case 'sum':
    case 'average':
    case 'distinct':
    case 'snapshot':
      return parts[0];
    case 'ratio':
    case 'weighted': {
      const [numerator, denominator] = parts;
      return numerator === null || !denominator ? null : numerator / denominator;
    }
  }
}
