/**
 * Annotations: days the store has no final figures for (not synced, no report from GitHub, a failed
 * sync, or too recent for GitHub to have finalized), as regions on time-series panels. The query is a
 * CopilotQuery with queryType `annotations`, so it runs through DataSource.query like any other.
 */
import { type AnnotationEvent, type AnnotationSupport, type DataFrame, DataFrameView } from '@grafana/data';
import { config } from '@grafana/runtime';
import { of } from 'rxjs';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { type CopilotQuery, DEFAULT_ANNOTATION_QUERY } from './types';

/** One colour per kind, so a failed sync does not look like a day GitHub has yet to finalize. */
const KIND_COLORS: Record<string, string> = {
  'sync-failed': 'red',
  gap: 'orange',
  'no-data': 'yellow',
  provisional: 'blue',
};

interface AnnotationRow {
  time: number;
  timeEnd: number;
  title: string;
  text: string;
  tags: string[];
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
