/**
 * @jest-environment node
 *
 * The built plugin in a real browser (Debian's Chromium, driven by playwright-core): a small page
 * with Grafana's theme loads dist/module.js through AMD and renders its editors; a test server stands
 * in for Grafana's data source proxy in front of a real ingester. The screenshot is kept in
 * test-artifacts/ (not in git) so a person can see what the editor looks like.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { once } from 'node:events';
import { extname, join, normalize } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type RunningIngester, startIngester } from './ingester';

const PLUGIN = join(__dirname, '..');
const ARTIFACTS = join(PLUGIN, 'test-artifacts');
const ICONS = join(require.resolve('@grafana/ui/package.json'), '..', 'dist', 'public', 'img', 'icons');
/** Debian's Chromium, or another Chromium or Chrome binary named by CHROMIUM_PATH (macOS, Ubuntu). */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PROXY_PATH = '/api/datasources/proxy/uid/copilot/ingester/';

let ingester: RunningIngester;
let server: Server;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const requests: string[] = [];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function serveFile(res: ServerResponse, root: string, relative: string) {
  const path = normalize(join(root, relative));
  if (!path.startsWith(root) || !existsSync(path)) {
    res.writeHead(404).end();
    return;
  }
  res
    .writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' })
    .end(readFileSync(path));
}

/** Grafana's data source proxy: the `ingester` route's URL, with the token added on the server side. */
async function proxy(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = `${ingester.url}/${req.url!.slice(PROXY_PATH.length)}`;
  requests.push(`${req.method} ${target}`);
  const answer = await fetch(target, {
    method: req.method,
    headers: { Authorization: `Bearer ${ingester.token}`, 'Content-Type': 'application/json' },
    body: chunks.length ? Buffer.concat(chunks) : undefined,
  });
  res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(await answer.text());
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y chromium (scripts/test.sh does this), or set CHROMIUM_PATH to a Chromium or Chrome binary`,
    );
  }
  if (!existsSync(join(PLUGIN, 'dist', 'module.js')))
    throw new Error('dist/module.js is missing: npm run build');
  const [started, bundle] = await Promise.all([
    startIngester(),
    build({
      entryPoints: [join(__dirname, 'browser', 'host.tsx')],
      bundle: true,
      write: false,
      minify: true,
      platform: 'browser',
      format: 'iife',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
      loader: { '.svg': 'text', '.css': 'empty', '.woff2': 'empty' },
      logLevel: 'error',
    }),
  ]);
  ingester = started;
  const hostScript = bundle.outputFiles[0].contents;
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end(
          '<!doctype html><html><head><meta charset="utf-8"></head><body><div id="root"></div><script src="/host.js"></script></body></html>',
        );
    } else if (url === '/host.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(hostScript);
    else if (url.startsWith('/dist/')) serveFile(res, join(PLUGIN, 'dist'), url.slice('/dist/'.length));
    else if (url.startsWith('/public/build/img/icons/'))
      serveFile(res, ICONS, url.slice('/public/build/img/icons/'.length));
    else if (url.startsWith(PROXY_PATH)) void proxy(req, res);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const { port } = server.address() as { port: number };
  await page.goto(`http://127.0.0.1:${port}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await ingester?.stop();
});

const currentQuery = async () => JSON.parse((await page.getByTestId('query').textContent()) ?? '{}');

test('the query editor, built and loaded like Grafana loads it, picks a metric and a grouping that run', async () => {
  const metric = page.getByRole('combobox', { name: 'Metric' });
  await metric.waitFor();
  // The catalog has loaded once the default metric shows its title.
  await page.waitForFunction(
    () =>
      (
        document.querySelector(
          '[data-testid="query-editor"] input[role="combobox"][id$="-metric"]',
        ) as HTMLInputElement
      )?.value === 'Daily active users',
  );

  // Keyboard only: Tab from the scope to the metric, select its text, type to search, Enter.
  await page.getByRole('combobox', { name: 'Scope' }).click();
  await page.keyboard.press('Escape');
  for (let i = 0; i < 5 && !(await metric.evaluate((input) => input === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  expect(await metric.evaluate((input) => input === document.activeElement)).toBe(true);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Active users');
  await page.locator('[role="option"][aria-selected="true"]', { hasText: /^Active users/ }).waitFor();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="query"]')?.textContent?.includes('"active_users"'),
  );

  // The grouping list now holds only what the catalog allows for active_users.
  await page.getByRole('combobox', { name: 'Group by' }).click();
  await page.getByRole('option', { name: /^IDE IDE/ }).waitFor();
  const groupings = await page.getByRole('option').allTextContents();
  expect(groupings.some((text) => text.startsWith('IDE'))).toBe(true);
  expect(groupings.some((text) => text.startsWith('Repository'))).toBe(false);
  await page.getByRole('option', { name: /^IDE IDE/ }).click();

  await page.waitForFunction(() =>
    /series: .*vscode/.test(document.querySelector('[data-testid="result"]')?.textContent ?? ''),
  );
  expect(await currentQuery()).toMatchObject({ metric: 'active_users', groupBy: 'ide' });
  expect(requests.some((request) => request.startsWith('POST') && request.endsWith('/api/v1/query'))).toBe(
    true,
  );

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.getByRole('combobox', { name: 'Group by' }).blur();
  await page.screenshot({ path: join(ARTIFACTS, 'query-editor.png'), fullPage: true });
  expect(existsSync(join(ARTIFACTS, 'query-editor.png'))).toBe(true);
  expect(pageErrors).toEqual([]);
});

test('the editor shows Grafana’s icons and theme, not unstyled HTML', async () => {
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const iconsDrawn = await page.locator('[data-testid="query-editor"] svg path').count();

  expect(background).not.toBe('rgba(0, 0, 0, 0)');
  expect(iconsDrawn).toBeGreaterThan(0);
});
