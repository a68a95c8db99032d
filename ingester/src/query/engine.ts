/**
 * One panel query → data frames, as one pass down the pipeline:
 *   request → plan (plan/) → privacy (privacy/) → SQL and rows (execute/) → labels → frames.
 * This class only wires the stages together; each stage is its own module.
 */
import type { FrameJSON, MetricInfo, QueryItem } from '@copilot-metrics/contract';
import { DEFAULT_CALENDAR, type WorkCalendar } from '../calendar/workCalendar';
import { PRIVACY_OFF, type PrivacyConfig } from '../privacy';
import type { Scope } from '../scopes';
import type { SqlReader } from '../store/reader';
import { BillingQueries } from './billing/execute';
import { Aggregator } from './execute/aggregate';
import { type RankedBy, isRanking, rankGroups } from './execute/ranking';
import { reportedBuckets } from './execute/reported';
import type { AggregateRows } from './execute/rows';
import { othersTotal } from './execute/others';
import { SeatQueries } from './execute/seats';
import { timeSeries } from './execute/series';
import {
  type PlannedRanking,
  type SharedRanking,
  type SharedTotals,
  type TotalsOf,
  shareTotals,
} from './execute/sharedTotals';
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
    private readonly reader: SqlReader,
    private readonly privacy: PrivacyConfig = PRIVACY_OFF,
    /** Working days (WORKWEEK, HOLIDAYS_FILE) of `days=workdays` queries. */
    private readonly calendar: WorkCalendar = DEFAULT_CALENDAR,
  ) {
    this.ids = new StoredIds(reader);
    this.labels = new Labels(reader);
    this.aggregator = new Aggregator(reader);
    this.seats = new SeatQueries(reader, this.labels);
    this.groupSizes = { ids: this.ids, aggregator: this.aggregator };
    this.billing = new BillingQueries(reader, this.ids, this.labels, this.aggregator, privacy, calendar);
  }

  scopes(): Promise<(Scope & { id: number })[]> {
    return this.ids.scopes();
  }

  resolveScope(text: string | undefined): Promise<ResolvedScope> {
    return this.ids.scope(text);
  }

  /** Throws the QueryError `run` would throw for this query's shape, without reading any figures. */
  check(query: QueryItem): Promise<void> {
    return checkQuery(query, this.ids);
  }

  /** Whole-range totals of a request's rankings of one shape, read in one pass (execute/sharedTotals.ts). */
  async shareTotals(queries: readonly QueryItem[], range: DayRange): Promise<SharedTotals> {
    const planned: PlannedRanking[] = [];
    for (const query of queries) {
      // Shared passes read the request's whole range; a working-days query reads its own days.
      if (!isRanking(query) || query.days === 'workdays') continue;
      try {
        const metric = metricOf(query);
        if (metric.snapshot || metric.billing) continue;
        const plan = await planQuery(query, this.ids);
        if (plan.rollup || plan.sets || refusal(this.privacy, plan, query)) continue;
        const by = rankingQuery(query);
        const rankPlan = by && (await planQuery(by, this.ids));
        if (rankPlan && (rankPlan.rollup || rankPlan.sets)) continue;
        planned.push({ query, plan, rankPlan });
      } catch {
        // run() reports it
      }
    }
    return shareTotals(this.aggregator, planned, range);
  }

  /**
   * Answers one query. `labels` may be shared by the queries of one request, so a panel of several
   * per-user tables looks each login up once; `shared` holds the totals shareTotals read ahead.
   */
  async run(
    query: QueryItem,
    requested: DayRange,
    labels = new Map<string, string>(),
    shared: SharedTotals = new Map(),
  ): Promise<FrameJSON[]> {
    const metric = metricOf(query);
    if (metric.billing) return this.billing.run(await planBilling(query, this.ids), query, requested);
    if (metric.snapshot) return this.runSeats(query, metric, requested);
    // days=workdays: the range without its days off, for every read below.
    const range: DayRange =
      query.days === 'workdays'
        ? { ...requested, daysOff: this.calendar.daysOff(requested.fromDay, requested.toDay) }
        : requested;

    const plan = await planQuery(query, this.ids);
    // The privacy mode may refuse the plan, or hide the values of small groups.
    const refused = refusal(this.privacy, plan, query);
    if (refused) return [this.unavailable(query, metric, refused)];
    const notices = planNotices(plan, query);
    const groupLabels = this.labels.cached(plan.groupBy, labels);
    const reported = await reportedBuckets(this.reader, plan, range, query.interval);
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
      timeSeries(this.aggregator, from, range, query.interval, {
        top,
        others,
        reported,
        labels: groupLabels,
        guard,
      });

    if (!isRanking(query)) return frames({ format: 'time_series', series: await series(plan) });
    // A ranking: the top groups by their whole-range totals, then their series or rows, and Others.
    const ahead = shared.get(query);
    const by = await this.rankedBy(query, range, ahead);
    // Ranked by another metric: its own totals only for the groups chosen (a top 100, not everyone).
    let totals: AggregateRows | TotalsOf;
    if (by)
      totals = ahead?.totalsOf ?? ((groups) => this.aggregator.rows(plan, range, 'total', groups, false));
    else totals = ahead?.totals ?? (await this.aggregator.rows(plan, range, 'total'));
    const { top, others } = await rankGroups(plan, query, totals, groupLabels, guard, by);
    const groups = top.map((r) => r.group);
    if (query.format !== 'table')
      return frames({
        format: 'time_series',
        series: await series(others ?? plan, groups, others !== undefined),
      });
    await groupLabels.load(groups);
    const table = top.map((r) => ({ label: groupLabels.of(r.group), value: r.value }));
    if (others)
      table.push({ label: 'Others', value: await othersTotal(this.aggregator, others, range, groups) });
    return frames({ format: 'table', table });
  }

  /** The totals a `rankBy` query is ranked by: read ahead with its own, or read here. */
  private async rankedBy(
    query: QueryItem,
    range: DayRange,
    ahead: SharedRanking | undefined,
  ): Promise<RankedBy | undefined> {
    const by = rankingQuery(query);
    if (!by) return undefined;
    const plan = await planQuery(by, this.ids);
    if (refusal(this.privacy, plan, by))
      throw new QueryError(
        `rankBy: ${by.metric} cannot be read in this privacy mode; rank by this query's own metric`,
      );
    return {
      metric: plan.metric,
      totals: ahead?.rankTotals ?? (await this.aggregator.rows(plan, range, 'total')),
    };
  }

  private async runSeats(query: QueryItem, metric: MetricInfo, range: DayRange): Promise<FrameJSON[]> {
    const plan = await planSeats(query, this.ids);
    if (this.privacy.mode === 'aggregate') return [this.unavailable(query, metric, SEATS_UNAVAILABLE)];
    const frames = await this.seats.run(plan, range);
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
