import { Alert, Combobox, InlineField, InlineFieldRow, Input, Stack } from '@grafana/ui';
import { useEffect, useId, useState } from 'react';
import { dimensionLabel } from '../catalog';
import { type CopilotVariableQuery, DEFAULT_VARIABLE_QUERY } from '../types';
import { type EditorProps, LABEL_WIDTH } from './editor';
import { useCatalog } from './hooks';
import { ScopePicker } from './ScopePicker';

/** A variable lists the values of one dimension, optionally within one scope and containing a text. */
export function VariableQueryEditor({ datasource, query, onChange }: EditorProps<CopilotVariableQuery>) {
  const id = useId();
  const { catalog, loading, error } = useCatalog(datasource);
  const current: CopilotVariableQuery = {
    ...DEFAULT_VARIABLE_QUERY,
    ...query,
    refId: query?.refId || 'CopilotVariable',
  };
  const [search, setSearch] = useState(current.search ?? '');

  // A new variable shows the default dimension; saving it must store it too.
  useEffect(() => {
    if (!query?.dimension) onChange(current);
    // Only when the editor opens: `current` is rebuilt on every render.
  }, []);

  const dimensions = ['scope', ...(catalog?.dimensions.map((d) => d.id).filter((d) => d !== 'none') ?? [])];
  const descriptions = new Map(catalog?.dimensions.map((d) => [d.id, d.description]));
  descriptions.set('scope', 'Enterprises and organizations the ingester holds, e.g. organization:my-org');

  return (
    <Stack direction="column" gap={0}>
      {error && (
        <Alert severity="error" title="Could not load the dimensions from the ingester">
          {error}
        </Alert>
      )}
      <InlineFieldRow>
        <InlineField
          label="Values of"
          labelWidth={LABEL_WIDTH}
          tooltip="The dimension whose values the variable lists."
        >
          <Combobox
            id={`${id}-dimension`}
            width={32}
            loading={loading}
            options={dimensions.map((dimension) => ({
              value: dimension,
              label: dimensionLabel(dimension),
              description: descriptions.get(dimension),
            }))}
            value={{ value: current.dimension, label: dimensionLabel(current.dimension) }}
            onChange={(option) => onChange({ ...current, dimension: option.value })}
          />
        </InlineField>
      </InlineFieldRow>
      {current.dimension !== 'scope' && (
        <InlineFieldRow>
          <InlineField
            label="Scope"
            labelWidth={LABEL_WIDTH}
            tooltip="Only values seen in this scope; may be another variable, e.g. $scope."
          >
            <ScopePicker
              id={`${id}-scope`}
              datasource={datasource}
              value={current.scope}
              emptyMeaning="All scopes"
              onChange={(scope) => onChange({ ...current, scope })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      <InlineFieldRow>
        <InlineField
          label="Containing"
          labelWidth={LABEL_WIDTH}
          tooltip="Only values that contain this text (case-insensitive). $__searchFilter is what is typed in the variable's picker: the ingester searches as you type instead of listing every value (use it for users)."
        >
          <Input
            id={`${id}-search`}
            width={32}
            placeholder="Any text, or $__searchFilter"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            onBlur={() =>
              search !== (current.search ?? '') && onChange({ ...current, search: search || undefined })
            }
          />
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}
