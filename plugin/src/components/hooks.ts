import type { ComboboxOption } from '@grafana/ui';
import { getTemplateSrv } from '@grafana/runtime';
import { useEffect, useState } from 'react';
import type { Catalog } from '../api';
import { hasVariable } from '../templating';
import type { EditorDataSource } from './editor';

export interface CatalogState {
  catalog?: Catalog;
  loading: boolean;
  error?: string;
}

/** The ingester's catalog for the editors; the data source fetches it once and shares it. */
export function useCatalog(datasource: Pick<EditorDataSource, 'catalog'>): CatalogState {
  const [state, setState] = useState<CatalogState>({ loading: true });
  useEffect(() => {
    let current = true;
    setState({ loading: true });
    datasource.catalog().then(
      (catalog) => current && setState({ catalog, loading: false }),
      (error: Error) => current && setState({ loading: false, error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [datasource]);
  return state;
}

/** The dashboard's variables as picker options, so `$team` can be chosen as well as typed. */
export function variableOptions(): Array<ComboboxOption<string>> {
  return getTemplateSrv()
    .getVariables()
    .map((variable) => ({ value: `$${variable.name}`, label: `$${variable.name}`, group: 'Variables' }));
}

/**
 * Options for a picker whose values come from a fixed list: filtered by what the user types, and a
 * typed template variable (`$bucket`) becomes an option of its own. Any other text matches nothing,
 * so a value outside the list cannot be chosen.
 */
export function listOrVariable(options: Array<ComboboxOption<string>>) {
  return async (input: string): Promise<Array<ComboboxOption<string>>> => {
    const typed = input.trim();
    const needle = typed.toLowerCase();
    const matching = options.filter((option) =>
      `${option.label ?? ''}\u0000${option.value}`.toLowerCase().includes(needle),
    );
    // Within each group, an exact title first, then titles that start with the text: typing "Active
    // users" then Enter picks that metric, not "Daily active users".
    const rank = (option: ComboboxOption<string>) => {
      const label = (option.label ?? option.value).toLowerCase();
      return label === needle ? 0 : label.startsWith(needle) ? 1 : 2;
    };
    const groups = [...new Set(matching.map((option) => option.group))];
    const ordered = groups.flatMap((group) =>
      matching.filter((option) => option.group === group).sort((a, b) => rank(a) - rank(b)),
    );
    const variable =
      hasVariable(typed) && !options.some((option) => option.value === typed)
        ? [{ value: typed, label: typed, description: 'Template variable', group: 'Variables' }]
        : [];
    return [...ordered, ...variable];
  };
}
