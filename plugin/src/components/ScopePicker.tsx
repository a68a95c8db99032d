import { Combobox, type ComboboxOption } from '@grafana/ui';
import { useCallback } from 'react';
import type { EditorDataSource } from './editor';
import { variableOptions } from './hooks';

interface Props {
  id: string;
  datasource: Pick<EditorDataSource, 'dimensionValues'>;
  value?: string;
  /** What an empty scope means here, shown as the placeholder. */
  emptyMeaning: string;
  onChange: (scope: string | undefined) => void;
  width?: number;
}

/** The scopes the ingester holds (`organization:<login>`, `enterprise:<slug>`), loaded when opened. */
export function ScopePicker({ id, datasource, value, emptyMeaning, onChange, width = 40 }: Props) {
  const options = useCallback(
    async (search: string): Promise<Array<ComboboxOption<string>>> => {
      const scopes = await datasource.dimensionValues('scope', { search });
      return [...scopes.map((scope) => ({ value: scope.value, label: scope.label })), ...variableOptions()];
    },
    [datasource],
  );
  return (
    <Combobox
      id={id}
      width={width}
      options={options}
      value={value || null}
      placeholder={emptyMeaning}
      isClearable
      createCustomValue
      onChange={(option) => onChange(option?.value || undefined)}
    />
  );
}
