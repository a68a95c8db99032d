/**
 * Working-day windows of the Prometheus gauges ("7wd", "28wd") and the DAU-drop alert rule that uses
 * them, on a real Prometheus: a holiday inside the window is left out of the baseline (checked against
 * the simulator's raw aggregate records), and a latest day that is a holiday gives the rule no series.
 */
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseWorkweek, workCalendar, type WorkCalendar } from '../src/calendar/workCalendar';
import { dayRange, formatDay } from '../src/days';
import { createMetrics } from '../src/http/metrics';
import type { SimulatorServer } from '../src/simulator/server';
import type { GitHubClient } from '../src/github/client';
import { type SqliteReader, openSqliteReader } from '../src/store/sqliteReader';
import { day, syncedEnterprise, type TestDb } from './helpers';
import { type RunningPrometheus, startPrometheus } from './prometheus';

const ROOT = join(__dirname, '..', '..');
const rule = parse(readFileSync(join(ROOT, 'provisioning/grafana/alerting/copilot-rules.yaml'), 'utf8'))
  .groups.flatMap((g: { rules: unknown[] }) => g.rules)
  .find((r: { uid: string }) => r.uid === 'copilot-daily-users-drop');
const RULE_EXPR: string = rule.data.find((d: { refId: string }) => d.refId === 'A').model.expr;

// 2026-09-29 is a Tuesday; 2026-09-24 a Thursday.
const LATEST = day('2026-09-29');
const MON_FRI = parseWorkweek('mon-fri');
const HOLIDAY_IN_WINDOW = workCalendar(MON_FRI, new Map([[day('2026-09-24'), 'Company holiday']]));
const LATEST_IS_HOLIDAY = workCalendar(MON_FRI, new Map([[LATEST, 'Company holiday']]));

let sim: SimulatorServer;
let client: GitHubClient;
let t: TestDb;
let reader: SqliteReader;
let server: Server;
let prometheus: RunningPrometheus;
/** The registry /metrics serves: switched between calendars as if the ingester restarted. */
let current: ReturnType<typeof createMetrics>;
let byCalendar: Map<WorkCalendar, ReturnType<typeof createMetrics>>;

beforeAll(async () => {
  ({ sim, client, t } = await syncedEnterprise(
    { users: 60, orgs: 1 },
    { from: day('2026-08-10'), to: LATEST },
  ));
  reader = openSqliteReader(t.path);
  byCalendar = new Map(
    [HOLIDAY_IN_WINDOW, LATEST_IS_HOLIDAY].map((calendar) => [
      calendar,
      createMetrics(reader, { calendar, defaultMetrics: false }),
    ]),
  );
  current = byCalendar.get(HOLIDAY_IN_WINDOW)!;
  server = createServer(async (_req, res) => {
    res.setHeader('content-type', current.registry.contentType);
    res.end(await current.registry.metrics());
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  prometheus = await startPrometheus({
    scrape_configs: [
      {
        job_name: 'copilot-ingester',
        static_configs: [{ targets: [`127.0.0.1:${(server.address() as AddressInfo).port}`] }],
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  server?.close();
  await reader?.close();
  t?.close();
  await client?.close();
  await sim?.stop();
});

const enterprise = () => `enterprise:${sim.population.enterprise.slug}`;
/** The enterprise's daily active users on a day, from the simulator's raw aggregate record. */
const rawDau = (d: number) =>
  sim.generator.aggregateRecord({ kind: 'enterprise' }, d).daily_active_users as number;

async function use(calendar: WorkCalendar) {
  current = byCalendar.get(calendar)!;
  await prometheus.scraped('copilot-ingester', 2);
}

test('"7wd" averages the last 7 working days, leaving the holiday out; "7d" keeps every day', async () => {
  await use(HOLIDAY_IN_WINDOW);
  const workdays = [...dayRange(LATEST - 20, LATEST)].filter((d) => HOLIDAY_IN_WINDOW.isWorkday(d)).slice(-7);
  expect(workdays.map(formatDay)).toEqual([
    '2026-09-18',
    '2026-09-21',
    '2026-09-22',
    '2026-09-23',
    '2026-09-25',
    '2026-09-28',
    '2026-09-29',
  ]);
  const mean = (days: number[]) => days.reduce((sum, d) => sum + rawDau(d), 0) / days.length;
  const value = async (window: string) => {
    const answer = await prometheus.query(
      `copilot_daily_active_users{scope="${enterprise()}", window="${window}"}`,
    );
    return Number(answer.data!.result[0].value[1]);
  };
  expect(await value('7wd')).toBeCloseTo(mean(workdays), 9);
  const workdays28 = [...dayRange(LATEST - 60, LATEST)]
    .filter((d) => HOLIDAY_IN_WINDOW.isWorkday(d))
    .slice(-28);
  expect(await value('28wd')).toBeCloseTo(mean(workdays28), 9);
  expect(await value('7d')).toBeCloseTo(mean([...dayRange(LATEST - 6, LATEST)]), 9);
  expect(await value('1d')).toBe(rawDau(LATEST));
  // The holiday and the weekend make the calendar window differ from the working-day one.
  expect(await value('7wd')).not.toBeCloseTo(await value('7d'), 3);
});

test('the DAU-drop rule compares working days with working days, on a working day', async () => {
  await use(HOLIDAY_IN_WINDOW);
  const answer = await prometheus.query(RULE_EXPR);
  expect({ status: answer.status, error: answer.error }).toEqual({ status: 'success', error: undefined });
  const series = new Map(answer.data!.result.map((r) => [r.metric.scope, Number(r.value[1])]));
  expect([...series.keys()].sort()).toEqual(
    [enterprise(), ...sim.population.orgs.map((o) => `organization:${o.login}`)].sort(),
  );
  const workdays = [...dayRange(LATEST - 20, LATEST)].filter((d) => HOLIDAY_IN_WINDOW.isWorkday(d)).slice(-7);
  const baseline = workdays.reduce((sum, d) => sum + rawDau(d), 0) / workdays.length;
  expect(series.get(enterprise())).toBeCloseTo(rawDau(LATEST) / baseline, 9);
});

test('on a holiday the rule has no series, so it cannot fire', async () => {
  await use(LATEST_IS_HOLIDAY);
  const workday = await prometheus.query(`copilot_latest_day_is_workday{scope="${enterprise()}"}`);
  expect(workday.data!.result[0].value[1]).toBe('0');
  const answer = await prometheus.query(RULE_EXPR);
  expect({ status: answer.status, series: answer.data!.result.length }).toEqual({
    status: 'success',
    series: 0,
  });
});
