/**
 * Annotations: days the store has no final figures for (not synced, no report from GitHub, a failed
 * sync, or too recent for GitHub to have finalized), and the holidays that working-day figures leave
 * out (HOLIDAYS_FILE), as regions on time-series panels. The query is an
 * AnnotationsQuery (queryType `annotations`), so it runs through DataSource.query like any other: the
 * ingester's annotations become one frame, and `processEvents` turns its rows into events.
 */
import type { Annotation } from '@copilot-metrics/contract';
import {
  type AnnotationEvent,
  type AnnotationSupport,
  type DataFrame,
  DataFrameView,
  FieldType,
  createDataFrame,
} from '@grafana/data';
import { config } from '@grafana/runtime';
import { of } from 'rxjs';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { type AnnotationsQuery, type CopilotQuery, DEFAULT_ANNOTATION_QUERY } from './types';

/**
 * One colour per kind, so a failed sync does not look like a day GitHub has yet to finalize, nor a
 * holiday like missing data.
 */
const KIND_COLORS: Record<string, string> = {
  'sync-failed': 'red',
  gap: 'orange',
  'no-data': 'yellow',
  provisional: 'blue',
  holiday: 'purple',
};

interface AnnotationRow {
  time: number;
  timeEnd: number;
  title: string;
  text: string;
  tags: string[];
}

/** The ingester's annotations of the kinds the query marks (every kind when it names none), as one frame. */
export function annotationsFrame(query: AnnotationsQuery, annotations: Annotation[]): DataFrame {
  const kinds: string[] = query.annotationKinds ?? [];
  const shown = kinds.length
    ? annotations.filter((a) => a.tags.some((tag) => kinds.includes(tag)))
    : annotations;
  return createDataFrame({
    refId: query.refId,
    name: 'Copilot metrics sync',
    fields: [
      { name: 'time', type: FieldType.time, values: shown.map((a) => a.time) },
      { name: 'timeEnd', type: FieldType.time, values: shown.map((a) => a.timeEnd) },
      { name: 'title', type: FieldType.string, values: shown.map((a) => a.title) },
      { name: 'text', type: FieldType.string, values: shown.map((a) => a.text) },
      { name: 'tags', type: FieldType.other, values: shown.map((a) => a.tags) },
      { name: 'scope', type: FieldType.string, values: shown.map((a) => a.scope) },
      { name: 'report', type: FieldType.string, values: shown.map((a) => a.report) },
    ],
  });
}

export function toAnnotationEvents(frame: DataFrame): AnnotationEvent[] {
  return new DataFrameView<AnnotationRow>(frame).map((row) => {
    const kind = row.tags.find((tag) => tag in KIND_COLORS);
    return {
      time: row.time,
      timeEnd: row.timeEnd,
      isRegion: row.timeEnd > row.time,
      title: row.title,
      text: row.text,
      tags: [...row.tags],
      ...(kind ? { color: config.theme2.visualization.getColorByName(KIND_COLORS[kind]) } : {}),
    };
  });
}

export const copilotAnnotations: AnnotationSupport<CopilotQuery> = {
  QueryEditor: AnnotationQueryEditor,
  getDefaultQuery: () => DEFAULT_ANNOTATION_QUERY,
  // Annotations saved before this editor existed have no target: give them one that marks everything.
  prepareAnnotation: (json) => ({
    ...json,
    target: { refId: 'Anno', ...json?.target, queryType: 'annotations' },
  }),
  prepareQuery: (annotation) => annotation.target && { ...annotation.target, queryType: 'annotations' },
  processEvents: (_annotation, frames) => of(frames.flatMap(toAnnotationEvents)),
};
