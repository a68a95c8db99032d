import { Combobox } from '@grafana/ui';
import type { Catalog } from '../api';
import { dimensionLabel, groupingsFor } from '../catalog';
import { listOrVariable, variableOptions } from './hooks';

interface Props {
  id: string;
  catalog?: Catalog;
  metric?: string;
  filters?: Record<string, string[]>;
  value?: string;
  invalid?: boolean;
  onChange: (groupBy: string) => void;
}

/** Only the groupings the catalog lists for the chosen metric that combine with its filters. */
export function GroupByPicker({ id, catalog, metric, filters, value, invalid, onChange }: Props) {
  const descriptions = new Map(catalog?.dimensions.map((dimension) => [dimension.id, dimension.description]));
  const options = [
    ...groupingsFor(catalog, metric, { filters }).map((dimension) => ({
      value: dimension,
      label: dimensionLabel(dimension),
      description: descriptions.get(dimension),
    })),
    ...variableOptions(),
  ];
  const current = value || 'none';
  return (
    <Combobox
      id={id}
      width={32}
      // Typed text is taken only as a variable: any other grouping would be one the metric lacks.
      options={listOrVariable(options)}
      value={options.find((option) => option.value === current) ?? { value: current, label: current }}
      invalid={invalid}
      onChange={(option) => onChange(option.value)}
    />
  );
}
