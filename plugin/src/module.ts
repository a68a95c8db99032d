import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import type { CopilotDataSourceOptions, CopilotQuery, CopilotSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<
  DataSource,
  CopilotQuery,
  CopilotDataSourceOptions,
  CopilotSecureJsonData
>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
