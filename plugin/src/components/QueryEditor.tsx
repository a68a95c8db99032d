import { Alert, ErrorBoundaryAlert, InlineField, InlineFieldRow, Stack } from '@grafana/ui';
import { useId } from 'react';
import { catalogProblems, findMetric, fitToMetric } from '../catalog';
import { type CopilotQuery, isAnnotationsQuery, type MetricsQuery } from '../types';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import { type EditorProps, LABEL_WIDTH } from './editor';
import { FiltersEditor } from './FiltersEditor';
import { GroupByPicker } from './GroupByPicker';
import { useCatalog } from './hooks';
import { MetricPicker } from './MetricPicker';
import { OptionsRow } from './OptionsRow';
import { RankingRow } from './RankingRow';
import { ScopePicker } from './ScopePicker';

/**
 * Top-level query editor: the editor of the query's type (a query saved without one is a metrics
 * query). Wrapped in an error boundary so that a crash while rendering shows an alert in the query row
 * instead of breaking the whole panel editor.
 */
export function QueryEditor(props: EditorProps<CopilotQuery>) {
  const { query } = props;
  return (
    <ErrorBoundaryAlert title="The Copilot usage metrics query editor failed to load" style="alertbox">
      {isAnnotationsQuery(query) ? (
        <AnnotationQueryEditor {...props} query={query} />
      ) : (
        <MetricQueryEditor {...props} query={query} />
      )}
    </ErrorBoundaryAlert>
  );
}

/** Scope, metric, grouping, filters and options; every change runs the query. */
function MetricQueryEditor({ datasource, query, onChange, onRunQuery, range }: EditorProps<MetricsQuery>) {
  const id = useId();
  const { catalog, loading, error } = useCatalog(datasource);
  const metric = findMetric(catalog, query.metric);
  const problems = catalogProblems(catalog, query);
  const change = (next: MetricsQuery) => {
    onChange(next);
    onRunQuery();
  };

  return (
    <Stack direction="column" gap={0}>
      {error && (
        <Alert severity="error" title="Could not load the metric catalog from the ingester">
          {error}. Check the data source settings (Save &amp; test).
        </Alert>
      )}
      <InlineFieldRow>
        <InlineField label="Scope" labelWidth={LABEL_WIDTH} tooltip="The enterprise or organization to read.">
          <ScopePicker
            id={`${id}-scope`}
            datasource={datasource}
            value={query.scope}
            emptyMeaning={datasource.defaultScope ? `Default: ${datasource.defaultScope}` : 'Choose a scope'}
            onChange={(scope) => change({ ...query, scope })}
          />
        </InlineField>
        <InlineField
          label="Metric"
          grow
          loading={loading}
          tooltip={
            metric ? metricTooltip(metric) : 'What to measure; the list comes from the ingester’s catalog.'
          }
        >
          <MetricPicker
            id={`${id}-metric`}
            catalog={catalog}
            loading={loading}
            value={query.metric}
            invalid={problems.some((problem) => problem.field === 'metric')}
            onChange={(next) => change(fitToMetric({ ...query, metric: next }, findMetric(catalog, next)))}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Group by"
          labelWidth={LABEL_WIDTH}
          tooltip="One series (or table row) per value of this dimension; only the breakdowns GitHub reports for this metric are offered."
        >
          <GroupByPicker
            id={`${id}-group-by`}
            catalog={catalog}
            metric={query.metric}
            filters={query.filters}
            value={query.groupBy}
            invalid={problems.some((problem) => problem.field === 'groupBy')}
            onChange={(groupBy) => change({ ...query, groupBy })}
          />
        </InlineField>
      </InlineFieldRow>
      <FiltersEditor
        id={`${id}-filter`}
        datasource={datasource}
        catalog={catalog}
        metric={query.metric}
        groupBy={query.groupBy}
        scope={query.scope}
        range={range}
        filters={query.filters ?? {}}
        labelWidth={LABEL_WIDTH}
        onChange={(filters) => change({ ...query, filters })}
      />
      <OptionsRow id={id} query={query} metric={metric} labelWidth={LABEL_WIDTH} onChange={change} />
      <RankingRow id={id} query={query} catalog={catalog} labelWidth={LABEL_WIDTH} onChange={change} />
      {problems.length > 0 && (
        <Alert severity="warning" title="The ingester will refuse this query">
          {problems.map((problem) => problem.message).join(' ')}
        </Alert>
      )}
    </Stack>
  );
}

function metricTooltip(metric: { description: string; unit: string; aggregation: string; source: string }) {
  return `${metric.description} (unit ${metric.unit}, ${metric.aggregation}, from the ${metric.source})`;
}
