/**
 * Template variables: the values of one dimension (scope, team, user, ide, ...) from the ingester's
 * dimensions endpoint, within the dashboard's time range. Implemented as its own small class with its
 * own editor, because a variable asks for something different from a panel query.
 */
import {
  CustomVariableSupport,
  type DataQueryRequest,
  type DataQueryResponse,
  FieldType,
  createDataFrame,
} from '@grafana/data';
import { from, map, type Observable } from 'rxjs';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import type { CopilotDataSourceOptions, CopilotQuery, CopilotVariableQuery } from './types';

export class CopilotVariableSupport extends CustomVariableSupport<
  DataSource,
  CopilotVariableQuery,
  CopilotQuery,
  CopilotDataSourceOptions
> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<CopilotVariableQuery>): Observable<DataQueryResponse> {
    const [query] = request.targets;
    return from(this.datasource.variableValues(query, request)).pipe(
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
}
