/** "Save & test": each outcome tells the user what to fix. */
import type { AccessStatus, SyncStatus } from '@copilot-metrics/contract';
import {
  INGESTER,
  aDataSource,
  aHealth,
  aLastRun,
  aReportCoverage,
  aScopeStatus,
  aSyncStatus,
} from '../test/builders';
import { type Answer, installBackend } from '../test/grafana';

const NO_SUCH_ROUTE: Answer = { status: 404, data: { error: 'no such API route' } };

/**
 * The ingester as seen through the proxy: health, sync status and access answers, by path. Without an
 * access answer it is an ingester older than ACCESS_POLICY, which has no such route.
 */
function ingester(answers: {
  health?: Answer;
  status?: Answer | SyncStatus;
  access?: Answer | AccessStatus;
}) {
  const data = <T extends object>(answer: Answer | T): Answer =>
    answer === 'cancel' || 'data' in answer ? (answer as Answer) : { data: answer };
  return installBackend((call) => {
    if (call.url === `${INGESTER}/api/health`) return answers.health ?? { data: aHealth() };
    if (call.url === `${INGESTER}/api/v1/sync/status`) return data(answers.status ?? aSyncStatus());
    if (call.url === `${INGESTER}/api/v1/access`) return data(answers.access ?? NO_SUCH_ROUTE);
    return NO_SUCH_ROUTE;
  });
}

const POLICY_403 =
  'GitHub refused the organization-1-day report of octodemo-mobile (403). GitHub said: "Copilot Usage Metrics API access is disabled for this organization. An enterprise owner must enable the "Copilot usage metrics" policy.". Either the "Copilot usage metrics" policy is disabled (an enterprise owner must set it to Enabled in the enterprise\'s Copilot policies), or the token needs the read:org scope.';
const PERMISSION_403 =
  'GitHub refused the organization-1-day report of octodemo-web (403). GitHub said: "Resource not accessible by integration". Either the "Copilot usage metrics" policy is disabled (an enterprise owner must set it to Enabled in the enterprise\'s Copilot policies), or the token needs the read:org scope.';

test('success lists the scopes with data and the day each is complete up to', async () => {
  const { calls } = ingester({
    status: aSyncStatus({
      scopes: [
        aScopeStatus('enterprise:octodemo', { lastDay: '2026-11-25' }),
        aScopeStatus('organization:octodemo-web'),
      ],
    }),
  });

  const result = await aDataSource().testDatasource();

  expect(calls.map((call) => call.url)).toEqual([
    `${INGESTER}/api/health`,
    `${INGESTER}/api/v1/sync/status`,
    `${INGESTER}/api/v1/access`,
  ]);
  expect(result.status).toBe('success');
  // An ingester older than ACCESS_POLICY (no /api/v1/access): nothing is said about access.
  expect(result.message).toBe(
    'Connected. Data: enterprise:octodemo up to 2026-11-25, organization:octodemo-web up to 2026-11-26. Last sync ok at 2026-11-28T06:18:00.000Z.',
  );
});

describe('who sees what: the access policy, and whether Grafana’s ID token arrived', () => {
  const CONNECTED =
    'Connected. Data: organization:octodemo-web up to 2026-11-26. Last sync ok at 2026-11-28T06:18:00.000Z.';
  const testWith = async (access: AccessStatus | Answer) => {
    ingester({ access });
    return aDataSource().testDatasource();
  };

  test('identity: the signed-in viewer, and whether they see everyone', async () => {
    const admin = await testWith({
      policy: 'identity',
      idToken: true,
      viewer: { login: 'octocat', role: 'Admin', seesEveryone: true },
    });
    expect(admin).toMatchObject({ status: 'success' });
    expect(admin.message).toBe(
      `${CONNECTED} Access: ACCESS_POLICY=identity; an ID token arrived: signed in as octocat (Admin), who sees everyone’s rows.`,
    );
    const member = await testWith({
      policy: 'identity',
      idToken: true,
      viewer: { login: 'mona', role: 'Viewer', seesEveryone: false },
    });
    expect(member.message).toMatch(
      /signed in as mona \(Viewer\), who sees every aggregate and only their own rows\.$/,
    );
  });

  test('open, with a verified ID token: My Copilot works', async () => {
    const result = await testWith({
      policy: 'open',
      idToken: true,
      viewer: { login: 'octocat', role: 'Admin', seesEveryone: true },
    });
    expect(result.message).toBe(
      `${CONNECTED} Access: ACCESS_POLICY=open, every viewer sees every figure; an ID token arrived: signed in as octocat (Admin); My Copilot shows each signed-in viewer their own figures.`,
    );
  });

  test('open, without an ID token: says so, and what My Copilot then cannot do', async () => {
    const result = await testWith({ policy: 'open', idToken: false, viewer: null });
    expect(result.status).toBe('success');
    expect(result.message).toMatch(
      /ACCESS_POLICY=open, every viewer sees every figure; no ID token arrived \(Grafana 12\.3\+ sends one for a signed-in user\), so My Copilot cannot tell who is viewing\.$/,
    );
  });

  test('open, with an ID token the ingester does not verify: names GRAFANA_URL', async () => {
    const result = await testWith({ policy: 'open', idToken: true, viewer: null });
    expect(result.message).toMatch(
      /an ID token arrived, but the ingester does not verify ID tokens: set its GRAFANA_URL/,
    );
  });

  test('an access answer that fails otherwise is noted, and the test still passes', async () => {
    const result = await testWith({
      status: 500,
      statusText: 'Internal Server Error',
      data: { error: 'boom' },
    });
    expect(result.status).toBe('success');
    expect(result.message).toBe(
      `${CONNECTED} Access: the ingester's access policy could not be read (boom).`,
    );
  });

  test('a viewer the identity policy refuses is named as such, not taken for a wrong API token', async () => {
    ingester({
      status: {
        status: 401,
        statusText: 'Unauthorized',
        data: {
          error:
            'ACCESS_POLICY=identity: this request has no X-Grafana-Id ID token. Query through the Grafana data source (Grafana 12.3+ adds the token to every proxied request of a signed-in user); anonymous viewers are refused.',
        },
      },
    });

    const result = await aDataSource().testDatasource();

    expect(result.status).toBe('error');
    expect(result.message).toMatch(
      /^The ingester runs with ACCESS_POLICY=identity and refused this viewer: ACCESS_POLICY=identity: this request has no X-Grafana-Id ID token/,
    );
    expect(result.message).not.toMatch(/API token/);
  });
});

test('without an ingester URL it asks for one, before any request', async () => {
  const { calls } = ingester({});

  const result = await aDataSource({ ingesterUrl: '' }).testDatasource();

  expect(calls).toHaveLength(0);
  expect(result).toMatchObject({ status: 'error', message: expect.stringMatching(/^Set the ingester URL/) });
});

test('an unreachable ingester (the proxy answers 502) points at the URL, as the Grafana server resolves it', async () => {
  ingester({ health: { status: 502, statusText: 'Bad Gateway', data: { message: 'Bad Gateway' } } });

  const result = await aDataSource({ ingesterUrl: 'http://localhost:8080' }).testDatasource();

  expect(result.status).toBe('error');
  expect(result.message).toMatch(
    /^Grafana could not reach the ingester at http:\/\/localhost:8080 \(502 Bad Gateway\)/,
  );
  expect(result.message).toMatch(/not localhost/);
});

test('a URL that is some other server says it is not the ingester', async () => {
  ingester({ health: { status: 404, statusText: 'Not Found', data: '<html>Not found</html>' } });

  const result = await aDataSource().testDatasource();

  expect(result.message).toMatch(
    /answers 404 where the ingester's API should be .* not the Copilot metrics ingester/,
  );
});

test('a server that answers /api/health with something else is not taken for the ingester', async () => {
  ingester({ health: { data: { status: 'ok' } } });

  const result = await aDataSource().testDatasource();

  expect(result).toMatchObject({
    status: 'error',
    message: expect.stringMatching(/not like the Copilot metrics ingester/),
  });
});

test('an ingester whose database is down says so', async () => {
  const unavailable = {
    status: 'unavailable',
    database: { ok: false, error: 'unable to open database file' },
    lastSync: null,
    scopes: [],
  };
  ingester({ health: { status: 503, statusText: 'Service Unavailable', data: unavailable } });

  const result = await aDataSource().testDatasource();

  expect(result.message).toMatch(/running, but its database is unavailable: unable to open database file/);
});

test.each([
  [
    'missing "Authorization: Bearer <token>" header; this API requires INGESTER_API_TOKEN',
    /^The ingester requires an API token: set API token to the value of its INGESTER_API_TOKEN/,
  ],
  [
    'the bearer token does not match INGESTER_API_TOKEN',
    /^The ingester rejected the API token: it does not match INGESTER_API_TOKEN\. Reset the token/,
  ],
])('a refused token (%s) tells whether to set it or to fix it', async (error, message) => {
  ingester({ status: { status: 401, statusText: 'Unauthorized', data: { error } } });

  const result = await aDataSource().testDatasource();

  expect(result).toMatchObject({ status: 'error', message: expect.stringMatching(message) });
});

test('no data yet, while the first sync runs, asks to test again later', async () => {
  ingester({
    status: aSyncStatus({
      running: true,
      lastRun: null,
      scopes: [aScopeStatus('organization:octodemo-web', { lastDay: null })],
    }),
  });

  const result = await aDataSource().testDatasource();

  expect(result).toMatchObject({
    status: 'error',
    message: expect.stringMatching(/no data yet: the first sync is still running/),
  });
});

test('no data after a failed sync quotes the failure and points at the ingester’s configuration', async () => {
  ingester({
    status: aSyncStatus({
      scopes: [aScopeStatus('organization:no-such-org', { lastDay: null })],
      lastRun: aLastRun({
        status: 'failed',
        failed: 4,
        error: '4 report(s) failed; first: GitHub answered 404',
      }),
    }),
  });

  const result = await aDataSource().testDatasource();

  expect(result.status).toBe('error');
  expect(result.message).toMatch(
    /no data yet\. The last sync ended "failed": 4 report\(s\) failed; first: GitHub answered 404\./,
  );
  expect(result.message).toMatch(/COPILOT_ORGS/);
});

test('GitHub’s “Copilot usage metrics” policy being disabled is named, with who must enable it', async () => {
  ingester({
    status: aSyncStatus({
      scopes: [
        aScopeStatus('organization:octodemo-web'),
        aScopeStatus('organization:octodemo-mobile', {
          lastDay: null,
          failed: [{ day: '2026-11-26', error: POLICY_403 }],
        }),
      ],
      lastRun: aLastRun({ status: 'failed', failed: 1, error: `1 report(s) failed; first: ${POLICY_403}` }),
    }),
  });

  const result = await aDataSource().testDatasource();

  expect(result.status).toBe('warning');
  expect(result.message).toMatch(
    /^GitHub refuses the Copilot usage metrics of organization:octodemo-mobile: the "Copilot usage metrics" policy is disabled\. An enterprise owner must set it to Enabled/,
  );
  expect(result.message).toMatch(/Data: organization:octodemo-web up to 2026-11-26\./);
  expect(result.details?.message).toContain(
    'organization:octodemo-mobile aggregate 2026-11-26: GitHub refused',
  );
});

test('a 403 without GitHub blaming the policy names both possible causes', async () => {
  ingester({
    status: aSyncStatus({
      scopes: [
        aScopeStatus('organization:octodemo-web', {
          lastDay: null,
          failed: [{ day: '2026-11-26', error: PERMISSION_403 }],
        }),
      ],
    }),
  });

  const result = await aDataSource().testDatasource();

  expect(result.status).toBe('error');
  expect(result.message).toMatch(
    /either the "Copilot usage metrics" policy is disabled, or the ingester's GitHub token lacks/,
  );
});

test('seats GitHub refuses are a warning about the seats permission, not about the usage metrics', async () => {
  const scope = aScopeStatus('organization:octodemo-web');
  const SEATS_403 =
    'GitHub refused the Copilot seats of organization:octodemo-web (page 1) (403). Only organization owners can list Copilot seats: the token needs the manage_billing:copilot or read:org scope.';
  scope.reports.push(
    aReportCoverage('seats', { lastDay: null, failed: [{ day: '2026-11-28', error: SEATS_403 }] }),
  );
  ingester({ status: aSyncStatus({ scopes: [scope] }) });

  const result = await aDataSource().testDatasource();

  expect(result.status).toBe('warning');
  expect(result.message).toMatch(
    /^Connected\. Data: organization:octodemo-web up to 2026-11-26\. GitHub refuses \(403\) the Copilot seats of organization:octodemo-web: only organization owners can list seats, with a token that has manage_billing:copilot or read:org/,
  );
  expect(result.message).not.toMatch(/policy/);
  expect(result.details?.message).toContain('organization:octodemo-web seats 2026-11-28: GitHub refused');
});

test('data with some failed days is a warning that counts them', async () => {
  ingester({
    status: aSyncStatus({
      scopes: [
        aScopeStatus('organization:octodemo-web', {
          failed: [{ day: '2026-11-20', error: 'GitHub answered 502' }],
        }),
      ],
      lastRun: aLastRun({
        status: 'failed',
        failed: 1,
        error: '1 report(s) failed; first: GitHub answered 502',
      }),
    }),
  });

  const result = await aDataSource().testDatasource();

  expect(result.status).toBe('warning');
  expect(result.message).toBe(
    'Connected. Data: organization:octodemo-web up to 2026-11-26. The last sync ended "failed": 1 report(s) failed; first: GitHub answered 502. 1 report day(s) failed to sync; the next sync retries them.',
  );
});
