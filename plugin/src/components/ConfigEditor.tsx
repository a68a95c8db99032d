import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import type { ChangeEvent } from 'react';
import type { CopilotDataSourceOptions, CopilotSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<CopilotDataSourceOptions, CopilotSecureJsonData>;

const SCOPE_PATTERN = /^(enterprise|organization):[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Where the ingester is, the token it expects, and the scope queries read by default. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const setJsonData = (patch: Partial<CopilotDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  const url = jsonData.ingesterUrl ?? '';
  const scope = jsonData.defaultScope ?? '';
  const urlProblem = url && !/^https?:\/\/[^/\s]+/.test(url) ? 'Use an http:// or https:// URL' : undefined;
  const scopeProblem =
    scope && !SCOPE_PATTERN.test(scope) ? 'Use organization:<login> or enterprise:<slug>' : undefined;

  return (
    <>
      <FieldSet label="Ingester">
        <Field
          label="Ingester URL"
          description="Where the Grafana server (not your browser) reaches the ingester, e.g. http://ingester:8080 in docker compose."
          required
          invalid={!!urlProblem}
          error={urlProblem}
        >
          <Input
            id="config-ingester-url"
            width={60}
            placeholder="http://ingester:8080"
            value={url}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              setJsonData({ ingesterUrl: event.currentTarget.value.trim() })
            }
            // The proxy appends each API path to this URL: a trailing slash would double it.
            onBlur={() => url.endsWith('/') && setJsonData({ ingesterUrl: url.replace(/\/+$/, '') })}
          />
        </Field>
        <Field
          label="API token"
          description="The ingester's INGESTER_API_TOKEN. Stored encrypted: Grafana's data source proxy adds it to each request, and it never reaches the browser. Leave empty if the ingester runs without one."
        >
          <SecretInput
            id="config-api-token"
            width={60}
            placeholder="INGESTER_API_TOKEN"
            isConfigured={!!secureJsonFields?.apiToken}
            value={secureJsonData?.apiToken ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              onOptionsChange({
                ...options,
                secureJsonData: { ...secureJsonData, apiToken: event.currentTarget.value },
              })
            }
            onReset={() =>
              onOptionsChange({
                ...options,
                secureJsonFields: { ...secureJsonFields, apiToken: false },
                secureJsonData: { ...secureJsonData, apiToken: '' },
              })
            }
          />
        </Field>
      </FieldSet>
      <FieldSet label="Queries">
        <Field
          label="Default scope"
          description="Read by queries and annotations that leave their scope empty. Needed when the ingester syncs several organizations or enterprises."
          invalid={!!scopeProblem}
          error={scopeProblem}
        >
          <Input
            id="config-default-scope"
            width={60}
            placeholder="organization:my-org"
            value={scope}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              setJsonData({ defaultScope: event.currentTarget.value.trim() || undefined })
            }
          />
        </Field>
      </FieldSet>
    </>
  );
}
