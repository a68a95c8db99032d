/**
 * Rows → Grafana data frames, in the DataFrameJSON shape that `dataFrameFromJSON` (@grafana/data)
 * reads (the contract's FrameJSON): a schema (fields with type, labels and config) and columnar values.
 * Times are epoch ms.
 */
import type { Dimension, FieldJSON, FrameJSON, MetricInfo, Notice } from '@copilot-metrics/contract';
import { dayToMs } from '../days';

export interface SeriesPoint {
  day: number;
  value: number | null;
}

/** The figures of an answer: a series per group, or a row per group. */
export type Figures =
  | { format: 'time_series'; series: { label: string; points: SeriesPoint[] }[] }
  | { format: 'table'; table: { label: string; value: number | null }[] };

type FrameInput = {
  refId: string;
  metric: MetricInfo;
  groupBy: Dimension;
  meta: Record<string, unknown>;
  notices: Notice[];
} & Figures;

function valueConfig(metric: MetricInfo, displayName: string): Record<string, unknown> {
  return { unit: metric.unit, displayNameFromDS: displayName, description: metric.description };
}

export function buildFrames(input: FrameInput): FrameJSON[] {
  const { refId, metric, groupBy } = input;
  const meta = (first: boolean) => ({
    ...(input.format === 'time_series' ? { type: 'timeseries-multi', typeVersion: [0, 1] } : {}),
    custom: input.meta,
    ...(first && input.notices.length ? { notices: input.notices } : {}),
  });
  if (input.format === 'table') {
    const keyName = groupBy === 'none' ? 'scope' : groupBy;
    const rows =
      groupBy === 'none'
        ? input.table.map((row) => ({ ...row, label: String(input.meta.scope) }))
        : input.table;
    return [
      {
        schema: {
          refId,
          name: metric.title,
          meta: meta(true),
          fields: [
            { name: keyName, type: 'string', config: {} },
            { name: metric.id, type: 'number', config: valueConfig(metric, metric.title) },
          ],
        },
        data: { values: [rows.map((r) => r.label), rows.map((r) => r.value)] },
      },
    ];
  }
  const series = input.series.length ? input.series : [{ label: '', points: [] }];
  return series.map((s, index) => {
    const displayName = groupBy === 'none' ? metric.title : s.label;
    return {
      schema: {
        refId,
        name: groupBy === 'none' ? metric.title : s.label,
        meta: meta(index === 0),
        fields: [
          { name: 'time', type: 'time', config: {} },
          {
            name: metric.id,
            type: 'number',
            ...(groupBy === 'none' ? {} : { labels: { [groupBy]: s.label } }),
            config: valueConfig(metric, displayName),
          },
        ],
      },
      data: { values: [s.points.map((p) => dayToMs(p.day)), s.points.map((p) => p.value)] },
    };
  });
}

/** One column of a list frame (a row per item, e.g. per inactive seat). */
export interface ListColumn {
  name: string;
  /** What Grafana shows as the column header. */
  title: string;
  type: FieldJSON['type'];
  values: (string | number | null)[];
  description?: string;
}

/** A list as one table frame: typed columns, each titled through displayNameFromDS. */
export function buildListFrame(input: {
  refId: string;
  metric: MetricInfo;
  columns: ListColumn[];
  meta: Record<string, unknown>;
  notices: Notice[];
}): FrameJSON {
  return {
    schema: {
      refId: input.refId,
      name: input.metric.title,
      meta: { custom: input.meta, ...(input.notices.length ? { notices: input.notices } : {}) },
      fields: input.columns.map((c) => ({
        name: c.name,
        type: c.type,
        config: {
          displayNameFromDS: c.title,
          ...(c.description ? { description: c.description } : {}),
        },
      })),
    },
    data: { values: input.columns.map((c) => c.values) },
  };
}

/**
 * The answer to a query the privacy mode does not allow (per-user figures in aggregate mode): no
 * fields, and the reason as an info notice. `meta.custom.unavailable` tells clients it is deliberate,
 * so dashboards show the explanation instead of an error.
 */
export function unavailableFrame(input: {
  refId: string;
  metric: MetricInfo;
  /** `privacy`: the privacy mode keeps no such rows; `identity`: the viewer may not, or must sign in. */
  reason: 'privacy' | 'identity';
  mode: string;
  text: string;
}): FrameJSON {
  return {
    schema: {
      refId: input.refId,
      name: input.metric.title,
      meta: {
        custom: {
          metric: input.metric.id,
          unavailable: { reason: input.reason, mode: input.mode, text: input.text },
        },
        notices: [{ severity: 'info', text: input.text }],
      },
      fields: [],
    },
    data: { values: [] },
  };
}
