/**
 * The provisioning we ship, checked the way Grafana 12.3–13.x checks it at start-up (and, for rules,
 * at evaluation): see conformance/grafana-provisioning.ts for each rule and the Grafana source file it
 * restates. Broken copies prove each check fails with a message naming the file, the object and
 * Grafana's requirement.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  CORE_DATA_SOURCE_TYPES,
  type Context,
  type Provisioning,
  checkProvisioning,
  describeProblem,
  loadDashboards,
  loadProvisioning,
  parseDuration,
} from './conformance/grafana-provisioning';
import { tempDir } from './helpers';

const ROOT = join(__dirname, '..', '..');
const PROVISIONING = join(ROOT, 'provisioning', 'grafana');
const PLUGIN_ID: string = JSON.parse(readFileSync(join(ROOT, 'plugin/src/plugin.json'), 'utf8')).id;

/** Grafana's environment in docker-compose.yml: what `$VAR` in a data source file can read. */
function grafanaEnvironment(): Record<string, string> {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
  return Object.fromEntries(
    Object.entries(compose.services.grafana.environment as Record<string, unknown>).map(([k, v]) => [
      k,
      String(v),
    ]),
  );
}

const context: Context = {
  dashboards: loadDashboards(join(ROOT, 'dashboards', 'json')),
  environment: grafanaEnvironment(),
  dataSourceTypes: new Set([...CORE_DATA_SOURCE_TYPES, PLUGIN_ID]),
};
const shipped = loadProvisioning(PROVISIONING);

/** The shipped files with one change applied to a deep copy; returns the problems, described. */
function brokenCopy(change: (p: Provisioning) => void): string[] {
  const copy: Provisioning = structuredClone(shipped.provisioning);
  change(copy);
  return checkProvisioning(copy, context).map(describeProblem);
}

const file = (p: Provisioning, kind: keyof Provisioning, name: string) =>
  p[kind].find((f) => f.name === `${kind}/${name}`)!.doc;
const rules = (p: Provisioning) =>
  file(p, 'alerting', 'copilot-rules.yaml').groups.flatMap((g: { rules: unknown[] }) => g.rules);
const rule = (p: Provisioning, uid: string) => rules(p).find((r: { uid: string }) => r.uid === uid);

test('the provisioning files we ship pass every check', () => {
  expect(shipped.provisioning.datasources.length).toBe(1);
  expect(shipped.provisioning.dashboards.length).toBe(1);
  expect(shipped.provisioning.alerting.length).toBe(2);
  expect(context.dashboards.size).toBeGreaterThanOrEqual(9);
  expect(
    [...shipped.problems, ...checkProvisioning(shipped.provisioning, context)].map(describeProblem),
  ).toEqual([]);
});

test('every alert rule links the panel that shows what it watches', () => {
  // What each rule's query reads, and the metric the linked panel must query for it.
  const watches: Record<string, RegExp> = {
    'copilot-data-stale': /copilot_latest_day_timestamp_seconds/,
    'copilot-sync-failing': /copilot_metrics_ingester_reports_failed/,
    'copilot-ingester-down': /up\{job="copilot-ingester"\}/,
    'copilot-daily-users-drop': /^daily_active_users$/,
    'copilot-acceptance-drop': /^acceptance_rate$/,
    'copilot-seats-inactive': /copilot_seats_inactive\{window="30d"\}/,
    'copilot-ai-credits-pool-runs-out': /copilot_ai_credits_pool_runs_out_days_before_month_end/,
    'copilot-ai-credits-budget-near-limit': /copilot_ai_credits_budget_consumed_ratio/,
    'copilot-billing-sync-failing': /copilot_metrics_ingester_reports_failed\{report=~"billing\.\*"\}/,
  };
  const dashboardsJson = join(ROOT, 'dashboards', 'json');
  for (const r of rules(shipped.provisioning)) {
    expect({ rule: r.uid, watched: r.uid in watches }).toEqual({ rule: r.uid, watched: true });
    const { file: dashboardFile } = context.dashboards.get(r.annotations.__dashboardUid__)!;
    const json = JSON.parse(readFileSync(join(dashboardsJson, dashboardFile), 'utf8'));
    const panel = json.panels.find((p: { id: number }) => p.id === Number(r.annotations.__panelId__));
    const queried: string[] = panel.targets.map(
      (t: { expr?: string; metric?: string }) => t.expr ?? t.metric,
    );
    expect({ rule: r.uid, panel: panel.title, queries: queried.some((q) => watches[r.uid].test(q)) }).toEqual(
      {
        rule: r.uid,
        panel: panel.title,
        queries: true,
      },
    );
  }
});

describe('a broken copy fails, naming the file, the object and Grafana’s requirement', () => {
  test('the alert rules as shipped before: __dashboardUid__ without __panelId__ (Grafana exits at start-up)', () => {
    // The file as it was, restored on disk and read by the loader: every __panelId__ line removed.
    const dir = tempDir('cm-provisioning-');
    try {
      cpSync(PROVISIONING, dir.path, { recursive: true });
      const path = join(dir.path, 'alerting', 'copilot-rules.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^ +__panelId__: .*\n/gm, ''));
      const loaded = loadProvisioning(dir.path);
      const problems = checkProvisioning(loaded.provisioning, context).map(describeProblem);
      expect(problems).toHaveLength(rules(shipped.provisioning).length);
      for (const r of rules(shipped.provisioning))
        expect(problems).toContainEqual(
          `alerting/copilot-rules.yaml: rule "${r.uid}" (${r.title}): both annotations __dashboardUid__ and __panelId__ must be specified (name the panel that shows what the rule watches) [Grafana: pkg/services/ngalert/models/alert_rule.go (SetDashboardAndPanelFromAnnotations)]`,
        );
    } finally {
      dir.cleanup();
    }
  });

  // [what is broken, the Grafana source it mirrors, the change, a part of the expected message]
  const cases: Array<[string, string, (p: Provisioning) => void, string]> = [
    [
      'a notification policy naming a receiver that does not exist',
      'ngalert/provisioning/notification_policies.go',
      (p) => (file(p, 'alerting', 'contact-points.yaml').policies[0].receiver = 'Team chat'),
      "alerting/contact-points.yaml: notification policy of org 1: receiver 'Team chat' does not exist",
    ],
    [
      'an unknown noDataState',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-data-stale').noDataState = 'Nodata'),
      'rule "copilot-data-stale" (Copilot data is stale): unknown NoData state option Nodata (one of Alerting, NoData, OK, KeepLast)',
    ],
    [
      'an unknown execErrState',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-data-stale').execErrState = 'Failed'),
      'unknown Error state option Failed',
    ],
    [
      'a condition naming no refId',
      'ngalert/eval/eval.go',
      (p) => (rule(p, 'copilot-sync-failing').condition = 'C'),
      'rule "copilot-sync-failing" (Copilot sync is failing): condition "C" does not exist, must be one of A, B',
    ],
    [
      'a group interval that is not a multiple of the 10 s base interval',
      'ngalert/models/alert_rule.go',
      (p) => (file(p, 'alerting', 'copilot-rules.yaml').groups[0].interval = '45s'),
      'interval (45s) should be non-zero and divided exactly by the scheduler interval (10s)',
    ],
    [
      'a group interval that is no duration',
      'provisioning/alerting/rules_types.go',
      (p) => (file(p, 'alerting', 'copilot-rules.yaml').groups[0].interval = '5 minutes'),
      'interval "5 minutes" is not a Prometheus duration',
    ],
    [
      'a group without a folder',
      'provisioning/alerting/rules_types.go',
      (p) => (file(p, 'alerting', 'copilot-rules.yaml').groups[1].folder = ' '),
      'group "Copilot usage": rule group has no folder set',
    ],
    [
      'a rule uid with a space',
      'util/shortid_generator.go',
      (p) => (rule(p, 'copilot-data-stale').uid = 'copilot data stale'),
      'uid "copilot data stale" must be at most 40 characters of a-z A-Z 0-9 - _',
    ],
    [
      'a rule uid longer than 40 characters',
      'util/shortid_generator.go',
      (p) => (rule(p, 'copilot-data-stale').uid = 'c'.repeat(41)),
      'must be at most 40 characters',
    ],
    [
      'two rules with one uid',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-sync-failing').uid = 'copilot-data-stale'),
      'uid is also used by',
    ],
    [
      'a title longer than 190 characters',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-data-stale').title = 'x'.repeat(191)),
      'the title is longer than 190 characters',
    ],
    [
      'a query with an empty relative time range',
      'ngalert/models/alert_query.go',
      (p) => (rule(p, 'copilot-data-stale').data[0].relativeTimeRange = { from: 0, to: 0 }),
      'invalid relative time range {"from":0,"to":0}',
    ],
    [
      'a query on a data source that is not provisioned',
      'ngalert/eval/eval.go',
      (p) => (rule(p, 'copilot-data-stale').data[0].datasourceUid = 'prometheus'),
      'datasourceUid "prometheus" is not a provisioned data source',
    ],
    [
      'a threshold reading a refId the rule does not have',
      'expr/commands.go',
      (p) => (rule(p, 'copilot-data-stale').data[1].model.expression = 'Z'),
      'the expression reads "Z", which is none of the rule\'s refIds (A, B)',
    ],
    [
      'an unknown expression type',
      'expr/nodes.go',
      (p) => (rule(p, 'copilot-data-stale').data[1].model.type = 'compare'),
      'expression type "compare" is not one of',
    ],
    [
      'a `for` that is no duration',
      'provisioning/alerting/rules_types.go',
      (p) => (rule(p, 'copilot-data-stale').for = 'one hour'),
      "failed to parse 'for' field",
    ],
    [
      'a reserved label',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-data-stale').labels.__grafana_receiver__ = 'x'),
      'system reserved label __grafana_receiver__ cannot be defined',
    ],
    [
      'a panel id that is not an integer',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-data-stale').annotations.__panelId__ = 'two'),
      '__panelId__ must be an integer, not "two"',
    ],
    [
      'a panel that the dashboard does not have',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-data-stale').annotations.__panelId__ = '999'),
      'dashboard "copilot-ingestion" (Copilot/8-ingestion.json) has no panel 999',
    ],
    [
      'a dashboard that is not provisioned',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-data-stale').annotations.__dashboardUid__ = 'copilot-ingest'),
      'dashboard "copilot-ingest" is not one of the provisioned dashboards',
    ],
    [
      'a panelId field without a dashboardUid',
      'ngalert/models/alert_rule.go',
      (p) => {
        const r = rule(p, 'copilot-data-stale');
        delete r.annotations.__dashboardUid__;
        delete r.annotations.__panelId__;
        r.panelId = 2;
      },
      'cannot have Panel ID without a Dashboard UID',
    ],
    [
      'a rule routed to a contact point that does not exist',
      'ngalert/models/alert_rule.go',
      (p) => (rule(p, 'copilot-data-stale').notification_settings = { receiver: 'Pager' }),
      'notification_settings: receiver "Pager" does not exist',
    ],
    [
      'a webhook without its url',
      'grafana/alerting receivers/webhook',
      (p) => delete file(p, 'alerting', 'contact-points.yaml').contactPoints[0].receivers[0].settings.url,
      "a webhook receiver needs 'url' in its settings",
    ],
    [
      'a Slack receiver with a token but no recipient',
      'grafana/alerting receivers/slack',
      (p) =>
        (file(p, 'alerting', 'contact-points.yaml').contactPoints[0].receivers[0] = {
          uid: 'slack',
          type: 'slack',
          settings: { token: 'xoxb-1' },
        }),
      "a slack receiver needs 'url', or 'token' and 'recipient' in its settings",
    ],
    [
      'an unknown receiver type',
      'grafana/alerting receivers',
      (p) => (file(p, 'alerting', 'contact-points.yaml').contactPoints[0].receivers[0].type = 'msteams'),
      'unknown receiver type "msteams"',
    ],
    [
      'a receiver without a uid',
      'provisioning/alerting/contact_point_types.go',
      (p) => delete file(p, 'alerting', 'contact-points.yaml').contactPoints[0].receivers[0].uid,
      'receiver "?": uid is required',
    ],
    [
      'a root policy with matchers',
      'ngalert/api/tooling/definitions (Route.Validate)',
      (p) =>
        (file(p, 'alerting', 'contact-points.yaml').policies[0].object_matchers = [['severity', '=', 'x']]),
      'the root policy must not have object_matchers',
    ],
    [
      'a group_by mixing "..." with labels',
      'ngalert/api/tooling/definitions (Route.Validate)',
      (p) => file(p, 'alerting', 'contact-points.yaml').policies[0].group_by.push('...'),
      "group_by '...' (group by all labels) cannot be combined with other labels",
    ],
    [
      'a zero repeat_interval',
      'ngalert/api/tooling/definitions (Route.Validate)',
      (p) => (file(p, 'alerting', 'contact-points.yaml').policies[0].repeat_interval = '0s'),
      'repeat_interval cannot be zero',
    ],
    [
      'a nested policy naming a receiver that does not exist',
      'ngalert/provisioning/notification_policies.go',
      (p) =>
        (file(p, 'alerting', 'contact-points.yaml').policies[0].routes = [
          { receiver: 'On call', object_matchers: [['severity', '=', 'critical']] },
        ]),
      "notification policy of org 1 > route 1: receiver 'On call' does not exist",
    ],
    [
      'two default data sources',
      'provisioning/datasources/config_reader.go',
      (p) => (file(p, 'datasources', 'datasources.yaml').datasources[1].isDefault = true),
      'only one data source per organization can be marked as default',
    ],
    [
      'a data source uid with a slash',
      'util/shortid_generator.go',
      (p) => (file(p, 'datasources', 'datasources.yaml').datasources[0].uid = 'copilot/metrics'),
      'uid "copilot/metrics" must be at most 40 characters',
    ],
    [
      'a data source reading a variable Grafana is not given',
      'provisioning/values/values.go',
      (p) =>
        (file(p, 'datasources', 'datasources.yaml').datasources[0].secureJsonData.apiToken = '$API_TOKEN'),
      "$API_TOKEN is not in Grafana's environment: Grafana provisions it as an empty string",
    ],
    [
      'a data source of a type this Grafana does not have',
      'provisioning/datasources/types.go',
      (p) => (file(p, 'datasources', 'datasources.yaml').datasources[0].type = 'copilotmetrics-datasource'),
      'type "copilotmetrics-datasource" is neither a core data source nor a plugin this Grafana installs',
    ],
    [
      'a data source in an organization that does not exist',
      'provisioning/utils/utils.go',
      (p) => (file(p, 'datasources', 'datasources.yaml').datasources[0].orgId = 2),
      'orgId 2 does not exist in a fresh Grafana',
    ],
    [
      'a data source file without apiVersion',
      'provisioning/datasources/config_reader.go',
      (p) => delete file(p, 'datasources', 'datasources.yaml').apiVersion,
      'apiVersion must be 1',
    ],
    [
      'a dashboard provider with folders from files and a folder and a folderUid',
      'provisioning/dashboards/types.go',
      (p) =>
        Object.assign(file(p, 'dashboards', 'copilot.yaml').providers[0], {
          folder: 'Copilot',
          folderUid: 'cp',
        }),
      "'folder' and 'folderUID' should be empty using 'foldersFromFilesStructure' option",
    ],
    [
      'a dashboard provider without a path',
      'provisioning/dashboards/types.go',
      (p) => delete file(p, 'dashboards', 'copilot.yaml').providers[0].options.path,
      'options.path must be a string',
    ],
  ];

  test.each(cases)('%s (mirrors %s)', (_what, _source, change, expected) => {
    const problems = brokenCopy(change);
    expect(problems).toContainEqual(expect.stringContaining(expected));
    // Each problem names the Grafana source it restates.
    for (const problem of problems) expect(problem).toMatch(/\[Grafana: .+\]$/);
  });

  test('a file that does not parse, and one Grafana would skip, are problems of their own', () => {
    const dir = tempDir('cm-provisioning-');
    try {
      cpSync(PROVISIONING, dir.path, { recursive: true });
      writeFileSync(join(dir.path, 'alerting', 'broken.yaml'), 'groups:\n  - name: [unclosed\n');
      writeFileSync(join(dir.path, 'datasources', 'extra.txt'), 'apiVersion: 1\n');
      const { problems } = loadProvisioning(dir.path);
      expect(problems.map(describeProblem)).toEqual([
        expect.stringMatching(
          /^datasources\/extra\.txt: file: Grafana skips this file: only \.yaml, \.yml files/,
        ),
        expect.stringMatching(
          /^alerting\/broken\.yaml: file: does not parse, which stops Grafana at start-up/,
        ),
      ]);
    } finally {
      dir.cleanup();
    }
  });
});

test('durations follow Prometheus syntax, as Grafana parses them', () => {
  expect(parseDuration('5m')).toBe(300_000);
  expect(parseDuration('1h30m')).toBe(5_400_000);
  expect(parseDuration('0')).toBe(0);
  expect(parseDuration('1d')).toBe(86_400_000);
  for (const bad of ['', '5 m', '1.5h', 'm5', '5M', undefined, 300])
    expect(parseDuration(bad)).toBeUndefined();
});
