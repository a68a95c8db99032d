/**
 * The SQL half of the catalog: each metric with the tables it can be read from and the aggregate
 * expressions of its measure, over alias x. The planner reads metrics from here.
 */
import { type Measure, METRIC_INFO, type MetricInfo } from '@copilot-metrics/contract';
import type { DictKind } from '../../reports/schema';
import { SOURCES, type Source } from './sources';

export interface MetricDef extends MetricInfo {
  /** Candidate tables in order of preference; the planner takes the first that has every needed dimension. */
  sources: Source[];
  /** SQL aggregate expressions over the chosen table (alias x); combined by `aggregation`. */
  parts: string[];
  /** A constant filter, e.g. the customization kind of by_customization. */
  fixed?: { column: string; dict: DictKind; value: string };
}

/** The measure as SQL aggregates over alias x: one part, or a numerator and a denominator. */
export function partsOf(measure: Measure | undefined): string[] {
  if (!measure) return [];
  if ('sum' in measure) return [`SUM(x.${measure.sum})`];
  if ('average' in measure) return [`AVG(x.${measure.average})`];
  if ('distinctUsers' in measure) return ['COUNT(DISTINCT x.user_ref)'];
  if ('distinctUsersWith' in measure)
    return [`COUNT(DISTINCT CASE WHEN x.${measure.distinctUsersWith} = 1 THEN x.user_ref END)`];
  if ('ratio' in measure)
    return [measure.ratio.of.map((field) => `SUM(x.${field})`).join(' + '), `SUM(x.${measure.ratio.per})`];
  const { value, weight } = measure.weighted;
  return [`SUM(x.${value} * x.${weight})`, `SUM(CASE WHEN x.${value} IS NOT NULL THEN x.${weight} END)`];
}

function withSql(metric: MetricInfo): MetricDef {
  const sources = metric.from.map((id) => SOURCES[id]);
  const kind = metric.measure && 'ofKind' in metric.measure ? metric.measure.ofKind : undefined;
  const kinds = sources[0].kinds;
  if (kind !== undefined && !kinds)
    throw new Error(`${metric.id}: ${sources[0].table} has no kinds of record`);
  return {
    ...metric,
    sources,
    parts: partsOf(metric.measure),
    ...(kind !== undefined ? { fixed: { ...kinds!, value: kind } } : {}),
  };
}

export const METRICS: ReadonlyMap<string, MetricDef> = new Map(
  [...METRIC_INFO.values()].map((m) => [m.id, withSql(m)]),
);
