import type { AnnotationKind } from '@copilot-metrics/contract';
import type { AnnotationQuery } from '@grafana/data';
import { InlineField, InlineFieldRow, MultiCombobox, Stack } from '@grafana/ui';
import { useId } from 'react';
import { ANNOTATION_KIND_OPTIONS, type AnnotationsQuery, type CopilotQuery } from '../types';
import { type EditorProps, LABEL_WIDTH } from './editor';
import { ScopePicker } from './ScopePicker';

/** Grafana gives the annotation editor the dashboard's annotation too; this editor needs only its target. */
type Props = EditorProps<CopilotQuery> & {
  annotation?: AnnotationQuery<CopilotQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<CopilotQuery>) => void;
};

/** Which scope to mark, and which kinds of day; by default every kind. */
export function AnnotationQueryEditor({ datasource, query, onChange }: Props) {
  const id = useId();
  // Whatever the target was saved as, it is edited, and saved, as an annotations query.
  const current: AnnotationsQuery = { ...query, queryType: 'annotations' };
  const change = (next: Partial<AnnotationsQuery>) => onChange({ ...current, ...next });
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField
          label="Scope"
          labelWidth={LABEL_WIDTH}
          tooltip="The enterprise or organization whose sync to show."
        >
          <ScopePicker
            id={`${id}-scope`}
            datasource={datasource}
            value={current.scope}
            emptyMeaning={datasource.defaultScope ? `Default: ${datasource.defaultScope}` : 'All scopes'}
            onChange={(scope) => change({ scope })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Mark"
          labelWidth={LABEL_WIDTH}
          tooltip="Kinds of day to mark on time-series panels."
        >
          <MultiCombobox
            id={`${id}-kinds`}
            width="auto"
            minWidth={32}
            options={ANNOTATION_KIND_OPTIONS}
            value={current.annotationKinds ?? []}
            placeholder="Every kind"
            onChange={(selected) =>
              change({ annotationKinds: selected.map((option) => option.value as AnnotationKind) })
            }
          />
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}
