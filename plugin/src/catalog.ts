/**
 * What the ingester's catalog allows, in one place. The editor offers only these choices, and
 * `fitToMetric` removes what a newly chosen metric cannot take, so the editor never holds a grouping
 * or filter the ingester would refuse for that metric.
 */
import type { Catalog, CatalogMetric } from './api';
import { hasVariable } from './templating';
import type { MetricsQuery } from './types';

export function findMetric(catalog: Catalog | undefined, id: string | undefined): CatalogMetric | undefined {
  return id ? catalog?.metrics.find((metric) => metric.id === id) : undefined;
}

/** The dimensions a query uses (its grouping and its filters), except those given as variables. */
function usedDimensions(groupBy: string | undefined, filters: string[]): string[] {
  return [groupBy ?? 'none', ...filters].filter(
    (dimension) => dimension !== 'none' && !hasVariable(dimension),
  );
}

/** Whether GitHub's reports break the metric down by all these dimensions at once. */
function combines(metric: CatalogMetric, dimensions: string[]): boolean {
  if (!metric.combinations) return dimensions.every((dimension) => metric.groupBy.includes(dimension));
  return metric.combinations.some((set) => dimensions.every((dimension) => set.includes(dimension)));
}

/**
 * Groupings offered for a metric, given the query's filters. A metric picked through a variable is
 * known only when the query runs, so every dimension is offered and the ingester has the last word.
 */
export function groupingsFor(
  catalog: Catalog | undefined,
  metricId: string | undefined,
  query: Pick<MetricsQuery, 'filters'> = {},
): string[] {
  const metric = findMetric(catalog, metricId);
  if (metric) {
    // A filter the metric cannot take at all is reported as a problem; it does not hide groupings.
    const filters = Object.keys(query.filters ?? {}).filter((dimension) =>
      metric.groupBy.includes(dimension),
    );
    return metric.groupBy.filter(
      (dimension) => dimension === 'none' || combines(metric, usedDimensions(dimension, filters)),
    );
  }
  if (hasVariable(metricId)) return catalog?.dimensions.map((dimension) => dimension.id) ?? [];
  return ['none'];
}

/** Dimensions a new filter may use: the metric's groupings that combine with what the query already uses. */
export function filterDimensionsFor(
  catalog: Catalog | undefined,
  metricId: string | undefined,
  query: Pick<MetricsQuery, 'groupBy' | 'filters'> = {},
): string[] {
  const metric = findMetric(catalog, metricId);
  const filters = Object.keys(query.filters ?? {});
  const candidates = (metric?.groupBy ?? groupingsFor(catalog, metricId)).filter(
    (dimension) => dimension !== 'none',
  );
  if (!metric) return candidates;
  return candidates.filter((dimension) =>
    combines(metric, usedDimensions(query.groupBy, [...filters, dimension])),
  );
}

/**
 * The query once a metric is chosen: a grouping, filter or option the metric does not support is
 * removed, and a format it does not answer in (a list is a table) is replaced by one it does.
 */
export function fitToMetric(query: MetricsQuery, metric: CatalogMetric | undefined): MetricsQuery {
  if (!metric) return query;
  const groupBy = query.groupBy ?? 'none';
  const kept = hasVariable(groupBy) || combines(metric, usedDimensions(groupBy, [])) ? groupBy : 'none';
  const filters: Record<string, string[]> = {};
  for (const [dimension, values] of Object.entries(query.filters ?? {})) {
    if (dimension === 'none') continue;
    if (
      hasVariable(dimension) ||
      combines(metric, usedDimensions(kept, [...Object.keys(filters), dimension]))
    ) {
      filters[dimension] = values;
    }
  }
  const fitted: MetricsQuery = { ...query, metric: metric.id, groupBy: kept, filters };
  const format = query.format || 'time_series';
  if (metric.formats?.length && !hasVariable(format) && !metric.formats.includes(format))
    fitted.format = metric.formats[0];
  if (!metric.parameters?.includes('seatActiveDays')) delete fitted.seatActiveDays;
  return fitted;
}

export interface Problem {
  field: 'metric' | 'groupBy' | 'filters' | 'options';
  message: string;
}

/**
 * What the ingester would refuse in a saved query (one edited as JSON, or written for another
 * ingester version), so the editor can say so instead of waiting for the panel error.
 */
export function catalogProblems(catalog: Catalog | undefined, query: MetricsQuery): Problem[] {
  if (!catalog || !query.metric || hasVariable(query.metric)) return [];
  const metric = findMetric(catalog, query.metric);
  if (!metric) return [{ field: 'metric', message: `The ingester has no metric "${query.metric}".` }];
  const problems: Problem[] = [];
  const groupBy = query.groupBy || 'none';
  if (!hasVariable(groupBy) && !metric.groupBy.includes(groupBy)) {
    problems.push({
      field: 'groupBy',
      message: `${metric.title} cannot be grouped by ${dimensionLabel(groupBy)}.`,
    });
  }
  const filters = Object.keys(query.filters ?? {});
  for (const dimension of filters) {
    if (!metric.groupBy.includes(dimension) || dimension === 'none') {
      problems.push({
        field: 'filters',
        message: `${metric.title} cannot be filtered by ${dimensionLabel(dimension)}.`,
      });
    }
  }
  const format = query.format || 'time_series';
  if (metric.formats?.length && !hasVariable(format) && !metric.formats.includes(format)) {
    problems.push({
      field: 'options',
      message: `${metric.title} answers only as ${metric.formats.map((f) => f.replace('_', ' ')).join(' or ')}.`,
    });
  }
  if (query.seatActiveDays !== undefined && !metric.parameters?.includes('seatActiveDays')) {
    problems.push({ field: 'options', message: `${metric.title} takes no “Active within” days.` });
  }
  const used = usedDimensions(groupBy, filters);
  if (!problems.some((p) => p.field !== 'options') && !combines(metric, used)) {
    problems.push({
      field: 'filters',
      message: `GitHub's reports have no breakdown of ${metric.title} by ${used.map(dimensionLabel).join(' and ')} together.`,
    });
  }
  return problems;
}

const ACRONYMS: Record<string, string> = { ide: 'IDE', cli: 'CLI' };

/** `ide_version` → "IDE version": dimension ids in the words people use. */
export function dimensionLabel(id: string): string {
  if (id === 'none') return 'None';
  const words = id.split('_').map((word) => ACRONYMS[word] ?? word);
  const first = words[0] ?? '';
  return [first.charAt(0).toUpperCase() + first.slice(1), ...words.slice(1)].join(' ');
}
