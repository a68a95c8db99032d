/**
 * The query models a dashboard saves for the Copilot data source, without Grafana's DataQuery base
 * (refId, datasource, hide): the plugin's query types extend these with it, and the generated
 * dashboards type their targets by them. Every text field may hold a template variable, so the stored
 * fields are strings; the plugin checks them once the variables are replaced.
 */
import type { Days } from './request';
import type { AnnotationKind } from './responses';

/** A filter value meaning "every value": a multi-value variable's custom all value should be `*`. */
export const ALL_VALUES = '*';

/** The `days` choices in the words of the query editor and of the dashboards' Days variable. */
export const DAYS_LABELS: Record<Days, string> = { all: 'All days', workdays: 'Working days' };

/**
 * A panel's query for figures. Saved dashboards (and every query written before annotations existed)
 * have no `queryType`: a query without one is a metrics query.
 */
export interface MetricsQueryModel {
  queryType?: 'metrics';
  /** `organization:<login>` or `enterprise:<slug>`; empty means the data source's default scope. */
  scope?: string;
  /** A metric id from the ingester's catalog, e.g. `daily_active_users`. */
  metric?: string;
  /** One of the metric's groupings from the catalog, or `none` for a single series. */
  groupBy?: string;
  /** Dimension → accepted values: values of one dimension are OR-ed, dimensions are AND-ed. */
  filters?: Record<string, string[]>;
  /** `day`, `week` or `month`. */
  interval?: string;
  /** `time_series` or `table`. */
  format?: string;
  /** Keep the top N groups by their total over the range (1 to 1000); `*` (a variable's All) keeps every group. */
  limit?: number | string;
  /** With a limit, rank the groups by this metric's totals (the column a table sorts on), not the query's own. */
  rankBy?: string;
  /** Grouped by user: only people whose login contains this text (case-insensitive); may be a variable. */
  search?: string;
  /** With a limit, fold the remaining groups into one "Others" series instead of dropping them. */
  others?: boolean;
  /** Seat metrics that take it (catalog `parameters`): days a seat's last activity may be ago to count as active; 30 when empty. */
  seatActiveDays?: number | string;
  /** `all`, or `workdays`: only the ingester's working days (WORKWEEK less HOLIDAYS_FILE) count; empty means all. */
  days?: string;
}

/** The days to mark on time-series panels (a dashboard annotation's target). */
export interface AnnotationsQueryModel {
  queryType: 'annotations';
  /** `organization:<login>` or `enterprise:<slug>`; empty means the data source's default scope. */
  scope?: string;
  /** Which kinds of day to mark; empty marks all of them. */
  annotationKinds?: AnnotationKind[];
}

/** A template variable lists the values of one dimension: `scope`, `team`, `user`, `ide`, ... */
export interface VariableQueryModel {
  dimension: string;
  /** Only values seen in this scope; empty means every scope. */
  scope?: string;
  /** Only values containing this text. */
  search?: string;
}
