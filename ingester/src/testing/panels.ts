/**
 * Every panel of the provisioned dashboards as Grafana sends it when a dashboard opens: one request per
 * panel with all its targets, template variables at their defaults (the enterprise scope, filters at
 * All, all days, the top 100 people, no person search) and the interval chosen. The benchmarks time
 * them; the engine tests compare their answers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type QueryBody = Record<string, unknown>;

export interface PanelRequest {
  /** `<dashboard file>: <panel title>` */
  name: string;
  queries: QueryBody[];
}

const DASHBOARDS_DIR = join(__dirname, '..', '..', '..', 'dashboards', 'json', 'Copilot');

interface Panel {
  title?: string;
  panels?: Panel[];
  targets?: (QueryBody & { metric?: string })[];
}

/** Every panel with metric targets, in dashboard file order; `only` keeps the files starting with it. */
export function dashboardPanels(enterprise: string, interval = 'day', only?: string): PanelRequest[] {
  const requests: PanelRequest[] = [];
  for (const file of readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    if (only && !file.startsWith(only)) continue;
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Panel;
    const walk = (panels: Panel[]) => {
      for (const panel of panels) {
        if (panel.panels) walk(panel.panels);
        const targets = (panel.targets ?? []).filter((t) => typeof t.metric === 'string');
        if (!targets.length) continue;
        requests.push({
          name: `${file.replace(/\.json$/, '')}: ${panel.title ?? '(untitled)'}`,
          queries: targets.map((target) => interpolate(target, enterprise, interval)),
        });
      }
    };
    walk(dashboard.panels ?? []);
  }
  return requests;
}

function interpolate(target: QueryBody, enterprise: string, interval: string): QueryBody {
  const query: QueryBody = {};
  for (const [key, value] of Object.entries(target)) {
    if (key === 'datasource' || key === 'hide' || key === 'key') continue;
    query[key] = value;
  }
  if (query.scope === '$scope') query.scope = `enterprise:${enterprise}`;
  if (query.interval === '$interval') query.interval = interval;
  if (query.days === '$days') query.days = 'all';
  // The Users dashboard's Top (100 when it opens) and Person search (empty) variables.
  if (query.limit === '$top') query.limit = 100;
  if (query.search === '$person') delete query.search;
  const filters = (query.filters ?? {}) as Record<string, string[]>;
  query.filters = Object.fromEntries(
    Object.entries(filters)
      .map(([dim, values]) => [dim, values.filter((v) => !v.startsWith('$'))] as const)
      .filter(([, values]) => values.length > 0),
  );
  return query;
}
