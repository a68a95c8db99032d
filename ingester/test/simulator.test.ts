/** The GitHub simulator over real HTTP: the endpoints the sync does not use, and determinism. */
import { formatDay } from '../src/days';
import { ReportGenerator, type SimScope } from '../src/simulator/generate';
import { Population } from '../src/simulator/model';
import type { SimulatorServer } from '../src/simulator/server';
import { TEST_TODAY, startSimulator } from './helpers';

let sim: SimulatorServer;
beforeAll(async () => {
  sim = await startSimulator({ users: 40, orgs: 2 });
});
afterAll(() => sim.stop());

const get = async (url: string, token: string | null = 'test') => {
  const response = await fetch(url.startsWith('http') ? url : `${sim.url}${url}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
};
const download = async (path: string) => {
  const links = JSON.parse((await get(path)).text);
  const files = await Promise.all(
    (links.download_links as string[]).map(async (link) => (await get(link, null)).text),
  );
  return {
    links,
    lines: files
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  };
};

test('the 28-day enterprise report wraps the last 28 complete days of aggregate records', async () => {
  const { links, lines } = await download(
    `/enterprises/${sim.scopes.enterprise}/copilot/metrics/reports/enterprise-28-day/latest`,
  );
  const latest = TEST_TODAY - 2;
  expect(links).toMatchObject({
    report_start_day: formatDay(latest - 27),
    report_end_day: formatDay(latest),
  });
  expect(lines).toHaveLength(1);
  const days = lines[0].day_totals.map((d: { day: string }) => d.day);
  expect(days).toEqual(Array.from({ length: 28 }, (_, i) => formatDay(latest - 27 + i)));
  expect(lines[0].day_totals[27]).toEqual(sim.generator.aggregateRecord({ kind: 'enterprise' }, latest));
});

test('the 28-day users report has one line per active user-day, with the window on each line', async () => {
  const org = sim.population.orgs[0];
  const { lines } = await download(`/orgs/${org.login}/copilot/metrics/reports/users-28-day/latest`);
  const latest = TEST_TODAY - 2;
  let expected = 0;
  for (let d = latest - 27; d <= latest; d++)
    for (const u of org.members)
      if (sim.generator.userRecord(u, d, { kind: 'organization', org })) expected++;
  expect(lines).toHaveLength(expected);
  expect(lines[0]).toMatchObject({
    report_start_day: formatDay(latest - 27),
    report_end_day: formatDay(latest),
    organization_id: org.id,
  });
});

test('seats are paginated with Link headers and list every seat holder of the org once', async () => {
  const org = sim.population.orgs[1];
  const holders = sim.seatHolders(org.index);
  let url: string | undefined = `/orgs/${org.login}/copilot/billing/seats?per_page=7`;
  const logins: string[] = [];
  let pages = 0;
  while (url) {
    const page = await get(url);
    expect(page.status).toBe(200);
    const body = JSON.parse(page.text);
    expect(body.total_seats).toBe(holders.length);
    logins.push(...body.seats.map((seat: { assignee: { login: string } }) => seat.assignee.login));
    url = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    pages++;
  }
  expect(pages).toBe(Math.ceil(holders.length / 7));
  expect(new Set(logins).size).toBe(holders.length);
  expect(logins.sort()).toEqual(holders.map((u) => sim.population.userLogin(u)).sort());
  // Holders are members; a member of two organizations may hold the seat of the other one only.
  expect(holders.every((u) => org.members.includes(u))).toBe(true);
  expect(holders.length).toBeGreaterThan(org.members.length / 2);
});

test('GitHub’s status codes: 401 without a token, 404 for an unknown org, 422 without a day, 204 for a day not out yet', async () => {
  const base = `/orgs/${sim.scopes.orgs[0]}/copilot/metrics/reports/users-1-day`;
  expect((await get(`${base}?day=2026-09-01`, null)).status).toBe(401);
  expect((await get('/orgs/nobody/copilot/metrics/reports/users-1-day?day=2026-09-01')).status).toBe(404);
  expect((await get(base)).status).toBe(422);
  expect((await get(`${base}?day=${formatDay(TEST_TODAY - 1)}`)).status).toBe(204);
  expect((await get(`${base}?day=${formatDay(TEST_TODAY - 2)}`)).status).toBe(200);
});

test('the data is deterministic per seed', async () => {
  const again = await startSimulator({ users: 40, orgs: 2 });
  const other = await startSimulator({ users: 40, orgs: 2, seed: 7 });
  try {
    const path = `/orgs/${sim.scopes.orgs[0]}/copilot/metrics/reports/users-1-day?day=2026-09-15`;
    const read = async (s: SimulatorServer) => {
      const links = JSON.parse(
        await (await fetch(`${s.url}${path}`, { headers: { authorization: 'Bearer x' } })).text(),
      );
      return (await fetch(links.download_links[0])).text();
    };
    const first = await read(sim);
    expect(first.length).toBeGreaterThan(1000);
    expect(await read(again)).toBe(first);
    expect(await read(other)).not.toBe(first);
  } finally {
    await again.stop();
    await other.stop();
  }
});

test('users-1-day lines, written once a day for every scope, are the records of a fresh generator', async () => {
  // The simulator keeps each user-day's record after its head and reuses it for every scope's report.
  // A generator that never served a line builds each record whole: the lines must be those records.
  const fresh = new ReportGenerator(new Population({ seed: 42, users: 40, orgs: 2 }));
  const scopes: [string, SimScope][] = [
    [`/enterprises/${sim.scopes.enterprise}`, { kind: 'enterprise' }],
    ...fresh.population.orgs.map((org): [string, SimScope] => [
      `/orgs/${org.login}`,
      { kind: 'organization', org },
    ]),
  ];
  const day = TEST_TODAY - 30;
  for (const [path, scope] of scopes) {
    const { lines } = await download(`${path}/copilot/metrics/reports/users-1-day?day=${formatDay(day)}`);
    const expected = fresh
      .members(scope)
      .map((u) => fresh.userRecord(u, day, scope))
      .filter((record) => record !== undefined);
    expect(expected.length).toBeGreaterThan(5);
    expect(lines).toEqual(expected);
  }
});
