/**
 * The SQL half of the catalog: the tables each kind of record is read from (sources) and each
 * metric's aggregate expressions (sql). The SQL-free half (what a metric means, its groupings, the
 * wire format) is @copilot-metrics/contract's, shared with the plugin and the dashboards.
 */
export { METRICS, type MetricDef, partsOf } from './sql';
export { SOURCES, type Source } from './sources';
