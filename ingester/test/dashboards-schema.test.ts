/**
 * The provisioned dashboards against Grafana 13's panel plugins: every panel's `options` and
 * `fieldConfig.defaults.custom` type-check against the option types @grafana/schema generates for
 * that panel type, with no key the panel does not have (see ./panel-schema). The second half shows
 * the checker failing on what Grafana 13 dropped or never had, so that its silence above means
 * something.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type DashboardFile, checkPanels } from './panel-schema';

const JSON_DIR = join(__dirname, '..', '..', 'dashboards', 'json');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? jsonFiles(join(dir, entry.name))
        : entry.name.endsWith('.json')
          ? [join(dir, entry.name)]
          : [],
    )
    .sort();
}

const committed: DashboardFile[] = jsonFiles(JSON_DIR).map((path) => ({
  file: relative(JSON_DIR, path),
  json: JSON.parse(readFileSync(path, 'utf8')),
}));

interface PanelJson {
  id: number;
  type: string;
  title: string;
  options?: any;
  fieldConfig?: { defaults: { custom?: any } };
  panels?: PanelJson[];
}
const panelsOf = (d: DashboardFile): PanelJson[] =>
  (d.json as { panels: PanelJson[] }).panels.flatMap((p) => [p, ...(p.panels ?? [])]);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('every panel of every dashboard has the options and field options of its Grafana 13 panel type', () => {
  expect(committed.length).toBeGreaterThan(0);
  expect(checkPanels(committed)).toEqual([]);
});

test('the check covers every panel type the dashboards use', () => {
  const types = new Set(committed.flatMap(panelsOf).map((p) => p.type));
  expect([...types].sort()).toEqual(
    ['barchart', 'bargauge', 'piechart', 'row', 'stat', 'table', 'text', 'timeseries'].sort(),
  );
});

describe('the checker fails on options Grafana 13 does not have', () => {
  /** The first committed dashboard with a panel of this type, and that panel. */
  function realPanel(type: string): { dashboard: DashboardFile; panel: PanelJson } {
    for (const dashboard of committed) {
      const panel = panelsOf(dashboard).find((p) => p.type === type);
      if (panel) return { dashboard, panel };
    }
    throw new Error(`no committed ${type} panel`);
  }

  test('a real table panel given the table-wide footer of Grafana 12 (options.footer)', () => {
    const { dashboard, panel } = realPanel('table');
    const json = structuredClone(dashboard.json) as { panels: PanelJson[] };
    const copy = json.panels.find((p) => p.id === panel.id)!;
    copy.options.footer = { show: true, reducer: ['sum'], fields: '' };
    const problems = checkPanels([{ file: dashboard.file, json }]);
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${escape(`${dashboard.file} panel ${panel.id} "${panel.title}" (table): options.footer: `)}` +
            `Object literal may only specify known properties, and 'footer' does not exist in type`,
        ),
      ),
    ]);
  });

  /**
   * Each case changes a copy of a real panel in one way; all are checked by one program. Each must
   * give exactly one problem, at the JSON path given, whose message matches.
   */
  const cases: {
    name: string;
    type: string;
    change: (p: PanelJson) => void;
    path: string;
    message: RegExp;
  }[] = [
    {
      name: 'an unknown key in a nested object',
      type: 'timeseries',
      change: (p) => (p.options.legend.sortable = true),
      path: 'options.legend.sortable',
      message: /'sortable' does not exist/,
    },
    {
      name: 'an unknown key two objects deep in the field options',
      type: 'timeseries',
      change: (p) => (p.fieldConfig!.defaults.custom.stacking.order = 'asc'),
      path: 'fieldConfig.defaults.custom.stacking.order',
      message: /'order' does not exist/,
    },
    {
      name: 'an unknown key in an element of an array',
      type: 'table',
      change: (p) => (p.options.sortBy = [{ displayName: 'x', desc: true, nullsFirst: true }]),
      path: 'options.sortBy[0].nullsFirst',
      message: /'nullsFirst' does not exist/,
    },
    {
      name: 'an unknown key in one member of a tagged union (a cell type)',
      type: 'table',
      change: (p) => (p.fieldConfig!.defaults.custom.cellOptions = { type: 'auto', wrapText: true }),
      path: 'fieldConfig.defaults.custom.cellOptions.wrapText',
      message: /'wrapText' does not exist/,
    },
    {
      name: 'a value of the wrong type',
      type: 'table',
      change: (p) => (p.options.showHeader = 'yes'),
      path: 'options.showHeader',
      message: /Type 'string' is not assignable to type 'boolean'/,
    },
    {
      name: 'a string no member of the enum has',
      type: 'table',
      change: (p) => (p.options.cellHeight = 'huge'),
      path: 'options.cellHeight',
      message: /Type '"huge"' is not assignable to type '"auto" \| "sm" \| "lg" \| "md"/,
    },
    {
      name: 'a wrong type inside an array',
      type: 'piechart',
      change: (p) => (p.options.displayLabels = ['percent', 'share']),
      path: 'options.displayLabels[1]',
      message: /Type '"share"' is not assignable/,
    },
    {
      name: 'a required option missing',
      type: 'stat',
      change: (p) => delete p.options.reduceOptions,
      path: 'options',
      message: /Property 'reduceOptions' is missing/,
    },
    {
      name: 'field options on a panel type that has none',
      type: 'stat',
      change: (p) => (p.fieldConfig!.defaults.custom = { lineWidth: 2 }),
      path: 'fieldConfig.defaults.custom.lineWidth',
      message: /Type 'number' is not assignable to type 'never'/,
    },
    {
      name: 'the footer of Grafana 12 on a text panel',
      type: 'text',
      change: (p) => (p.options.footer = { show: false }),
      path: 'options.footer',
      message: /'footer' does not exist/,
    },
  ];

  let problems: string[] = [];
  const changed = cases.map(({ name, type, change }) => {
    const { panel } = realPanel(type);
    const copy = structuredClone(panel);
    change(copy);
    return { file: `changed/${name}.json`, json: { panels: [copy] }, panel: copy };
  });
  beforeAll(() => {
    problems = checkPanels(changed.map(({ file, json }) => ({ file, json })));
  });

  test.each(cases.map((c, i) => ({ ...c, ...changed[i] })))('$name', ({ file, panel, path, message }) => {
    const prefix = `${file} panel ${panel.id} "${panel.title}" (${panel.type}): ${path}: `;
    const found = problems.filter((p) => p.startsWith(`${file} `));
    expect(found).toEqual([expect.stringMatching(new RegExp(`^${escape(prefix)}.*${message.source}`))]);
  });

  test('every problem of a panel is reported, not only the first TypeScript meets in a literal', () => {
    const { dashboard, panel } = realPanel('table');
    const copy = structuredClone(panel);
    copy.options.footer = { show: false, reducer: ['sum'], fields: '' };
    delete copy.options.frameIndex;
    copy.options.sortBy = [{ displayName: 'x', desc: true, nullsFirst: true }];
    copy.fieldConfig!.defaults.custom.cellOptions = { type: 'auto', wrapText: true };
    copy.fieldConfig!.defaults.custom.width = 'wide';
    const where = `${dashboard.file} panel ${panel.id} "${panel.title}" (table): `;
    const problems = checkPanels([{ file: dashboard.file, json: { panels: [copy] } }]);
    expect(problems.map((p) => p.slice(where.length).split(': ')[0]).sort()).toEqual([
      'fieldConfig.defaults.custom.cellOptions.wrapText',
      'fieldConfig.defaults.custom.width',
      'options',
      'options.footer',
      'options.sortBy[0].nullsFirst',
    ]);
    expect(problems).toContain(`${where}options: required key 'frameIndex' is missing`);
  });

  test('an unknown panel type fails, saying so', () => {
    const { dashboard, panel } = realPanel('timeseries');
    const graph = { ...structuredClone(panel), type: 'graph' };
    expect(checkPanels([{ file: dashboard.file, json: { panels: [graph] } }])).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${escape(`${dashboard.file} panel ${panel.id} "${panel.title}" (graph): unknown panel type "graph": @grafana/schema 13.`)}`,
        ),
      ),
    ]);
  });

  test('a row has neither options nor field options', () => {
    const row = { id: 1, type: 'row', title: 'Row', options: {}, fieldConfig: { defaults: {} }, panels: [] };
    expect(checkPanels([{ file: 'row.json', json: { panels: [row] } }])).toEqual([
      'row.json panel 1 "Row" (row): options: a row has no options',
      'row.json panel 1 "Row" (row): fieldConfig: a row has no field config',
    ]);
  });

  test('panels inside a collapsed row are checked too', () => {
    const { panel } = realPanel('table');
    const inner = structuredClone(panel);
    inner.options.footer = { show: false };
    const row = { id: 99, type: 'row', title: 'Collapsed', collapsed: true, panels: [inner] };
    expect(checkPanels([{ file: 'collapsed.json', json: { panels: [row] } }])).toEqual([
      expect.stringContaining(`collapsed.json panel ${panel.id} "${panel.title}" (table): options.footer: `),
    ]);
  });
});
