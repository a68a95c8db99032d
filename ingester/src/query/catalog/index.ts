/**
 * The catalog as the rest of the ingester imports it. Its SQL-free half (dimensions, breakdowns,
 * metric, metrics, families/, derivations, wire) is what clients need; sources and sql add the tables
 * and expressions the planner reads.
 */
export { ACTIVITY, BREAKDOWNS, type Breakdown, type BreakdownId, INTERACTION } from './breakdowns';
export { combinationsOf, formatsOf, groupingsOf } from './derivations';
export { DIMENSIONS, DIMENSION_INFO, type Dimension, ROW_DIMENSIONS } from './dimensions';
export {
  type Aggregation,
  type Measure,
  METRIC_PARAMETERS,
  type MetricInfo,
  type MetricParameter,
  type SeatCount,
} from './metric';
export { METRIC_INFO } from './metrics';
export { METRICS, type MetricDef, partsOf } from './sql';
export { SOURCES, type Source } from './sources';
export { type CatalogJSON, type CatalogMetricJSON, catalogJSON } from './wire';
