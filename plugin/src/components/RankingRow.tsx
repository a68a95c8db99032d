import { Combobox, InlineField, InlineFieldRow, Input } from '@grafana/ui';
import { useEffect, useState } from 'react';
import type { Catalog } from '../api';
import type { MetricsQuery } from '../types';
import { listOrVariable } from './hooks';
import { metricOptions } from './MetricPicker';

interface Props {
  id: string;
  query: MetricsQuery;
  catalog?: Catalog;
  labelWidth: number;
  onChange: (query: MetricsQuery) => void;
}

/**
 * A query of people (grouped by user): the metric its top N are ranked by, so that every column of a
 * table keeps the same people (`rankBy`), and a person search (`search`).
 */
export function RankingRow({ id, query, catalog, labelWidth, onChange }: Props) {
  const [search, setSearch] = useState(query.search ?? '');
  useEffect(() => setSearch(query.search ?? ''), [query.search]);
  if (query.groupBy !== 'user' && !query.rankBy && !query.search) return null;
  const metrics = metricOptions(catalog);
  const commitSearch = () => {
    if (search === (query.search ?? '')) return;
    const next: MetricsQuery = { ...query, search };
    if (!search) delete next.search;
    onChange(next);
  };
  return (
    <InlineFieldRow>
      <InlineField
        label="Rank by"
        labelWidth={labelWidth}
        tooltip="With a limit, keep the people with the largest totals of this metric rather than of the query's own: give every column of a table the metric it sorts on, and its rows are the same people."
      >
        <Combobox
          id={`${id}-rank-by`}
          width={32}
          isClearable
          placeholder="The query's metric"
          options={listOrVariable(metrics)}
          value={
            query.rankBy ? (metrics.find((o) => o.value === query.rankBy) ?? { value: query.rankBy }) : null
          }
          onChange={(option) => {
            const next: MetricsQuery = { ...query, rankBy: option?.value };
            if (!option?.value) delete next.rankBy;
            onChange(next);
          }}
        />
      </InlineField>
      <InlineField
        label="Search people"
        tooltip="Only people whose login contains this text (case-insensitive, searched by the ingester); may be a variable such as $person."
      >
        <Input
          id={`${id}-search`}
          width={24}
          placeholder="Everyone"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          onBlur={commitSearch}
          onKeyDown={(event) => event.key === 'Enter' && commitSearch()}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
