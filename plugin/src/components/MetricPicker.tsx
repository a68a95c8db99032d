import { Combobox, type ComboboxOption } from '@grafana/ui';
import { useMemo } from 'react';
import type { Catalog } from '../api';
import { listOrVariable, variableOptions } from './hooks';

interface Props {
  id: string;
  catalog?: Catalog;
  loading: boolean;
  value?: string;
  invalid?: boolean;
  onChange: (metric: string) => void;
}

/** Metrics of the catalog, grouped by family, each with its description under its title. */
export function MetricPicker({ id, catalog, loading, value, invalid, onChange }: Props) {
  const options = useMemo(() => metricOptions(catalog), [catalog]);
  const search = useMemo(() => listOrVariable(options), [options]);
  return (
    <Combobox
      id={id}
      options={search}
      value={value ? (options.find((option) => option.value === value) ?? { value, label: value }) : null}
      placeholder="Choose a metric"
      loading={loading}
      invalid={invalid}
      onChange={(option) => onChange(option.value)}
    />
  );
}

/** Families in the catalog's order, so related metrics stay together under one heading. */
export function metricOptions(catalog: Catalog | undefined): Array<ComboboxOption<string>> {
  const families = [...new Set(catalog?.metrics.map((metric) => metric.family))];
  const metrics = families.flatMap((family) => catalog!.metrics.filter((metric) => metric.family === family));
  return [
    ...metrics.map((metric) => ({
      value: metric.id,
      label: metric.title,
      description: metric.description,
      group: metric.family,
    })),
    ...variableOptions(),
  ];
}
