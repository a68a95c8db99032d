/**
 * Every provisioned dashboard (dashboards/json) opened in the real Grafana of `docker compose up`, as
 * the anonymous viewer anyone reaching port 3000 is: each panel is scrolled into view (Grafana renders
 * panels lazily), waited for (its data requests answered, no loading bar), and must show no error: no
 * panel status error indicator, no data error message other than "No data" or the panel's own "No
 * value" text (the explanation a panel gives instead, e.g. My Copilot's asking to sign in). A
 * full-page screenshot of each dashboard goes to $SMOKE_ARTIFACTS/screenshots, also when a panel fails.
 * Run by scripts/smoke/smoke.sh after `docker compose up` (GitHub Actions: .github/workflows/smoke.yml).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Panel, expect, resolveGrafanaSelector, test } from '@grafana/plugin-e2e';
import type { Page, Request } from '@playwright/test';

const ROOT = join(__dirname, '..');
const ARTIFACTS = process.env.SMOKE_ARTIFACTS ?? join(ROOT, 'test-artifacts', 'smoke');
/** Bound of each wait for one panel (its queries, its loading bar). */
const PANEL_TIMEOUT = 60_000;

interface PanelJson {
  id: number;
  type: string;
  title?: string;
  gridPos?: { x: number; y: number };
  panels?: PanelJson[];
  fieldConfig?: { defaults?: { noValue?: string } };
}

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
    .filter((f) => f.endsWith('.json'));
}

/** The panels a viewer sees, top to bottom: rows' own panels included, the rows themselves not. */
function vizPanels(panels: PanelJson[]): PanelJson[] {
  return panels
    .flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]))
    .sort((a, b) => (a.gridPos?.y ?? 0) - (b.gridPos?.y ?? 0) || (a.gridPos?.x ?? 0) - (b.gridPos?.x ?? 0));
}

const dashboards = files(join(ROOT, 'dashboards', 'json')).map((file) => {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  return { name: basename(file, '.json'), uid: json.uid as string, title: json.title as string, json };
});

/** Requests that carry panel data: the Copilot data source's proxy route, Grafana's query API. */
const isDataRequest = (url: string) =>
  url.includes('/api/datasources/proxy/') || url.includes('/api/ds/query');

function trackDataRequests(page: Page): () => number {
  const open = new Set<Request>();
  page.on('request', (r) => isDataRequest(r.url()) && open.add(r));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  return () => open.size;
}

for (const dashboard of dashboards) {
  test(`${dashboard.title} (${dashboard.uid}): every panel renders without error`, async ({
    page,
    request,
    selectors,
    grafanaVersion,
    gotoDashboardPage,
  }, testInfo) => {
    const openRequests = trackDataRequests(page);
    const settled = (what: string) =>
      expect
        .poll(openRequests, { message: `${what}: data requests still open`, timeout: PANEL_TIMEOUT })
        .toBe(0);
    const { Panel: sel } = selectors.components.Panels;
    const problems: string[] = [];

    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    try {
      for (const p of vizPanels(dashboard.json.panels ?? [])) {
        const name = `panel ${p.id} "${p.title ?? ''}" (${p.type})`;
        // A repeated panel's copies are keyed panel-<id>-clone-<n>.
        const locator = page
          .locator(`[data-viz-panel-key="panel-${p.id}"], [data-viz-panel-key^="panel-${p.id}-clone-"]`)
          .first();
        const panel = new Panel({ page, request, selectors, grafanaVersion, testInfo }, locator);
        await panel.scrollIntoView();
        await locator.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
        if (!(await locator.isVisible())) {
          problems.push(`${name}: not shown on the dashboard`);
          continue;
        }
        await settled(name);
        // loadingBar takes no argument; its selector type asks for one.
        const loading = locator.locator(resolveGrafanaSelector(sel.loadingBar('')));
        await expect(loading, `${name} is still loading`).toHaveCount(0, { timeout: PANEL_TIMEOUT });

        const errorIcon = panel.getErrorIcon();
        if (await errorIcon.count()) {
          // The indicator's tooltip carries the error message.
          await errorIcon.first().hover();
          const message = await page
            .getByRole('tooltip')
            .first()
            .textContent({ timeout: 3_000 })
            .catch(() => '(no tooltip)');
          problems.push(`${name}: panel error: ${message}`);
        }
        for (const message of await locator
          .locator(resolveGrafanaSelector(sel.PanelDataErrorMessage))
          .allTextContents()) {
          const explained = message.trim() === p.fieldConfig?.defaults?.noValue;
          if (!explained && !/^\s*No data\s*$/i.test(message))
            problems.push(`${name}: data error: ${message}`);
        }
      }
      await dashboardPage.waitForPanelsQueriesToComplete({ scrollAll: true, timeout: PANEL_TIMEOUT });
      await settled('the dashboard');
    } finally {
      await page.evaluate(() => window.scrollTo(0, 0));
      const path = join(ARTIFACTS, 'screenshots', `${dashboard.name}.png`);
      await page.screenshot({ path, fullPage: true });
      await testInfo.attach(`${dashboard.name}.png`, { path, contentType: 'image/png' });
    }
    expect(problems, `panels of ${dashboard.title} with problems`).toEqual([]);
    // Whatever the loop could not name: any panel error indicator on the page.
    await expect(dashboardPage, 'panel errors on the dashboard').not.toHavePanelErrors();
  });
}
