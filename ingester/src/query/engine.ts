/**
 * One panel query → data frames, as one pass down the pipeline:
 *   request → plan (plan/) → privacy (privacy/) → SQL and rows (execute/) → labels → frames.
 * This class only wires the stages together; each stage is its own module.
 */
import type { FrameJSON, MetricInfo, QueryItem } from '@copilot-metrics/contract';
import { DEFAULT_CALENDAR, type WorkCalendar } from '../calendar/workCalendar';
import { PRIVACY_OFF, type PrivacyConfig } from '../privacy';
import type { Scope } from '../scopes';
import type { DB } from '../store/db';
import { BillingQueries } from './billing/execute';
import { Aggregator } from './execute/aggregate';
import { type RankedBy, isRanking, rankGroups } from './execute/ranking';
import { reportedBuckets } from './execute/reported';
import { othersTotal } from './execute/others';
import { SeatQueries } from './execute/seats';
import { timeSeries } from './execute/series';
import { type SharedRanking, type SharedTotals, shareTotals } from './execute/sharedTotals';
import { type Figures, buildFrames, unavailableFrame } from './frames';
import { Labels } from './labels';
import { SEATS_IGNORE_DAYS, daysNotice, planMeta, planNotices } from './notices';
import { checkQuery, metricOf, planBilling, planQuery, planSeats, rankingQuery } from './plan/planner';
import { QueryError } from './errors';
import { StoredIds } from './plan/storedIds';
import type { DayRange, Plan, ResolvedScope } from './plan/types';
import { SEATS_UNAVAILABLE, refusal } from './privacy/refusals';
import { type GroupSizeReader, smallGroupGuard } from './privacy/smallGroups';

export class QueryEngine {
  private readonly ids: StoredIds;
  private readonly labels: Labels;
  private readonly aggregator: Aggregator;
  private readonly seats: SeatQueries;
  private readonly billing: BillingQueries;
  private readonly groupSizes: GroupSizeReader;

  constructor(
    private readonly db: DB,
    private readonly privacy: PrivacyConfig = PRIVACY_OFF,
    /** Working days (WORKWEEK, HOLIDAYS_FILE) of `days=workdays` queries. */
    private readonly calendar: WorkCalendar = DEFAULT_CALENDAR,
  ) {
    this.ids = new StoredIds(db);
    this.labels = new Labels(db);
    this.aggregator = new Aggregator(db);
    this.seats = new SeatQueries(db, this.labels);
    this.groupSizes = { ids: this.ids, aggregator: this.aggregator };
    this.billing = new BillingQueries(db, this.ids, this.labels, this.aggregator, privacy, calendar);
  }

  scopes(): (Scope & { id: number })[] {
    return this.ids.scopes();
  }

  resolveScope(text: string | undefined): ResolvedScope {
    return this.ids.scope(text);
  }

  /** Throws the QueryError `run` would throw for this query's shape, without reading any figures. */
  check(query: QueryItem): void {
    checkQuery(query, this.ids);
  }

  /** Whole-range totals of a request's rankings of one shape, read in one pass (execute/sharedTotals.ts). */
  shareTotals(queries: readonly QueryItem[], range: DayRange): SharedTotals {
    const planned = queries.flatMap((query) => {
      // Shared passes read the request's whole range; a working-days query reads its own days.
      if (!isRanking(query) || query.days === 'workdays') return [];
      try {
        const metric = metricOf(query);
        if (metric.snapshot || metric.billing) return [];
        const plan = planQuery(query, this.ids);
        if (plan.rollup || plan.sets || refusal(this.privacy, plan, query)) return [];
        const by = rankingQuery(query);
        const rankPlan = by && planQuery(by, this.ids);
        if (rankPlan && (rankPlan.rollup || rankPlan.sets)) return [];
        return [{ query, plan, rankPlan }];
      } catch {
        return []; // run() reports it
      }
    });
    return shareTotals(this.aggregator, planned, range);
  }

  /**
   * Answers one query. `labels` may be shared by the queries of one request, so a panel of several
   * per-user tables looks each login up once; `shared` holds the totals shareTotals read ahead.
   */
  run(
    query: QueryItem,
    requested: DayRange,
    labels = new Map<string, string>(),
    shared: SharedTotals = new Map(),
  ): FrameJSON[] {
    const metric = metricOf(query);
    if (metric.billing) return this.billing.run(planBilling(query, this.ids), query, requested);
    if (metric.snapshot) return this.runSeats(query, metric, requested);
    // days=workdays: the range without its days off, for every read below.
    const range: DayRange =
      query.days === 'workdays'
        ? { ...requested, daysOff: this.calendar.daysOff(requested.fromDay, requested.toDay) }
        : requested;

    const plan = planQuery(query, this.ids);
    // The privacy mode may refuse the plan, or hide the values of small groups.
    const refused = refusal(this.privacy, plan, query);
    if (refused) return [this.unavailable(query, metric, refused)];
    const notices = planNotices(plan, query);
    const label = this.labels.cached(plan.groupBy, labels);
    const reported = reportedBuckets(this.db, plan, range, query.interval);
    const guard = smallGroupGuard(this.privacy, plan, query, range, this.groupSizes);
    const frames = (figures: Figures) =>
      buildFrames({
        refId: query.refId,
        metric: plan.metric,
        groupBy: plan.groupBy,
        ...figures,
        meta: {
          ...planMeta(plan, query),
          ...(query.days === 'workdays' ? { days: 'workdays', daysLeftOut: range.daysOff?.length ?? 0 } : {}),
          ...(guard ? { minGroupSize: this.privacy.minGroupSize, suppressed: guard.suppressed() } : {}),
        },
        notices: [
          ...notices,
          ...(query.days === 'workdays' ? [daysNotice(range, this.calendar)] : []),
          ...(guard?.notices() ?? []),
        ],
      });
    const series = (from: Plan, top?: number[], others = false) =>
      timeSeries(this.aggregator, from, range, query.interval, { top, others, reported, label, guard });

    if (!isRanking(query)) return frames({ format: 'time_series', series: series(plan) });
    // A ranking: the top groups by their whole-range totals, then their series or rows, and Others.
    const ahead = shared.get(query);
    const totals = ahead?.totals ?? this.aggregator.rows(plan, range, 'total');
    const { top, others } = rankGroups(plan, query, totals, label, guard, this.rankedBy(query, range, ahead));
    const groups = top.map((r) => r.group);
    if (query.format !== 'table')
      return frames({ format: 'time_series', series: series(others ?? plan, groups, others !== undefined) });
    this.labels.prefetch(plan.groupBy, groups, labels);
    const table = top.map((r) => ({ label: label(r.group), value: r.value }));
    if (others) table.push({ label: 'Others', value: othersTotal(this.aggregator, others, range, groups) });
    return frames({ format: 'table', table });
  }

  /** The totals a `rankBy` query is ranked by: read ahead with its own, or read here. */
  private rankedBy(
    query: QueryItem,
    range: DayRange,
    ahead: SharedRanking | undefined,
  ): RankedBy | undefined {
    const by = rankingQuery(query);
    if (!by) return undefined;
    const plan = planQuery(by, this.ids);
    if (refusal(this.privacy, plan, by))
      throw new QueryError(
        `rankBy: ${by.metric} cannot be read in this privacy mode; rank by this query's own metric`,
      );
    return { metric: plan.metric, totals: ahead?.rankTotals ?? this.aggregator.rows(plan, range, 'total') };
  }

  private runSeats(query: QueryItem, metric: MetricInfo, range: DayRange): FrameJSON[] {
    const plan = planSeats(query, this.ids);
    if (this.privacy.mode === 'aggregate') return [this.unavailable(query, metric, SEATS_UNAVAILABLE)];
    const frames = this.seats.run(plan, range);
    if (query.days !== 'workdays' || !frames.length) return frames;
    // Grafana shows the first frame's notices for the panel.
    const meta = (frames[0].schema.meta ??= {}) as { notices?: unknown[] };
    meta.notices = [...(meta.notices ?? []), SEATS_IGNORE_DAYS];
    return frames;
  }

  private unavailable(query: QueryItem, metric: MetricInfo, text: string): FrameJSON {
    return unavailableFrame({ refId: query.refId, metric, reason: 'privacy', mode: this.privacy.mode, text });
  }
}
