/** The SQL parts of a bucket → the metric's value, by its aggregation. */
import type { MetricInfo } from '@copilot-metrics/contract';

export function combine(metric: MetricInfo, parts: (number | null)[]): number | null {
  switch (metric.aggregation) {
    case 'sum':
    case 'average':
    case 'distinct':
    case 'snapshot':
    case 'month':
      return parts[0];
    case 'ratio':
    case 'weighted': {
      const [numerator, denominator] = parts;
      return numerator === null || !denominator ? null : numerator / denominator;
    }
  }
}
