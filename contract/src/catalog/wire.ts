/** GET /api/v1/catalog: the catalog as clients see it (the plugin's pickers, dashboards). SQL-free. */
import type { Format } from '../request';
import { BREAKDOWNS } from './breakdowns';
import { combinationsOf, formatsOf, groupingsOf, workdaysEffectOf } from './derivations';
import { DIMENSIONS, DIMENSION_INFO, type Dimension } from './dimensions';
import type { Aggregation, MetricInfo, MetricParameter } from './metric';
import { METRIC_INFO } from './metrics';

export interface CatalogMetricJSON {
  id: string;
  title: string;
  family: string;
  description: string;
  unit: string;
  aggregation: Aggregation;
  groupBy: Dimension[];
  combinations: Dimension[][];
  formats: Format[];
  parameters: MetricParameter[];
  /** Where the figures come from, in words. */
  source: string;
  /** What `days=workdays` does to this metric. */
  workdays: string;
}

export interface CatalogJSON {
  metrics: CatalogMetricJSON[];
  dimensions: { id: Dimension; description: string }[];
}

function sourceText(m: MetricInfo): string {
  if (m.billing) return m.billing.source;
  if (m.snapshot)
    return m.snapshot.count.startsWith('recent_') || m.snapshot.count === 'without_recent_usage'
      ? 'seats snapshots and per-user rows'
      : 'seats snapshots';
  if (m.userRowsOnly) return 'per-user rows';
  return BREAKDOWNS[m.from[0]].perRepository
    ? 'aggregate report and repository rows'
    : 'aggregate report (per-user rows for team and user)';
}

export function catalogJSON(): CatalogJSON {
  return {
    metrics: [...METRIC_INFO.values()].map((m) => ({
      id: m.id,
      title: m.title,
      family: m.family,
      description: m.description,
      unit: m.unit,
      aggregation: m.aggregation,
      groupBy: groupingsOf(m),
      combinations: combinationsOf(m),
      formats: formatsOf(m),
      parameters: m.parameters ?? [],
      source: sourceText(m),
      workdays: workdaysEffectOf(m),
    })),
    dimensions: DIMENSIONS.map((id) => ({ id, description: DIMENSION_INFO[id] })),
  };
}
