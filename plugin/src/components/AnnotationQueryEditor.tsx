import type { AnnotationQuery, QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, MultiCombobox, Stack } from '@grafana/ui';
import { useId } from 'react';
import type { DataSource } from '../datasource';
import {
  ANNOTATION_KINDS,
  type AnnotationKind,
  type CopilotDataSourceOptions,
  type CopilotQuery,
} from '../types';
import { ScopePicker } from './ScopePicker';

type Props = QueryEditorProps<DataSource, CopilotQuery, CopilotDataSourceOptions> & {
  annotation?: AnnotationQuery<CopilotQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<CopilotQuery>) => void;
};

/** Which scope to mark, and which kinds of day; by default every kind. */
export function AnnotationQueryEditor({ datasource, query, onChange }: Props) {
  const id = useId();
  const change = (next: Partial<CopilotQuery>) => onChange({ ...query, ...next, queryType: 'annotations' });
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField
          label="Scope"
          labelWidth={14}
          tooltip="The enterprise or organization whose sync to show."
        >
          <ScopePicker
            id={`${id}-scope`}
            datasource={datasource}
            value={query.scope}
            emptyMeaning={datasource.defaultScope ? `Default: ${datasource.defaultScope}` : 'All scopes'}
            onChange={(scope) => change({ scope })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Mark" labelWidth={14} tooltip="Kinds of day to mark on time-series panels.">
          <MultiCombobox
            id={`${id}-kinds`}
            width="auto"
            minWidth={32}
            options={ANNOTATION_KINDS.map((kind) => ({ ...kind }))}
            value={query.annotationKinds ?? []}
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
