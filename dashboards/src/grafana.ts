/**
 * Small typed builders for provisioned dashboards: panels, Copilot and Prometheus targets, template
 * variables and a flowing grid layout. Everything returns @grafana/schema types, so a dashboard that
 * Grafana's schema would reject does not compile; each panel's options and field options are typed by
 * the option types @grafana/schema generates for that panel plugin (ingester/test/dashboards-schema
 * checks the written JSON against the same types).
 */
import {
  ALL_VALUES,
  ANNOTATION_KINDS,
  type AnnotationsQueryModel,
  DAYS,
  DAYS_LABELS,
  type Days,
  type Format,
  type Interval,
  METRIC_INFO,
  type MetricsQueryModel,
  PLUGIN_ID,
  ROW_DIMENSIONS,
  SEAT_COUNTED_BILLING_FIGURES,
  SIGNED_IN_USER,
  type VariableQueryModel,
  groupingsOf,
} from '@copilot-metrics/contract';
import {
  type DataSourceRef,
  type DataTransformerConfig,
  type Dashboard,
  FieldColorModeId,
  type FieldConfigSource,
  type Panel,
  type RowPanel,
  type VariableModel,
  VariableHide,
  VariableRefresh,
  VariableSort,
  defaultDashboard,
} from '@grafana/schema';
import type * as BarChart from '@grafana/schema/dist/esm/raw/composable/barchart/panelcfg/x/BarChartPanelCfg_types.gen';
import type * as BarGauge from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen';
import type * as PieChart from '@grafana/schema/dist/esm/raw/composable/piechart/panelcfg/x/PieChartPanelCfg_types.gen';
import type * as Stat from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type * as Table from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen';
import type * as Text from '@grafana/schema/dist/esm/raw/composable/text/panelcfg/x/TextPanelCfg_types.gen';
import type * as TimeSeries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';
import {
  DAYS_FOLLOWED,
  EVERY_DAY_ONLY,
  OWN_FIGURES,
  OWN_FIGURES_NO_DATA,
  PER_PERSON_NO_DATA,
  PRIVACY_MODES,
  SEATS_NOT_KEPT,
  SMALL_TEAMS,
  SNAPSHOT_DAYS,
  WORKING_DAYS_ONLY,
} from './notes';

//#region Data sources

/** The provisioned Copilot data source (provisioning/grafana/datasources), referenced by uid. */
export const COPILOT: DataSourceRef = { type: PLUGIN_ID, uid: 'copilot-metrics' };
/** The provisioned Prometheus that scrapes the ingester's /metrics. */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'copilot-prometheus' };

/** Tag shared by every Copilot dashboard: the dashboard links list them by it. */
export const TAG = 'copilot';

//#endregion

//#region Targets

/** Dashboard variables a Copilot query can follow, as filters on the dimension of the same name. */
export type FilterVariable = 'team' | 'ide' | 'language' | 'model' | 'user';

export interface MetricSpec {
  metric: string;
  groupBy?: string;
  /** Dashboard variables this query is filtered by. */
  follows?: FilterVariable[];
  /** Fixed filters, e.g. `{ feature: ['agent_edit'] }`. */
  where?: Record<string, string[]>;
  /** Defaults to the dashboard's `$interval` for time series and `day` otherwise. */
  interval?: Interval | '$interval';
  format?: Format;
  /** A number, or `$top`: the dashboard's People variable (100, 1000 or All). */
  limit?: number | '$top';
  /** With a limit, rank by this metric's totals: a table's column that it sorts on. */
  rankBy?: string;
  /** Grouped by user: only people whose login contains this text, e.g. `$person`. */
  search?: string;
  others?: boolean;
  /** Legend / column name for this query's values (an override by refId). */
  legend?: string;
  /** Seat metrics that take it: the days a seat's last activity may be ago to count as active (30 if unset). */
  seatActiveDays?: number;
  /**
   * Which days count, whatever the dashboard's Days variable says. Unset: the query follows Days on a
   * dashboard that has it (see `dashboard`), and counts every day elsewhere.
   */
  days?: Days;
}

/** A query of the Copilot data source as the dashboard saves it (the plugin's query model). */
export type CopilotTarget = (MetricsQueryModel | AnnotationsQueryModel) & {
  refId: string;
  datasource: DataSourceRef;
};

/** The kinds of day without final figures: every kind the ingester marks but holidays. */
export const DATA_GAP_KINDS = ANNOTATION_KINDS.filter((kind) => kind !== 'holiday');

/** The annotation query of every dashboard: the ingester's data gaps, in the dashboard's scope. */
const DATA_GAPS: AnnotationsQueryModel & { refId: string } = {
  refId: 'Anno',
  queryType: 'annotations',
  scope: '$scope',
  annotationKinds: DATA_GAP_KINDS,
};

/**
 * The annotation query of dashboards with time series: the holidays of HOLIDAYS_FILE, which are the
 * same for every scope (the scope only spares the ingester from working out other scopes' gaps).
 */
const HOLIDAYS: AnnotationsQueryModel & { refId: string } = {
  refId: 'Holidays',
  queryType: 'annotations',
  scope: '$scope',
  annotationKinds: ['holiday'],
};

export interface PrometheusTarget {
  refId: string;
  datasource: DataSourceRef;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: 'time_series' | 'table';
}
export type Target = CopilotTarget | PrometheusTarget;

const refIdOf = (index: number) => String.fromCharCode(65 + index);

/** The metric's catalog entry; a dashboard naming a metric or grouping the ingester lacks fails to build. */
function catalogEntry(spec: MetricSpec) {
  const metric = METRIC_INFO.get(spec.metric);
  if (!metric) throw new Error(`unknown metric "${spec.metric}" (see contract/src/catalog)`);
  const groupings: string[] = groupingsOf(metric);
  for (const dimension of [
    spec.groupBy ?? 'none',
    ...(spec.follows ?? []),
    ...Object.keys(spec.where ?? {}),
  ]) {
    if (!groupings.includes(dimension))
      throw new Error(`${spec.metric} cannot be grouped or filtered by ${dimension}`);
  }
  return metric;
}

/** The name Grafana shows for a metric's values: the ingester sends the catalog title as displayNameFromDS. */
export const titleOf = (metric: string): string => catalogEntry({ metric }).title;

export function copilotTarget(spec: MetricSpec, index: number): CopilotTarget {
  catalogEntry(spec);
  const format = spec.format ?? 'time_series';
  const filters: Record<string, string[]> = { ...spec.where };
  for (const variable of spec.follows ?? []) filters[variable] = [`$${variable}`];
  return {
    refId: refIdOf(index),
    datasource: COPILOT,
    scope: '$scope',
    metric: spec.metric,
    groupBy: spec.groupBy ?? 'none',
    filters,
    interval: spec.interval ?? (format === 'time_series' ? '$interval' : 'day'),
    format,
    ...(spec.limit !== undefined ? { limit: spec.limit, others: spec.others ?? false } : {}),
    ...(spec.rankBy ? { rankBy: spec.rankBy } : {}),
    ...(spec.search ? { search: spec.search } : {}),
    ...(spec.seatActiveDays !== undefined ? { seatActiveDays: spec.seatActiveDays } : {}),
    ...(spec.days ? { days: spec.days } : {}),
  };
}

export interface PromSpec {
  expr: string;
  legend?: string;
  instant?: boolean;
  format?: 'time_series' | 'table';
}

export function prometheusTarget(spec: PromSpec, index: number): PrometheusTarget {
  return {
    refId: refIdOf(index),
    datasource: PROMETHEUS,
    expr: spec.expr,
    ...(spec.legend ? { legendFormat: spec.legend } : {}),
    ...(spec.instant ? { instant: true, range: false } : { range: true }),
    ...(spec.format ? { format: spec.format } : {}),
  };
}

//#endregion

//#region Panel options

/**
 * A type as dashboard JSON spells it: an enum as its string values (`TextMode.Markdown` is
 * `'markdown'`), every object with exactly its keys, so a key the panel does not have is an error.
 */
export type Json<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Json<U>[]
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

/**
 * The panel plugins the dashboards use, with the option types @grafana/schema generates for each
 * (Grafana 13): `options` and the field options in `fieldConfig.defaults.custom`. Stat, bar gauge and
 * text panels have no field options of their own.
 */
interface PanelTypes {
  timeseries: { options: TimeSeries.Options; custom: TimeSeries.FieldConfig };
  stat: { options: Stat.Options; custom: never };
  table: { options: Table.Options; custom: Table.FieldConfig };
  barchart: { options: BarChart.Options; custom: BarChart.FieldConfig };
  bargauge: { options: BarGauge.Options; custom: never };
  piechart: { options: PieChart.Options; custom: PieChart.FieldConfig };
  text: { options: Text.Options; custom: never };
}

export type PanelType = keyof PanelTypes;
/** A panel type's `options`, complete. */
export type OptionsOf<T extends PanelType> = Json<PanelTypes[T]['options']>;
/** A panel type's field options (`fieldConfig.defaults.custom`), complete. */
export type CustomOf<T extends PanelType> = Json<PanelTypes[T]['custom']>;
/** Field defaults any panel takes: unit, decimals, color, thresholds, ... */
export type CommonDefaults = Omit<FieldConfigSource['defaults'], 'custom'>;
/** A panel type's field defaults; `custom` replaces the type's default field options whole. */
export type FieldDefaults<T extends PanelType> = CommonDefaults & { custom?: CustomOf<T> };

//#endregion

//#region Panels

interface PanelSpecBase {
  /**
   * A fixed panel id, for a panel that something outside its dashboard links to (an alert rule's
   * __panelId__): it stays when panels are added or moved. Other panels are numbered in order.
   */
  id?: number;
  title: string;
  /** What the panel shows, in plain words; the caveats and the variables it follows are appended. */
  description: string;
  caveats?: string[];
  queries?: MetricSpec[];
  prometheus?: PromSpec[];
  /** The Copilot annotation query as a table: the days the store has no final data for. */
  annotationsTable?: boolean;
  /** Grid width (of 24) and height. */
  w?: number;
  h?: number;
  overrides?: FieldConfigSource['overrides'];
  transformations?: DataTransformerConfig[];
  timeFrom?: string;
  repeat?: string;
}

/** A panel of one type: its options (over the type's defaults below) and field defaults typed by it. */
export type PanelSpecOf<T extends PanelType> = PanelSpecBase & {
  type: T;
  options?: Partial<OptionsOf<T>>;
  defaults?: FieldDefaults<T>;
};

export type PanelSpec = { [T in PanelType]: PanelSpecOf<T> }[PanelType];

const VARIABLE_LABELS: Record<FilterVariable, string> = {
  team: 'Team',
  ide: 'IDE',
  language: 'Language',
  model: 'Model',
  user: 'User',
};

/** The sentence that tells a reader which selections at the top apply to this panel. */
function followsSentence(queries: MetricSpec[]): string {
  const follows = [...new Set(queries.flatMap((q) => q.follows ?? []))];
  if (!follows.length) return '';
  const names = follows.map((f) => VARIABLE_LABELS[f]);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return ` Follows the ${list} selection${names.length > 1 ? 's' : ''} at the top.`;
}

/**
 * What a panel says about its queries that count given days whatever the Days variable says. A seat
 * metric reads one snapshot, so its days are not a choice: it says that instead.
 */
function fixedDaysSentences(queries: MetricSpec[]): string[] {
  const snapshot = (q: MetricSpec) => !!METRIC_INFO.get(q.metric)?.snapshot;
  const fixed = new Set(queries.filter((q) => !snapshot(q)).map((q) => q.days));
  return [
    ...(fixed.has('workdays') ? [WORKING_DAYS_ONLY] : []),
    ...(fixed.has('all') ? [EVERY_DAY_ONLY] : []),
    ...(queries.some((q) => snapshot(q) && q.days) ? [SNAPSHOT_DAYS] : []),
  ];
}

/**
 * A query of the signed-in person's own figures: user `@me`, which the ingester resolves from the ID
 * token Grafana sends (never from a variable the browser could set).
 */
export function ownFigures(spec: MetricSpec): MetricSpec {
  return { ...spec, where: { ...spec.where, ...OWN_FIGURES_FILTER } };
}

/** The filter of `ownFigures`, for builders that take filters (`keyedTable`). */
export const OWN_FIGURES_FILTER = { user: [SIGNED_IN_USER] };

const isOwnFigures = (spec: MetricSpec) => spec.where?.user?.includes(SIGNED_IN_USER) ?? false;

export interface PanelWithSize {
  panel: Panel;
  /** See PanelSpecBase.id. */
  id?: number;
  w: number;
  h: number;
}

/**
 * Whether a query may need per-person records: grouped or filtered by person or team, counting
 * distinct people, a figure only per-person rows carry, or seats. PRIVACY_MODE=aggregate keeps no
 * per-person records; what it cannot answer without them, the ingester answers with a notice and no
 * fields, and Grafana then shows the panel's "No value" text (fieldConfig.defaults.noValue) where it
 * would say "No data".
 */
function readsPerPersonRecords(spec: MetricSpec): boolean {
  const metric = catalogEntry(spec);
  const dimensions = [spec.groupBy ?? 'none', ...(spec.follows ?? []), ...Object.keys(spec.where ?? {})];
  return (
    dimensions.some((dimension) => (ROW_DIMENSIONS as readonly string[]).includes(dimension)) ||
    metric.aggregation === 'distinct' ||
    !!metric.userRowsOnly ||
    !!metric.snapshot ||
    // Budgets of people are per-person records; a scope's AI-credit pool and the forecast against it
    // are counted from seats.
    metric.billing?.figure === 'budget_users' ||
    (!!metric.billing &&
      SEAT_COUNTED_BILLING_FIGURES.includes(metric.billing.figure) &&
      spec.groupBy !== 'cost_center')
  );
}

/**
 * Grafana also shows the "No value" text in place of each missing value (a table cell, a tooltip
 * entry, a bar). The explanation is for a panel without data; a single value the ingester withheld
 * (a group below the minimum size) stays blank, as it would without the text.
 */
const MISSING_VALUES_BLANK: FieldConfigSource['overrides'][number] = {
  matcher: { id: 'byType', options: 'number' },
  properties: [{ id: 'noValue', value: '' }],
};

export function panel(spec: PanelSpec): PanelWithSize {
  const queries = spec.queries ?? [];
  const targets: Target[] = spec.annotationsTable
    ? [
        {
          refId: 'A',
          datasource: COPILOT,
          queryType: 'annotations',
          scope: '$scope',
          annotationKinds: DATA_GAP_KINDS,
        },
      ]
    : [...queries.map(copilotTarget), ...(spec.prometheus ?? []).map(prometheusTarget)];
  const legendOverrides = queries.flatMap((q, index) =>
    q.legend
      ? [
          {
            matcher: { id: 'byFrameRefID', options: refIdOf(index) },
            properties: [{ id: 'displayName', value: q.legend }],
          },
        ]
      : [],
  );
  // Any team figure of the usage reports is incomplete in the same way: say so wherever one appears.
  // (A seat's team is the team that assigned it, from the seats API: complete.)
  const caveats = [...(spec.caveats ?? [])];
  const teamFigures = queries.some(
    (q) => (q.groupBy === 'team' || q.follows?.includes('team')) && !METRIC_INFO.get(q.metric)?.snapshot,
  );
  if (teamFigures && !caveats.includes(SMALL_TEAMS)) caveats.push(SMALL_TEAMS);
  const perPerson = queries.filter(readsPerPersonRecords);
  // The signed-in person's own figures: who they are comes first. One person is not a group, so the
  // minimum group size does not apply to them (OWN_FIGURES names aggregate mode instead).
  const own = queries.some(isOwnFigures);
  if (own) caveats.unshift(OWN_FIGURES);
  if (!own && perPerson.some((q) => !METRIC_INFO.get(q.metric)?.snapshot)) caveats.push(PRIVACY_MODES);
  if (perPerson.some((q) => METRIC_INFO.get(q.metric)?.snapshot)) caveats.push(SEATS_NOT_KEPT);
  const description =
    [spec.description, ...caveats, ...fixedDaysSentences(queries)].join(' ') + followsSentence(queries);
  const built: Panel = {
    type: spec.type,
    title: spec.title,
    description,
    ...(spec.type === 'text' ? {} : { datasource: spec.prometheus?.length ? PROMETHEUS : COPILOT }),
    ...(spec.type === 'text' ? {} : { targets: targets as unknown as Record<string, unknown>[] }),
    fieldConfig: {
      defaults: {
        ...DEFAULTS_BY_TYPE[spec.type],
        ...(perPerson.length ? { noValue: own ? OWN_FIGURES_NO_DATA : PER_PERSON_NO_DATA } : {}),
        ...spec.defaults,
      },
      overrides: [
        ...legendOverrides,
        // A stat's one value missing is the panel having no data: there the explanation fits.
        ...(perPerson.length && spec.type !== 'stat' ? [MISSING_VALUES_BLANK] : []),
        ...(spec.overrides ?? []),
      ],
    },
    options: { ...OPTIONS_BY_TYPE[spec.type], ...spec.options },
    ...(spec.transformations ? { transformations: spec.transformations } : {}),
    ...(spec.timeFrom ? { timeFrom: spec.timeFrom } : {}),
    ...(spec.repeat ? { repeat: spec.repeat, repeatDirection: 'h' as const, maxPerRow: 4 } : {}),
  };
  return { panel: built, id: spec.id, w: spec.w ?? 12, h: spec.h ?? 8 };
}

const legend: OptionsOf<'timeseries'>['legend'] = {
  showLegend: true,
  displayMode: 'list',
  placement: 'bottom',
  calcs: [],
};
const tooltip: OptionsOf<'timeseries'>['tooltip'] = { mode: 'multi', sort: 'desc' };

/** Each panel type's options, complete: every option Grafana 13 requires, at Grafana's defaults unless chosen. */
const OPTIONS_BY_TYPE: { [T in PanelType]: OptionsOf<T> } = {
  timeseries: { legend, tooltip },
  stat: {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    colorMode: 'none',
    graphMode: 'none',
    textMode: 'auto',
    justifyMode: 'auto',
    orientation: 'auto',
    wideLayout: true,
    showPercentChange: false,
    percentChangeColorMode: 'standard',
  },
  // Grafana 13 has no table-wide footer: a footer is per field (fieldConfig custom.footer), below.
  table: { showHeader: true, cellHeight: 'sm', frameIndex: 0 },
  barchart: {
    orientation: 'horizontal',
    xTickLabelRotation: 0,
    // No truncation of the labels (Grafana's "None").
    xTickLabelMaxLength: 0,
    showValue: 'auto',
    stacking: 'none',
    groupWidth: 0.7,
    barWidth: 0.9,
    fullHighlight: false,
    legend,
    tooltip,
  },
  bargauge: {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: true },
    orientation: 'horizontal',
    displayMode: 'basic',
    valueMode: 'color',
    showUnfilled: true,
    namePlacement: 'auto',
    sizing: 'auto',
    minVizHeight: 16,
    minVizWidth: 8,
    maxVizHeight: 300,
    // Each bar is named; no legend besides.
    legend: { showLegend: false, displayMode: 'list', placement: 'bottom', calcs: [] },
  },
  piechart: {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: true },
    pieType: 'donut',
    displayLabels: ['percent'],
    legend: {
      showLegend: true,
      displayMode: 'table',
      placement: 'right',
      values: ['value', 'percent'],
      calcs: [],
    },
    tooltip: { mode: 'single', sort: 'none' },
    orientation: 'auto',
    sort: 'desc',
  },
  text: { mode: 'markdown', content: '' },
};

const DEFAULTS_BY_TYPE: { [T in PanelType]: FieldDefaults<T> } = {
  timeseries: {
    custom: {
      drawStyle: 'line',
      lineWidth: 2,
      fillOpacity: 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: 'none', group: 'A' },
    },
    color: { mode: FieldColorModeId.PaletteClassic },
  },
  stat: { color: { mode: FieldColorModeId.Fixed, fixedColor: 'text' } },
  // No footer: a field shows one with `footer: { reducers: ['sum'] }` (in an override for some fields).
  table: {
    custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false, footer: { reducers: [] } },
  },
  barchart: { color: { mode: FieldColorModeId.PaletteClassic }, custom: { fillOpacity: 80, lineWidth: 1 } },
  bargauge: { color: { mode: FieldColorModeId.ContinuousBlYlRd }, min: 0 },
  piechart: { color: { mode: FieldColorModeId.PaletteClassic } },
  text: {},
};

/** Stacked bars over time: for parts of a whole (features, models, agents). */
export const STACKED_BARS: FieldDefaults<'timeseries'> = {
  custom: {
    drawStyle: 'bars',
    fillOpacity: 80,
    lineWidth: 1,
    showPoints: 'never',
    stacking: { mode: 'normal', group: 'A' },
  },
  color: { mode: FieldColorModeId.PaletteClassic },
};

export const PERCENT: CommonDefaults = { unit: 'percentunit', min: 0, max: 1, decimals: 1 };
export const MINUTES: CommonDefaults = { unit: 'm', decimals: 0 };

/** Joins table-format queries on their shared key column (team, user, repository, ...). */
export function joinOn(field: string): DataTransformerConfig {
  return { id: 'joinByField', options: { byField: field, mode: 'outer' } };
}

/** The activity columns of the per-team and per-person tables, each following the team variable. */
export const ACTIVITY_COLUMNS: { metric: string; name: string; follows: FilterVariable[] }[] = [
  { metric: 'user_initiated_interaction_count', name: 'Interactions', follows: ['team'] },
  { metric: 'code_generation_activity_count', name: 'Generations', follows: ['team'] },
  { metric: 'code_acceptance_activity_count', name: 'Acceptances', follows: ['team'] },
  { metric: 'acceptance_rate', name: 'Acceptance rate', follows: ['team'] },
  { metric: 'loc_added_sum', name: 'Lines added', follows: ['team'] },
  { metric: 'ai_credits_used', name: 'AI credits', follows: ['team'] },
];

/**
 * A table with one row per `key` (team, user, repository) and one column per metric: table-format
 * queries joined on the key, columns renamed. With `top`, only the rows with the highest first column.
 * With `people` (a table of people), the ingester keeps the `$top` people with the highest first
 * column, every column for the same people (rankBy), and only those whose login contains `$person`.
 */
export function keyedTable(
  key: string,
  columns: { metric: string; name: string; follows?: FilterVariable[]; where?: MetricSpec['where'] }[],
  top?: number,
  people?: 'top-n',
): Pick<PanelSpecOf<'table'>, 'queries' | 'transformations' | 'options'> {
  const first = columns[0].name;
  const ranked: Partial<MetricSpec> =
    people === 'top-n' ? { limit: '$top', rankBy: columns[0].metric, search: '$person' } : {};
  return {
    queries: columns.map((c) => ({
      metric: c.metric,
      groupBy: key,
      format: 'table',
      follows: c.follows,
      ...ranked,
      ...(c.where ? { where: c.where } : {}),
    })),
    transformations: [
      joinOn(key),
      {
        id: 'organize',
        options: { renameByName: Object.fromEntries(columns.map((c) => [titleOf(c.metric), c.name])) },
      },
      ...(top
        ? [
            { id: 'sortBy', options: { sort: [{ field: first, desc: true }] } },
            { id: 'limit', options: { limitField: top } },
          ]
        : []),
    ],
    options: { sortBy: [{ displayName: first, desc: true }] },
  };
}

/** A markdown panel: notes that belong next to the figures, not in a tooltip. */
export function note(title: string, content: string, w = 24, h = 4): PanelWithSize {
  return panel({
    type: 'text',
    title,
    description: 'How to read the figures on this dashboard, and where they are incomplete.',
    options: { mode: 'markdown', content },
    w,
    h,
  });
}

//#endregion

//#region "This period vs the previous one"

/** Days in each of the two compared periods. */
export const COMPARE_DAYS = 28;
/** Working days in each of the two compared periods of the working-day version: four five-day weeks. */
export const COMPARE_WORKDAYS = 20;

/**
 * A stat of the last 28 days of data with the change from the 28 days before. The query reads 60
 * days of daily values; a trailing 28-day mean turns each day into the average of the 28 days ending
 * on it, and the last 29 of those run from "the previous period" to "this period", so the stat's
 * percent change (last against first) compares the two periods.
 *
 * The periods are counted in rows, days with data, so the stat does not follow the Days variable:
 * with working days only, 28 rows would be some six weeks. The working-day version (`days:
 * 'workdays'`) reads working days only and compares the last 20 (four weeks of a five-day week) with
 * the 20 before, over 90 days so that both periods are full despite holidays. A transformation cannot
 * count calendar days, and the dashboard does not know WORKWEEK: 20 is exact for Monday to Friday.
 */
export function comparisonStat(spec: {
  title: string;
  description: string;
  caveats?: string[];
  metric: string;
  unit?: string;
  decimals?: number;
  w?: number;
  days?: Days;
}): PanelWithSize {
  const workdays = spec.days === 'workdays';
  const period = workdays ? COMPARE_WORKDAYS : COMPARE_DAYS;
  const periods = workdays
    ? `The big number is the average per working day over the last ${period} working days with data (four weeks of a five-day working week); the percentage compares it with the ${period} working days before.`
    : `The big number is the daily average over the last ${period} days with data; the percentage compares it with the ${period} days before; the working-day comparison is on the row below.`;
  return panel({
    type: 'stat',
    title: spec.title,
    description: `${spec.description} ${periods}`,
    caveats: spec.caveats,
    queries: [{ metric: spec.metric, interval: 'day', days: spec.days ?? 'all' }],
    timeFrom: workdays ? '90d' : '60d',
    w: spec.w ?? 4,
    h: 5,
    defaults: {
      color: { mode: FieldColorModeId.Fixed, fixedColor: 'text' },
      ...(spec.unit ? { unit: spec.unit } : {}),
      decimals: spec.decimals ?? 0,
    },
    options: {
      showPercentChange: true,
      percentChangeColorMode: 'standard',
      graphMode: 'none',
      textMode: 'value',
    },
    transformations: [
      {
        id: 'calculateField',
        options: {
          mode: 'windowFunctions',
          window: {
            windowAlignment: 'trailing',
            windowSize: period,
            windowSizeMode: 'fixed',
            reducer: 'mean',
          },
          alias: workdays ? `Last ${period} working days` : `Last ${period} days`,
          replaceFields: true,
        },
      },
      { id: 'limit', options: { limitField: -(period + 1) } },
    ],
  });
}

//#endregion

//#region Variables

/** A multi-value variable's "All" stands for `*`, which the data source reads as "no filter". */
const ALL = { allValue: ALL_VALUES, includeAll: true, multi: true } as const;
const ALL_SELECTED = { selected: true, text: ['All'], value: ['$__all'] };

function dimensionVariable(
  name: string,
  label: string,
  query: VariableQueryModel,
  description: string,
  extra: Partial<VariableModel> = {},
): VariableModel {
  return {
    type: 'query',
    name,
    label,
    description,
    datasource: COPILOT,
    query: { refId: 'CopilotVariableQuery', ...query },
    refresh: VariableRefresh.onTimeRangeChanged,
    sort: VariableSort.alphabeticalCaseInsensitiveAsc,
    regex: '',
    hide: VariableHide.dontHide,
    skipUrlSync: false,
    options: [],
    ...extra,
  };
}

export const variables = {
  /** One enterprise or organization: queries read one scope, so it is single-value. */
  scope: (): VariableModel =>
    dimensionVariable(
      'scope',
      'Scope',
      { dimension: 'scope' },
      'The enterprise or organization whose figures are shown. Organization totals are not deduplicated across organizations; enterprise totals are.',
      { multi: false, includeAll: false },
    ),
  team: (): VariableModel =>
    dimensionVariable(
      'team',
      'Team',
      { dimension: 'team', scope: '$scope' },
      'Teams present in the time range (GitHub leaves out teams with fewer than 5 seats).',
      { ...ALL, current: ALL_SELECTED },
    ),
  ide: (): VariableModel =>
    dimensionVariable('ide', 'IDE', { dimension: 'ide', scope: '$scope' }, 'IDEs seen in the time range.', {
      ...ALL,
      current: ALL_SELECTED,
    }),
  language: (): VariableModel =>
    dimensionVariable(
      'language',
      'Language',
      { dimension: 'language', scope: '$scope' },
      'Programming languages seen in the time range.',
      { ...ALL, current: ALL_SELECTED },
    ),
  model: (): VariableModel =>
    dimensionVariable(
      'model',
      'Model',
      { dimension: 'model', scope: '$scope' },
      'AI models of chat and agent activity (completions carry no model).',
      { ...ALL, current: ALL_SELECTED },
    ),
  user: (): VariableModel =>
    dimensionVariable(
      'user',
      'User',
      // Searched by the ingester as you type (Grafana's $__searchFilter): no list of everyone.
      { dimension: 'user', scope: '$scope', search: '$__searchFilter' },
      'GitHub logins with activity in the time range; type to search them, pick one (or click one in the table) to see their history.',
      {
        multi: false,
        includeAll: true,
        allValue: '*',
        current: { selected: true, text: 'All', value: '$__all' },
      },
    ),
  /** How many people a table of people shows: the top N by its sort column, computed by the ingester. */
  top: (): VariableModel => ({
    type: 'custom',
    name: 'top',
    label: 'People',
    description:
      'How many people the per-person tables show: the top 100 or 1000 by the column the table sorts on (the ingester picks them, every column for the same people), or All (slow with tens of thousands of people).',
    // Grafana's `text : value` pairs; All is `*`, which the data source reads as "no limit".
    query: `100 : 100,1000 : 1000,All : ${ALL_VALUES}`,
    current: { selected: true, text: '100', value: '100' },
    options: [
      { selected: true, text: '100', value: '100' },
      { selected: false, text: '1000', value: '1000' },
      { selected: false, text: 'All', value: ALL_VALUES },
    ],
    multi: false,
    includeAll: false,
    hide: VariableHide.dontHide,
    skipUrlSync: false,
  }),
  /** A text box: the per-person tables keep people whose login contains it (searched by the ingester). */
  person: (): VariableModel => ({
    type: 'textbox',
    name: 'person',
    label: 'Search people',
    description:
      'Only people whose login contains this text (case-insensitive), in the per-person tables; empty for everyone. With PRIVACY_MODE=pseudonymous, logins are pseudonyms.',
    query: '',
    current: { selected: false, text: '', value: '' },
    options: [{ selected: true, text: '', value: '' }],
    hide: VariableHide.dontHide,
    skipUrlSync: false,
  }),
  /** Every day, or working days only: the Copilot queries without fixed days follow it (see `dashboard`). */
  days: (): VariableModel => ({
    type: 'custom',
    name: 'days',
    label: 'Days',
    description:
      'All days, or working days only: the ingester’s WORKWEEK less the holidays of HOLIDAYS_FILE. With working days, weekends and holidays are absent from the time series and left out of every total, ratio and average (average daily active users per working day).',
    // Grafana's `text : value` pairs.
    query: DAYS.map((value) => `${DAYS_LABELS[value]} : ${value}`).join(','),
    current: { selected: true, text: DAYS_LABELS.all, value: 'all' },
    options: DAYS.map((value) => ({ selected: value === 'all', text: DAYS_LABELS[value], value })),
    multi: false,
    includeAll: false,
    hide: VariableHide.dontHide,
    skipUrlSync: false,
  }),
  interval: (): VariableModel => ({
    type: 'custom',
    name: 'interval',
    label: 'Interval',
    description: 'Bucket size of the time series: one point per UTC day, ISO week or calendar month.',
    query: 'day,week,month',
    current: { selected: true, text: 'day', value: 'day' },
    options: ['day', 'week', 'month'].map((value) => ({ selected: value === 'day', text: value, value })),
    multi: false,
    includeAll: false,
    hide: VariableHide.dontHide,
    skipUrlSync: false,
  }),
};

//#endregion

//#region Dashboards

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: VariableModel[];
  rows: { title?: string; panels: PanelWithSize[] }[];
  /** Default time range; every dashboard reads UTC days. */
  from?: string;
}

/**
 * Lays panels out left to right, wrapping at 24 columns; rows get their own full-width line. Panels
 * with a fixed id keep it; the others are numbered in order, skipping the fixed ones.
 */
export function layout(rows: DashboardSpec['rows']): Array<Panel | RowPanel> {
  const fixed = rows.flatMap((row) => row.panels.flatMap((p) => (p.id === undefined ? [] : [p.id])));
  const duplicate = fixed.find((id, i) => fixed.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Error(`panel id ${duplicate} is fixed on two panels`);
  let next = 1;
  const nextId = () => {
    while (fixed.includes(next)) next++;
    return next++;
  };
  const out: Array<Panel | RowPanel> = [];
  let y = 0;
  for (const row of rows) {
    if (row.title) {
      out.push({
        type: 'row',
        title: row.title,
        collapsed: false,
        id: nextId(),
        panels: [],
        gridPos: { x: 0, y, w: 24, h: 1 },
      });
      y += 1;
    }
    let x = 0;
    let lineHeight = 0;
    for (const { panel: p, id, w, h } of row.panels) {
      if (x + w > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      out.push({ ...p, id: id ?? nextId(), gridPos: { x, y, w, h } });
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return out;
}

const isRow = (p: Panel | RowPanel): p is RowPanel => p.type === 'row';

/**
 * A panel on a dashboard with a Days variable: its Copilot queries without fixed days follow it, and
 * its description says so.
 */
function followDays(p: Panel | RowPanel): Panel | RowPanel {
  if (isRow(p)) return p;
  const targets = (p.targets ?? []) as unknown as Target[];
  const follows = (t: Target): t is MetricsQueryModel & CopilotTarget =>
    t.datasource.uid === COPILOT.uid && (t as CopilotTarget).queryType !== 'annotations' && !('days' in t);
  if (!targets.some(follows)) return p;
  return {
    ...p,
    description: `${p.description} ${DAYS_FOLLOWED}`,
    targets: targets.map((t) => (follows(t) ? { ...t, days: '$days' } : t)) as unknown as Panel['targets'],
  };
}

export function dashboard(spec: DashboardSpec): Dashboard {
  const hasDays = spec.variables.some((variable) => variable.name === 'days');
  const hasTimeSeries = spec.rows.some((row) => row.panels.some((p) => p.panel.type === 'timeseries'));
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [TAG],
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: '',
    schemaVersion: defaultDashboard.schemaVersion,
    time: { from: spec.from ?? 'now-90d', to: 'now' },
    timepicker: {},
    links: [
      {
        title: 'Copilot dashboards',
        type: 'dashboards',
        tags: [TAG],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
      },
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
        {
          datasource: COPILOT,
          enable: true,
          hide: false,
          iconColor: 'orange',
          name: 'Copilot data gaps',
          target: DATA_GAPS,
        },
        ...(hasTimeSeries
          ? [
              {
                datasource: COPILOT,
                enable: true,
                hide: false,
                iconColor: 'purple',
                name: 'Holidays',
                target: HOLIDAYS,
              },
            ]
          : []),
      ],
    },
    templating: { list: spec.variables },
    panels: hasDays ? layout(spec.rows).map(followDays) : layout(spec.rows),
  };
}

//#endregion
