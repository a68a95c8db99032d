/**
 * Template variables: the values of one dimension (scope, team, user, ide, ...) from the ingester's
 * dimensions endpoint, within the dashboard's time range. Implemented as its own small class with its
 * own editor, because a variable asks for something different from a panel query.
 */
import type { DimensionValue } from '@copilot-metrics/contract';
import {
  CustomVariableSupport,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceApi,
  FieldType,
  type ScopedVars,
  createDataFrame,
} from '@grafana/data';
import { from, map, type Observable } from 'rxjs';
import type { EditorDataSource } from './components/editor';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { interpolateOne } from './templating';
import type { CopilotDataSourceOptions, CopilotQuery, CopilotVariableQuery } from './types';

/** Grafana's variable for the text typed in a query variable's picker (SEARCH_FILTER_VARIABLE in Grafana). */
export const SEARCH_FILTER = '__searchFilter';

/** Grafana hands the variable editor this data source; the editor reads only the EditorDataSource part. */
type VariableDataSource = DataSourceApi<CopilotQuery, CopilotDataSourceOptions> & EditorDataSource;

export class CopilotVariableSupport extends CustomVariableSupport<
  VariableDataSource,
  CopilotVariableQuery,
  CopilotQuery,
  CopilotDataSourceOptions
> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: Pick<EditorDataSource, 'dimensionValues'>) {
    super();
  }

  /** CustomVariableSupport.query: the values as a frame of text/value pairs. */
  query(request: DataQueryRequest<CopilotVariableQuery>): Observable<DataQueryResponse> {
    const [query] = request.targets;
    return from(this.values(query, request)).pipe(
      map((values) => ({
        data: [
          createDataFrame({
            refId: query.refId,
            fields: [
              { name: 'text', type: FieldType.string, values: values.map((v) => v.label) },
              { name: 'value', type: FieldType.string, values: values.map((v) => v.value) },
            ],
          }),
        ],
      })),
    );
  }

  /**
   * Values of a dimension for a template variable, within the dashboard's range. A search of
   * `$__searchFilter` is what the person types in the variable's picker: Grafana re-runs a query
   * variable whose query contains it with `scopedVars.__searchFilter` set to the typed text (scenes'
   * QueryVariable.getRequest), and leaves it unset when nothing is typed; then it stands for no text,
   * as Grafana's getSearchFilterScopedVar makes it with no wildcard (the ingester searches substrings).
   */
  private async values(
    query: CopilotVariableQuery,
    request: DataQueryRequest<CopilotVariableQuery>,
  ): Promise<DimensionValue[]> {
    if (!query?.dimension) return [];
    const scopedVars: ScopedVars = {
      [SEARCH_FILTER]: { text: '', value: '' },
      ...request.scopedVars,
    };
    return this.datasource.dimensionValues(query.dimension, {
      scope: interpolateOne('scope', query.scope, request.scopedVars),
      search: interpolateOne('search', query.search, scopedVars),
      from: request.range?.from.toISOString().slice(0, 10),
      to: request.range?.to.toISOString().slice(0, 10),
    });
  }
}
