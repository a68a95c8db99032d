import type { TimeRange } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import {
  Button,
  Combobox,
  type ComboboxOption,
  IconButton,
  InlineField,
  InlineFieldRow,
  MultiCombobox,
} from '@grafana/ui';
import { useCallback, useState } from 'react';
import type { Catalog } from '../api';
import { dimensionLabel, filterDimensionsFor } from '../catalog';
import type { EditorDataSource } from './editor';
import { variableOptions } from './hooks';

interface Props {
  id: string;
  datasource: EditorDataSource;
  catalog?: Catalog;
  metric?: string;
  groupBy?: string;
  scope?: string;
  range?: TimeRange;
  filters: Record<string, string[]>;
  labelWidth: number;
  onChange: (filters: Record<string, string[]>) => void;
}

/**
 * One row per filtered dimension, with the values to keep. Only dimensions the catalog allows for the
 * metric, together with its grouping and other filters, can be added; values come from the ingester,
 * within the panel's time range.
 */
export function FiltersEditor(props: Props) {
  const { id, datasource, catalog, metric, groupBy, scope, range, filters, labelWidth, onChange } = props;
  const [adding, setAdding] = useState(false);
  const free = filterDimensionsFor(catalog, metric, { groupBy, filters }).filter(
    (dimension) => !(dimension in filters),
  );
  const without = (dimension: string) =>
    Object.fromEntries(Object.entries(filters).filter(([key]) => key !== dimension));

  return (
    <>
      {Object.entries(filters).map(([dimension, values]) => (
        <InlineFieldRow key={dimension}>
          <InlineField
            label={dimensionLabel(dimension)}
            labelWidth={labelWidth}
            tooltip={`Keep only these ${dimensionLabel(dimension).toLowerCase()} values; several values are OR-ed.`}
          >
            <FilterValues
              id={`${id}-${dimension}`}
              datasource={datasource}
              dimension={dimension}
              scope={scope}
              range={range}
              values={values}
              onChange={(next) => onChange({ ...filters, [dimension]: next })}
            />
          </InlineField>
          <IconButton
            name="times"
            tooltip={`Remove the ${dimensionLabel(dimension).toLowerCase()} filter`}
            onClick={() => onChange(without(dimension))}
          />
        </InlineFieldRow>
      ))}
      {adding ? (
        <InlineFieldRow>
          <InlineField label="Filter by" labelWidth={labelWidth}>
            <Combobox
              id={`${id}-new`}
              width={32}
              autoFocus
              options={free.map((dimension) => ({ value: dimension, label: dimensionLabel(dimension) }))}
              placeholder="Choose a dimension"
              onChange={(option) => {
                setAdding(false);
                onChange({ ...filters, [option.value]: [] });
              }}
            />
          </InlineField>
          <IconButton name="times" tooltip="Cancel" onClick={() => setAdding(false)} />
        </InlineFieldRow>
      ) : (
        <InlineFieldRow>
          {/* InlineField passes `disabled` on to its child, so it is set here, not on the button. */}
          <InlineField
            label="Filters"
            labelWidth={labelWidth}
            disabled={!free.length}
            tooltip="Keep only some values of a dimension. Only the dimensions this metric can be broken down by are offered."
          >
            <Button variant="secondary" icon="plus" onClick={() => setAdding(true)}>
              Add filter
            </Button>
          </InlineField>
        </InlineFieldRow>
      )}
    </>
  );
}

interface ValuesProps {
  id: string;
  datasource: EditorDataSource;
  dimension: string;
  scope?: string;
  range?: TimeRange;
  values: string[];
  onChange: (values: string[]) => void;
}

function FilterValues({ id, datasource, dimension, scope, range, values, onChange }: ValuesProps) {
  const options = useCallback(
    async (search: string): Promise<Array<ComboboxOption<string>>> => {
      const found = await datasource.dimensionValues(dimension, {
        scope: (scope ? getTemplateSrv().replace(scope) : undefined) || datasource.defaultScope,
        from: range?.from.toISOString().slice(0, 10),
        to: range?.to.toISOString().slice(0, 10),
        search,
      });
      return [...found.map((value) => ({ value: value.value, label: value.label })), ...variableOptions()];
    },
    [datasource, dimension, scope, range],
  );
  return (
    <MultiCombobox
      id={id}
      width="auto"
      minWidth={32}
      maxWidth={80}
      options={options}
      value={values.map((value) => ({ value, label: value }))}
      placeholder="Any value"
      createCustomValue
      customValueDescription="Use this value or template variable"
      onChange={(selected) => onChange(selected.map((option) => option.value))}
    />
  );
}
