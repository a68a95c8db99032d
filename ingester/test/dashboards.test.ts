/**
 * The provisioned dashboards, statically: the committed JSON is exactly what the typed generator
 * (dashboards/src, built from @grafana/schema's `Dashboard`) writes; uids, titles and data source
 * references are what Grafana provisioning needs; every Copilot query names a metric, grouping and
 * filters the ingester's catalog and planner accept; every panel explains itself with its caveats.
 * plugin/test/dashboards.test.ts runs the same dashboards against a real ingester.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROW_DIMENSIONS, formatsOf, groupingsOf, type Dimension } from '@copilot-metrics/contract';
import { DASHBOARDS, layout, note } from '@copilot-metrics/dashboards';
import type { Dashboard, Panel, RowPanel } from '@grafana/schema';
import { parse } from 'yaml';
import { METRICS } from '../src/query/catalog';

const ROOT = join(__dirname, '..', '..');
const JSON_DIR = join(ROOT, 'dashboards', 'json');
const PLUGIN_ID = JSON.parse(readFileSync(join(ROOT, 'plugin/src/plugin.json'), 'utf8')).id as string;
const provisioned = parse(
  readFileSync(join(ROOT, 'provisioning/grafana/datasources/datasources.yaml'), 'utf8'),
).datasources as { uid: string; type: string }[];

const committed = DASHBOARDS.map(({ folder, file }) => ({
  folder,
  file,
  json: JSON.parse(readFileSync(join(JSON_DIR, folder, file), 'utf8')) as Dashboard,
}));

const panelsOf = (d: Dashboard): Panel[] =>
  (d.panels ?? []).flatMap((p) => (p.type === 'row' ? (p as RowPanel).panels : [p as Panel]));

interface CopilotTarget {
  refId: string;
  datasource?: { uid?: string; type?: string };
  metric: string;
  groupBy: Dimension;
  filters: Record<string, string[]>;
  format: 'time_series' | 'table';
  queryType?: string;
  scope?: string;
  limit?: number | string;
  rankBy?: string;
  search?: string;
}
const copilotTargets = (p: Panel) =>
  ((p.targets ?? []) as unknown as CopilotTarget[]).filter(
    (t) => t.datasource?.uid === 'copilot-metrics' && t.queryType !== 'annotations',
  );

test('the committed JSON is what `npm run dashboards` writes', () => {
  // The generator's own check, as a process: prettier (which formats the JSON) needs native ES modules.
  const check = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'dashboards/src/build.ts'), '--check'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
});

test('each dashboard is a typed @grafana/schema Dashboard, committed as such', () => {
  // DASHBOARDS is typed `Dashboard` by the generator; the committed JSON must be that value exactly.
  const typed: Dashboard[] = DASHBOARDS.map((d) => d.dashboard);
  expect(committed.map((c) => c.json)).toEqual(JSON.parse(JSON.stringify(typed)));
});

test('the set: eleven dashboards with stable uids, no id, titles unique within their folder', () => {
  expect(committed.map((c) => c.json.uid)).toEqual([
    'copilot-overview',
    'copilot-code-generation',
    'copilot-ides',
    'copilot-agents',
    'copilot-pull-requests',
    'copilot-teams',
    'copilot-users',
    'copilot-ingestion',
    'copilot-seats',
    'copilot-my-copilot',
    'copilot-ai-credits',
  ]);
  for (const { json } of committed) {
    expect(json).not.toHaveProperty('id');
    expect(json.uid!.length).toBeLessThanOrEqual(40);
    expect(json.timezone).toBe('utc');
  }
  const byFolder = new Map<string, string[]>();
  for (const c of committed) byFolder.set(c.folder, [...(byFolder.get(c.folder) ?? []), c.json.title!]);
  for (const titles of byFolder.values()) expect(new Set(titles).size).toBe(titles.length);
});

test('data sources are referenced by the provisioned uids, with the plugin id as type', () => {
  const byUid = new Map(provisioned.map((d) => [d.uid, d.type]));
  expect(byUid.get('copilot-metrics')).toBe(PLUGIN_ID);
  expect(byUid.get('copilot-prometheus')).toBe('prometheus');
  for (const { json } of committed) {
    const refs = [
      ...panelsOf(json).flatMap((p) => [
        p.datasource,
        ...((p.targets ?? []) as { datasource?: unknown }[]).map((t) => t.datasource),
      ]),
      ...(json.templating?.list ?? []).map((v) => v.datasource),
      ...(json.annotations?.list ?? []).filter((a) => a.builtIn !== 1).map((a) => a.datasource),
    ].filter(Boolean) as { uid: string; type: string }[];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs)
      expect({ json: json.uid, ref }).toEqual({
        json: json.uid,
        ref: { uid: ref.uid, type: byUid.get(ref.uid) },
      });
  }
});

test('panel ids are unique and every panel is placed on the 24-column grid', () => {
  for (const { json } of committed) {
    const all = (json.panels ?? []) as (Panel | RowPanel)[];
    const ids = all.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of all) {
      expect(p.gridPos!.x + p.gridPos!.w).toBeLessThanOrEqual(24);
    }
  }
});

test('a panel with a fixed id keeps it when panels are added before it; the others skip it', () => {
  const linked = { ...note('Linked by an alert rule', 'x'), id: 3 };
  const ids = (rows: Parameters<typeof layout>[0]) =>
    layout(rows).map((p) => [p.title, p.id] as [string | undefined, number | undefined]);
  expect(ids([{ title: 'Row', panels: [note('a', 'x'), linked, note('b', 'x')] }])).toEqual([
    ['Row', 1],
    ['a', 2],
    ['Linked by an alert rule', 3],
    ['b', 4],
  ]);
  expect(ids([{ title: 'Row', panels: [note('new', 'x'), note('a', 'x'), linked, note('b', 'x')] }])).toEqual(
    [
      ['Row', 1],
      ['new', 2],
      ['a', 4],
      ['Linked by an alert rule', 3],
      ['b', 5],
    ],
  );
  expect(() => layout([{ panels: [linked, { ...note('c', 'x'), id: 3 }] }])).toThrow(
    /panel id 3 is fixed on two panels/,
  );
});

test('every panel has a plain-words description, and the caveats where they apply', () => {
  for (const { json } of committed) {
    for (const p of panelsOf(json)) {
      const where = `${json.title} / ${p.title}`;
      const text = p.description ?? '';
      expect({ where, long: text.length >= 40 }).toEqual({ where, long: true });
      const metrics = copilotTargets(p).map((t) => t.metric);
      const says = (re: RegExp) => ({ where, says: re.test(text) });
      if (metrics.includes('acceptance_rate')) expect(says(/by count/)).toEqual({ where, says: true });
      if (metrics.includes('loc_acceptance_rate')) expect(says(/by lines/i)).toEqual({ where, says: true });
      if (metrics.some((m) => m.startsWith('pull_requests.')))
        expect(says(/not deduplicated.*enterprise totals are deduplicated/)).toEqual({ where, says: true });
      // Teams of the usage reports; a seat's team is the one that assigned it (seats API), which is complete.
      const teams = copilotTargets(p).some(
        (t) => (t.groupBy === 'team' || 'team' in t.filters) && !METRICS.get(t.metric)?.snapshot,
      );
      if (teams) expect(says(/fewer than 5 seats/)).toEqual({ where, says: true });
      if (metrics.some((m) => METRICS.get(m)?.snapshot))
        expect(says(/snapshot|usage reports of the 28 days/)).toEqual({ where, says: true });
    }
  }
});

test('the Seats dashboard explains snapshots, activity, enterprises and the permission in a panel', () => {
  const seats = committed.find((c) => c.json.uid === 'copilot-seats')!.json;
  const content = panelsOf(seats)
    .filter((p) => p.type === 'text')
    .map((p) => (p.options as { content: string }).content)
    .join('\n');
  expect(content).toMatch(/cannot tell past days' seats/);
  expect(content).toMatch(/never-used/);
  expect(content).toMatch(/union of the organizations' seats/);
  expect(content).toMatch(/manage_billing:copilot/);
});

test('the Teams dashboard shows its caveats in a panel, not only in tooltips', () => {
  const teams = committed.find((c) => c.json.uid === 'copilot-teams')!.json;
  const notes = panelsOf(teams).filter((p) => p.type === 'text');
  const content = notes.map((p) => (p.options as { content: string }).content).join('\n');
  expect(content).toMatch(/fewer than 5 seats/);
  expect(content).toMatch(/on that day/);
  expect(content).toMatch(/not deduplicated/);
});

describe('every Copilot query is one the ingester accepts', () => {
  const targets = committed.flatMap(({ json }) =>
    panelsOf(json).flatMap((p) =>
      copilotTargets(p).map((t) => ({ where: `${json.title} / ${p.title} / ${t.refId}`, t })),
    ),
  );

  test.each(targets)('$where', ({ t }) => {
    const metric = METRICS.get(t.metric);
    expect(metric).toBeDefined();
    const groupings = groupingsOf(metric!);
    expect(groupings).toContain(t.groupBy);
    const filters = Object.keys(t.filters) as Dimension[];
    for (const dim of filters) expect(groupings).toContain(dim);
    // The planner needs one table that has the grouping and every filter together (team and user come
    // from joins; repository from the repository rows).
    const needed = [t.groupBy, ...filters].filter(
      (d) => d !== 'none' && !ROW_DIMENSIONS.includes(d) && d !== 'repository',
    );
    // Billing tables keep GitHub's strings as columns of their own (refDimensions), not dictionary ids.
    expect(
      metric!.sources.some((s) => needed.every((d) => d in s.dimensions || d in (s.refDimensions ?? {}))),
    ).toBe(true);
    if (metric!.aggregateOnly)
      expect([t.groupBy, ...filters].filter((d) => ROW_DIMENSIONS.includes(d))).toEqual([]);
    expect(formatsOf(metric!)).toContain(t.format);
    expect(t.scope).toBe('$scope');
    // Ranked by another column: that metric takes the same grouping and filters.
    if (t.rankBy) {
      const by = METRICS.get(t.rankBy);
      expect(by).toBeDefined();
      for (const dim of [t.groupBy, ...filters]) expect(groupingsOf(by!)).toContain(dim);
    }
    if (t.search !== undefined) expect(t.groupBy).toBe('user');
  });
});

describe('per-person tables: the top N people by the sorted column, and a person search', () => {
  const variable = (json: Dashboard, name: string) => json.templating?.list?.find((v) => v.name === name);
  const tables = committed.flatMap(({ json }) =>
    panelsOf(json)
      .filter(
        (p) =>
          p.type === 'table' &&
          copilotTargets(p).some((t) => t.groupBy === 'user' && !t.filters.user?.includes('@me')),
      )
      .map((panel) => ({ where: `${json.title} / ${panel.title}`, json, panel })),
  );

  test('the Users dashboard’s "People over the time range" is one of them', () => {
    expect(tables.map((t) => t.where)).toContain('Copilot users / People over the time range');
  });

  test.each(tables)(
    '$where: $top people by the sorted column, every column for them, $person',
    ({ json, panel }) => {
      const sorted = (panel.options as { sortBy?: { displayName: string; desc: boolean }[] }).sortBy?.[0];
      const renames = panel.transformations?.flatMap((t) =>
        Object.entries((t.options as { renameByName?: Record<string, string> }).renameByName ?? {}),
      );
      // The metric whose (renamed) column the table sorts on, biggest first.
      const sortMetric = copilotTargets(panel).find(
        (t) => renames?.find(([from]) => from === METRICS.get(t.metric)!.title)?.[1] === sorted?.displayName,
      )?.metric;
      expect(sorted?.desc).toBe(true);
      expect(sortMetric).toBeDefined();
      for (const t of copilotTargets(panel))
        expect({ metric: t.metric, limit: t.limit, rankBy: t.rankBy, search: t.search }).toEqual({
          metric: t.metric,
          limit: '$top',
          rankBy: sortMetric,
          search: '$person',
        });
      expect(variable(json, 'top')).toMatchObject({
        type: 'custom',
        current: { value: '100' },
        options: [{ value: '100' }, { value: '1000' }, { text: 'All', value: '*' }],
      });
      expect(variable(json, 'person')).toMatchObject({ type: 'textbox', current: { value: '' } });
      // A login still opens that person's history, with the same selections.
      const links = (panel.fieldConfig?.overrides ?? []).flatMap((o) =>
        o.matcher.options === 'user' ? o.properties.filter((p) => p.id === 'links') : [],
      );
      expect(JSON.stringify(links)).toMatch(/var-user=\$\{__value\.raw\}/);
    },
  );

  test('the user variable searches as you type ($__searchFilter) instead of listing everyone', () => {
    const users = committed.flatMap(({ json }) => (variable(json, 'user') ? [variable(json, 'user')!] : []));
    expect(users.length).toBeGreaterThan(0);
    for (const user of users)
      expect(user.query).toMatchObject({ dimension: 'user', search: '$__searchFilter' });
  });
});
