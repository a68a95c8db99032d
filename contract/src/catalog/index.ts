/**
 * The catalog of metrics and dimensions without its SQL: what a metric means, how it adds up, which
 * kinds of record it is read from, and what follows (groupings, combinations, formats, the wire JSON).
 * The ingester adds the tables and SQL expressions (ingester/src/query/catalog); the plugin and the
 * dashboards need only this.
 */
export { ACTIVITY, BREAKDOWNS, type Breakdown, type BreakdownId, INTERACTION } from './breakdowns';
export { combinationsOf, formatsOf, groupingsOf } from './derivations';
export { DIMENSIONS, DIMENSION_INFO, type Dimension, ROW_DIMENSIONS } from './dimensions';
export { ADOPTION_PHASE_AVERAGES } from './families/adoptionPhases';
export { FORECAST_RUN_RATE_DAYS } from './families/aiCredits';
export { CUSTOMIZATION_KINDS } from './families/customizations';
export { PULL_REQUEST_COUNTERS, REVIEW_STAGE_MINUTES } from './families/pullRequests';
export {
  type Aggregation,
  BILLING_FIGURES,
  type BillingFigure,
  SEAT_COUNTED_BILLING_FIGURES,
  type Measure,
  METRIC_PARAMETERS,
  type MetricInfo,
  type MetricParameter,
  type SeatCount,
} from './metric';
export { METRIC_INFO } from './metrics';
export { type CatalogJSON, type CatalogMetricJSON, catalogJSON } from './wire';
