/**
 * Billing answers read as GitHub sends them: the real `ai_credit/usage` item of the reference, the
 * observed export CSV (BOM, quoted) through csv-parse and folded by the store, budgets and cost
 * centers; the planner's billing days; and the store's replace-in-one-transaction.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import {
  checkCsvHeader,
  csvRow,
  parseBudgetsPage,
  parseCostCenters,
  parseUsageAnswer,
} from '../src/reports/billing';
import type { Scope } from '../src/scopes';
import { exportWindows, readCsv } from '../src/sync/billing';
import { planSync, selectKinds } from '../src/sync/planner';
import { TEST_TODAY, day, tempDatabase } from './helpers';

const FIXTURE = join(__dirname, 'fixtures', 'billing-ai-credit.csv');

describe('ai_credit/usage answers', () => {
  // The first item of a real organization answer (reference §2.2, go-github#4262), with a day.
  const real = {
    timePeriod: { year: 2026, month: 6, day: 1 },
    organization: 'ORG',
    usageItems: [
      {
        product: 'Copilot',
        sku: 'Copilot AI Credits',
        model: 'Auto: Claude Haiku 4.5',
        unitType: 'ai-credits',
        pricePerUnit: 0.01,
        grossQuantity: 3956.1799545,
        grossAmount: 39.561799545,
        discountQuantity: 3956.1799545,
        discountAmount: 39.561799545,
        netQuantity: 0.0,
        netAmount: 0.0,
      },
    ],
  };

  test('keeps all six quantities and amounts and the opaque strings as sent', () => {
    const parsed = parseUsageAnswer(real, day('2026-06-01'));
    expect(parsed.rows).toEqual([{ ...real.usageItems[0] }]);
    expect(parsed).toMatchObject({ unknownKeys: [], malformed: 0, issues: [] });
  });

  test('sums items sharing a key, reports unknown keys and malformed items', () => {
    const item = { ...real.usageItems[0], tokens: 5 };
    const parsed = parseUsageAnswer(
      { ...real, costCenter: null, newTop: 1, usageItems: [item, item, { product: 'Copilot' }] },
      day('2026-06-01'),
    );
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0].grossQuantity).toBeCloseTo(2 * 3956.1799545, 9);
    expect(parsed.rows[0].pricePerUnit).toBe(0.01);
    expect(parsed.unknownKeys).toEqual(['newTop', 'usageItems[].tokens']);
    expect(parsed.malformed).toBe(1);
    expect(parsed.issues.join('\n')).toMatch(/usageItems\[2\]: sku, model, unitType missing/);
  });

  test('an answer for another day, or not the documented object, is refused', () => {
    expect(() => parseUsageAnswer(real, day('2026-06-02'))).toThrow(/not the day asked for/);
    expect(() => parseUsageAnswer({ message: 'x' }, day('2026-06-01'))).toThrow(/usageItems/);
  });
});

describe('the ai_credit export CSV', () => {
  test('is read by header name (BOM, quoted), folded over cost centers by the store, with malformed lines numbered', async () => {
    const t = tempDatabase();
    try {
      const scopeId = await t.store.scopeId({ kind: 'enterprise', slug: 'e' });
      const problems: string[] = [];
      let header: string[] = [];
      const rowsPerDay = new Map<number, number>();
      const writer = await t.store.beginBillingExport(scopeId, [day('2026-06-01'), day('2026-06-02')]);
      await readCsv(createReadStream(FIXTURE), {
        header: (columns) => (header = columns),
        row: (record, line) => {
          const mapped = csvRow(record);
          if ('error' in mapped) return void problems.push(`line ${line}: ${mapped.error}`);
          const { row } = mapped;
          writer.addRow(row, row.username === '' ? 0 : row.username.length);
          rowsPerDay.set(row.day, (rowsPerDay.get(row.day) ?? 0) + 1);
        },
        skipped: (line, message) => problems.push(`line ${line}: ${message}`),
      });
      await writer.commit(new Map());
      expect(header[0]).toBe('date');
      expect(checkCsvHeader(header)).toEqual([]);
      expect(problems).toEqual([
        expect.stringMatching(/^line 5: quantity "not-a-number" is not a number/),
        expect.stringMatching(/^line 6: /),
      ]);
      const users = t.db.prepare('SELECT * FROM billing_user_day ORDER BY day, model').all() as any[];
      // Lines 2 and 3 differ only in cost_center_name: one row, added in the CSV's order.
      const codex = users.find((u) => u.model === 'Auto: GPT-5.3-Codex')!;
      expect(users).toHaveLength(2);
      expect(codex.quantity).toBe(114.42186000000002 + 10.5);
      expect(codex.gross_amount).toBe(1.1442185999999999 + 0.105);
      expect(codex.discount_amount).toBe(1.1442185999999999 + 0.1);
      expect(codex.net_amount).toBe(0 + 0.005);
      expect(codex).toMatchObject({
        user_ref: 'lluppesms'.length,
        total_monthly_quota: 3900,
        applied_cost_per_quantity: 0.01,
        organization: 'ms-mfg-community',
        repository: '',
        sku: 'copilot_ai_credit',
        aic_quantity: 0,
        extra: null,
      });
      // Per cost center nothing is folded away: '' and "Platform, EMEA" (a quoted comma) apart.
      const centers = t.db
        .prepare(
          'SELECT day, cost_center_name, quantity FROM billing_cost_center_day ORDER BY day, cost_center_name',
        )
        .all() as any[];
      expect(centers.map((c) => [formatted(c.day), c.cost_center_name, c.quantity])).toEqual([
        ['2026-06-01', '', 114.42186000000002],
        ['2026-06-01', 'Platform, EMEA', 10.5],
        ['2026-06-02', 'Platform, EMEA', 20],
      ]);
      expect([...rowsPerDay]).toEqual([
        [day('2026-06-01'), 2],
        [day('2026-06-02'), 1],
      ]);
      // Days without an outcome are recorded as without data.
      expect(await t.store.reportStatus(scopeId, 'billing-users', day('2026-06-01'))).toBe('no_data');
    } finally {
      t.close();
    }
  });

  test('the store adds amounts as SQL sums do (NULL + x = x), keeps the first row’s labels and unknown columns, and replaces the export’s days', async () => {
    const t = tempDatabase();
    try {
      const scopeId = await t.store.scopeId({ kind: 'enterprise', slug: 'e' });
      const base = csvRow({ date: '2026-06-03', product: 'copilot', sku: 's', quantity: '' });
      if (!('row' in base)) throw new Error(base.error);
      const row = (
        quantity: number | null,
        extra: Record<string, string> | null,
        applied: number | null,
      ) => ({
        ...base.row,
        appliedCostPerQuantity: applied,
        amounts: { ...base.row.amounts, quantity },
        extra,
      });
      const first = await t.store.beginBillingExport(scopeId, [day('2026-06-03')]);
      first.addRow(row(null, null, 0.01), 7);
      first.addRow(row(null, { a: '1' }, 0.02), 7);
      expect(t.db.prepare('SELECT quantity FROM billing_user_day').pluck().get()).toBeNull();
      first.addRow(row(2, { a: '2', b: '3' }, 0.03), 7);
      first.addRow(row(0.5, null, null), 7);
      await first.commit(
        new Map([
          [
            day('2026-06-03'),
            { records: 4, malformedLines: 0, issues: [], unknownKeys: ['a', 'b'], files: 1, bytes: null },
          ],
        ]),
      );
      expect(
        t.db
          .prepare('SELECT quantity, applied_cost_per_quantity AS applied, extra FROM billing_user_day')
          .get(),
      ).toEqual({
        quantity: 2.5,
        applied: 0.01,
        extra: JSON.stringify({ a: '1', b: '3' }),
      });
      expect(await t.store.reportStatus(scopeId, 'billing-users', day('2026-06-03'))).toBe('ok');
      // A rolled-back export leaves the stored days as they were; a committed one replaces them.
      const failed = await t.store.beginBillingExport(scopeId, [day('2026-06-03')]);
      failed.addRow(row(9, null, null), 8);
      await failed.rollback();
      expect(t.db.prepare('SELECT user_ref, quantity FROM billing_user_day').all()).toEqual([
        { user_ref: 7, quantity: 2.5 },
      ]);
      const again = await t.store.beginBillingExport(scopeId, [day('2026-06-03')]);
      await again.commit(new Map());
      expect(t.db.prepare('SELECT count(*) FROM billing_user_day').pluck().get()).toBe(0);
      expect(t.db.prepare('SELECT count(*) FROM billing_cost_center_day').pluck().get()).toBe(0);
      expect(await t.store.reportStatus(scopeId, 'billing-users', day('2026-06-03'))).toBe('no_data');
    } finally {
      t.close();
    }
  });

  test('unknown columns are reported and kept per row; a CSV without the needed columns is refused', () => {
    expect(checkCsvHeader(['date', 'product', 'sku', 'quantity', 'input_tokens'])).toEqual(['input_tokens']);
    const mapped = csvRow({
      date: '2026-06-03',
      product: 'copilot',
      sku: 's',
      quantity: '2',
      input_tokens: '7',
    });
    expect('row' in mapped && mapped.row.extra).toEqual({ input_tokens: '7' });
    expect(() => checkCsvHeader(['day', 'user', 'amount'])).toThrow(/no date, product, sku, quantity column/);
  });
});

const formatted = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

describe('budgets and cost centers', () => {
  test('budgets accept both SKU spellings and keep alerting; pages say whether more follow', () => {
    const page = parseBudgetsPage(
      {
        budgets: [
          {
            id: 'b1',
            budget_type: 'BundlePricing',
            budget_product_skus: ['ai_credits'],
            budget_scope: 'user',
            user: 'octocat',
            budget_amount: 500.0,
            prevent_further_usage: true,
            budget_alerting: { will_alert: true, alert_recipients: ['org-owner'] },
            color: 'red',
          },
          { nothing: 1 },
        ],
        has_next_page: true,
        total_count: 3,
      },
      1,
    );
    expect(page.rows).toEqual([
      expect.objectContaining({
        budgetId: 'b1',
        productSku: 'ai_credits',
        user: 'octocat',
        budgetAmount: 500,
        willAlert: true,
        alertRecipients: ['org-owner'],
      }),
    ]);
    expect(page).toMatchObject({
      hasNextPage: true,
      totalCount: 3,
      malformed: 1,
      unknownKeys: ['budgets[].color'],
    });
  });

  test('cost centers keep the pool (in AI credits) and resources', () => {
    const parsed = parseCostCenters({
      costCenters: [
        {
          id: 'cc1',
          name: 'Cost Center Name',
          state: 'active',
          azure_subscription: 'sub',
          resources: [{ type: 'User', name: 'Monalisa' }],
          ai_credit_pool_enabled: true,
          ai_credit_pool_state: { target_amount: 21000.0, current_amount: 7250.5 },
        },
      ],
    });
    expect(parsed.rows[0]).toMatchObject({
      poolTargetAmount: 21000,
      poolCurrentAmount: 7250.5,
      azureSubscription: 'sub',
    });
  });
});

describe('planning', () => {
  const enterprise: Scope = { kind: 'enterprise', slug: 'e' };
  const org: Scope = { kind: 'organization', slug: 'o' };

  test('`billing` stands for the three billing kinds, and none while billing is off', () => {
    expect(selectKinds(['billing'], true)).toEqual(['billing', 'billing-users', 'billing-snapshot']);
    expect(selectKinds(['billing', 'users'], false)).toEqual(['users']);
    expect(selectKinds(undefined, false)).not.toContain('billing');
  });

  test('from 2026-06-01 (or the horizon) to yesterday; the export for enterprises only; trailing days again', () => {
    const stored = new Set<string>();
    const plan = (from?: number) =>
      planSync({
        scopes: [enterprise, org],
        kinds: ['billing', 'billing-users', 'billing-snapshot'],
        today: TEST_TODAY,
        backfillDays: 365,
        refetchDays: 3,
        from,
        statusOf: (scope, kind, d) => (stored.has(`${scope.slug}:${kind}:${d}`) ? 'ok' : undefined),
      });
    const first = plan();
    const billingDays = first.filter((t) => t.kind === 'billing' && t.scope === org).map((t) => t.day);
    expect(Math.min(...billingDays)).toBe(day('2026-06-01'));
    expect(Math.max(...billingDays)).toBe(TEST_TODAY - 1);
    expect(first.filter((t) => t.kind === 'billing-users').every((t) => t.scope === enterprise)).toBe(true);
    expect(first.filter((t) => t.kind === 'billing-snapshot').map((t) => t.day)).toEqual([
      TEST_TODAY,
      TEST_TODAY,
    ]);
    for (const t of first) stored.add(`${t.scope.slug}:${t.kind}:${t.day}`);
    const again = plan();
    expect(again.filter((t) => t.kind === 'billing').map((t) => [t.scope.slug, t.day, t.reason])).toEqual(
      [1, 2, 3].flatMap((back) => [
        ['e', TEST_TODAY - back, 'refetch'],
        ['o', TEST_TODAY - back, 'refetch'],
      ]),
    );
    // Past the backfill horizon nothing is planned, and nothing is deleted either (no plan drops rows).
    expect(plan(TEST_TODAY - 10).filter((t) => t.kind === 'billing').length).toBe(2 * 3);
  });

  test('export windows span at most 31 days', () => {
    const days = Array.from({ length: 70 }, (_, i) => day('2026-06-01') + i);
    const windows = exportWindows(days);
    expect(windows.map((w) => w.to - w.from + 1)).toEqual([31, 31, 8]);
    expect(exportWindows([5, 1, 40])).toEqual([
      { from: 1, to: 5 },
      { from: 40, to: 40 },
    ]);
  });
});

describe('the store', () => {
  test('a day of usage is replaced whole, in one transaction, and recorded', async () => {
    const t = tempDatabase();
    try {
      const scopeId = await t.store.scopeId({ kind: 'enterprise', slug: 'e' });
      const item = parseUsageAnswer(
        { usageItems: [{ product: 'p', sku: 's', model: 'm', unitType: 'u', netAmount: 2 }] },
        0,
      ).rows[0];
      const outcome = { records: 1, malformedLines: 0, issues: [], unknownKeys: [], files: 1, bytes: null };
      await t.store.replaceBillingUsage(scopeId, 100, [item, { ...item, model: 'n' }], outcome);
      await t.store.replaceBillingUsage(scopeId, 100, [item], outcome);
      expect(t.db.prepare('SELECT model, net_amount FROM billing_usage_day').all()).toEqual([
        { model: 'm', net_amount: 2 },
      ]);
      expect(await t.store.reportStatus(scopeId, 'billing', 100)).toBe('ok');
      // A duplicate key is a bug of the caller: the transaction rolls back, the stored day stays.
      await expect(t.store.replaceBillingUsage(scopeId, 100, [item, item], outcome)).rejects.toMatchObject({
        code: expect.stringMatching(/^SQLITE_CONSTRAINT/),
      });
      expect(t.db.prepare('SELECT count(*) FROM billing_usage_day').pluck().get()).toBe(1);
    } finally {
      t.close();
    }
  });
});
