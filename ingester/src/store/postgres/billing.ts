/**
 * AI-credit billing on PostgreSQL (../billing.ts): the usage endpoint's items and the day's snapshot
 * with SQLite's statements, and a usage-report export folded as SQLite folds it. There, each CSV row is
 * an upsert; here rows are buffered and written in multi-row INSERTs, each batch first folded in memory
 * (its keys summed in the CSV's order). A key stored by an earlier batch makes the INSERT fail; a
 * savepoint undoes it, and that batch's rows are then folded one by one, so every amount is added in
 * the CSV's order, as on SQLite.
 *
 * `extra` (unknown CSV columns) merges as SQLite's json_patch(later, earlier): the earlier row's values
 * win, the later row's keys first. PostgreSQL's jsonb would reorder the keys and change the stored text,
 * so the merge is done here (`mergeExtra`).
 */
import type { DayNumber } from '../../days';
import { CSV_AMOUNTS, type BillingCsvRow, type BillingUsageItem } from '../../reports/billing';
import {
  BUDGET_INSERT_SQL,
  COST_CENTER_AMOUNTS,
  COST_CENTER_INSERT_SQL,
  USAGE_INSERT_SQL,
  USER_STATE_INSERT_SQL,
  added,
  budgetRow,
  costCenterRow,
} from '../billing';
import { POSTGRES } from '../dialect';
import type { BillingExportWriter, BillingSnapshotRows, ReportOutcome } from '../interface';
import type { PostgresReferences } from './references';
import type { PostgresStatus } from './status';
import { NamedStatement, type Query, type WriterConnection, isUniqueViolation } from './writerConnection';

const USAGE_INSERT = new NamedStatement(USAGE_INSERT_SQL);
const BUDGET_INSERT = new NamedStatement(BUDGET_INSERT_SQL);
const USER_STATE_INSERT = new NamedStatement(USER_STATE_INSERT_SQL);
const COST_CENTER_INSERT = new NamedStatement(COST_CENTER_INSERT_SQL);

/** One folded table: its key, the amounts added, the columns the first row gives, and `extra`. */
interface FoldTable {
  table: string;
  key: readonly string[];
  amounts: readonly string[];
  first: readonly string[];
  extra: boolean;
}

const USER_DAY: FoldTable = {
  table: 'billing_user_day',
  key: ['scope_id', 'day', 'user_ref', 'product', 'sku', 'model', 'unit_type', 'organization', 'repository'],
  amounts: CSV_AMOUNTS,
  first: ['applied_cost_per_quantity', 'total_monthly_quota'],
  extra: true,
};

const COST_CENTER_DAY: FoldTable = {
  table: 'billing_cost_center_day',
  key: ['scope_id', 'day', 'cost_center_name', 'product', 'sku', 'model', 'unit_type'],
  amounts: COST_CENTER_AMOUNTS,
  first: [],
  extra: false,
};

const columnsOf = (fold: FoldTable) => [
  ...fold.key,
  ...fold.amounts,
  ...fold.first,
  ...(fold.extra ? ['extra'] : []),
];

/** A folded row: its cells in `columnsOf` order. */
type Cells = (string | number | null)[];

/** Rows a batch (the widest table has 18 columns). */
const BATCH_ROWS = 1000;

/** json_patch(later, earlier) of two flat objects of strings, as SQLite writes it. */
export function mergeExtra(later: string | null, earlier: string | null): string | null {
  if (earlier === null) return later;
  if (later === null) return earlier;
  return JSON.stringify({ ...(JSON.parse(later) as object), ...(JSON.parse(earlier) as object) });
}

/** `(a + b)` where NULL + x is x and NULL + NULL stays NULL, as the SQL fold adds. */
const add = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);

class FoldBuffer {
  private rows: Cells[] = [];
  private readonly amountsAt: number;
  private readonly extraAt: number;
  private readonly insert: (rows: number) => string;
  private readonly upsert: string;

  constructor(private readonly fold: FoldTable) {
    const columns = columnsOf(fold);
    this.amountsAt = fold.key.length;
    this.extraAt = fold.extra ? columns.length - 1 : -1;
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    this.insert = (rows) =>
      `INSERT INTO ${fold.table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
    this.upsert = `${this.insert(1)} ON CONFLICT (${fold.key.join(', ')}) DO UPDATE SET ${[
      ...fold.amounts.map((column) => added(column, POSTGRES, fold.table)),
      ...(fold.extra ? [`extra = coalesce(${fold.table}.extra, excluded.extra)`] : []),
    ].join(', ')} RETURNING (xmax <> 0) AS folded${fold.extra ? ', extra' : ''}`;
  }

  /** Buffers a row; true when the batch is full. */
  add(cells: Cells): boolean {
    this.rows.push(cells);
    return this.rows.length >= BATCH_ROWS;
  }

  take(): Cells[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  /** Writes a batch: folded in memory and inserted at once, or, when a key is stored already, row by row. */
  async write(query: Query, rows: Cells[]): Promise<void> {
    if (rows.length === 0) return;
    const folded = this.foldBatch(rows);
    await query('SAVEPOINT billing_rows');
    try {
      await query(this.insert(folded.length), folded.flat());
      await query('RELEASE SAVEPOINT billing_rows');
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await query('ROLLBACK TO SAVEPOINT billing_rows');
      await query('RELEASE SAVEPOINT billing_rows');
    }
    for (const row of rows) {
      const result = await query<{ folded: boolean; extra?: string | null }>(this.upsert, row);
      const stored = result.rows[0];
      if (this.extraAt < 0 || !stored.folded) continue;
      const merged = mergeExtra(row[this.extraAt] as string | null, stored.extra ?? null);
      if (merged !== (stored.extra ?? null))
        await query(
          `UPDATE ${this.fold.table} SET extra = ? WHERE ${this.fold.key.map((column) => `${column} = ?`).join(' AND ')}`,
          [merged, ...row.slice(0, this.amountsAt)],
        );
    }
  }

  /** The batch's rows with one row per key, in the order keys first appear, added in the CSV's order. */
  private foldBatch(rows: Cells[]): Cells[] {
    const byKey = new Map<string, Cells>();
    for (const row of rows) {
      const key = JSON.stringify(row.slice(0, this.amountsAt));
      const into = byKey.get(key);
      if (!into) {
        byKey.set(key, [...row]);
        continue;
      }
      for (let i = this.amountsAt; i < this.amountsAt + this.fold.amounts.length; i++)
        into[i] = add(into[i] as number | null, row[i] as number | null);
      if (this.extraAt >= 0)
        into[this.extraAt] = mergeExtra(
          row[this.extraAt] as string | null,
          into[this.extraAt] as string | null,
        );
    }
    return [...byKey.values()];
  }
}

export class PostgresBilling {
  constructor(
    private readonly connection: WriterConnection,
    private readonly refs: PostgresReferences,
    private readonly status: PostgresStatus,
  ) {}

  async replaceUsage(
    scopeId: number,
    day: DayNumber,
    items: readonly BillingUsageItem[],
    outcome: ReportOutcome,
  ): Promise<void> {
    await this.connection.transaction(
      async (query) => {
        await query('DELETE FROM billing_usage_day WHERE scope_id = ? AND day = ?', [scopeId, day]);
        for (const item of items)
          await query(USAGE_INSERT.text, USAGE_INSERT.bind({ scopeId, day, ...item }));
        await this.status.recordStored(query, scopeId, 'billing', day, outcome);
      },
      () => this.refs.forget(),
    );
  }

  async beginExport(scopeId: number, days: readonly DayNumber[]): Promise<BillingExportWriter> {
    await this.connection.query('BEGIN');
    try {
      for (const day of days) {
        await this.connection.query('DELETE FROM billing_user_day WHERE scope_id = ? AND day = ?', [
          scopeId,
          day,
        ]);
        await this.connection.query('DELETE FROM billing_cost_center_day WHERE scope_id = ? AND day = ?', [
          scopeId,
          day,
        ]);
      }
    } catch (error) {
      await this.connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return new PostgresExportTransaction(this.connection, this.refs, this.status, scopeId, days);
  }

  async replaceSnapshot(
    scopeId: number,
    day: DayNumber,
    rows: BillingSnapshotRows,
    outcome: ReportOutcome | { noData: string },
  ): Promise<void> {
    await this.connection.transaction(
      async (query) => {
        for (const table of ['billing_budgets', 'billing_budget_user_states', 'billing_cost_centers'])
          await query(`DELETE FROM ${table} WHERE scope_id = ? AND day = ?`, [scopeId, day]);
        for (const budget of rows.budgets)
          await query(BUDGET_INSERT.text, BUDGET_INSERT.bind(budgetRow(scopeId, day, budget)));
        for (const state of rows.userStates)
          await query(USER_STATE_INSERT.text, USER_STATE_INSERT.bind({ scopeId, day, ...state }));
        for (const center of rows.costCenters)
          await query(COST_CENTER_INSERT.text, COST_CENTER_INSERT.bind(costCenterRow(scopeId, day, center)));
        if ('noData' in outcome)
          await this.status.recordAttempt(query, scopeId, 'billing-snapshot', day, 'no_data', outcome.noData);
        else await this.status.recordStored(query, scopeId, 'billing-snapshot', day, outcome);
      },
      () => this.refs.forget(),
    );
  }
}

class PostgresExportTransaction implements BillingExportWriter {
  private finished = false;
  private readonly users = new FoldBuffer(USER_DAY);
  private readonly costCenters = new FoldBuffer(COST_CENTER_DAY);
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly connection: WriterConnection,
    private readonly refs: PostgresReferences,
    private readonly status: PostgresStatus,
    private readonly scopeId: number,
    private readonly days: readonly DayNumber[],
  ) {}

  addRow(row: BillingCsvRow, userRef: number): void {
    const { scopeId } = this;
    const { day, product, sku, model, unitType, amounts } = row;
    const userFull = this.users.add([
      scopeId,
      day,
      userRef,
      product,
      sku,
      model,
      unitType,
      row.organization,
      row.repository,
      ...CSV_AMOUNTS.map((amount) => amounts[amount]),
      row.appliedCostPerQuantity,
      row.totalMonthlyQuota,
      row.extra ? JSON.stringify(row.extra) : null,
    ]);
    const centerFull = this.costCenters.add([
      scopeId,
      day,
      row.costCenterName,
      product,
      sku,
      model,
      unitType,
      ...COST_CENTER_AMOUNTS.map((amount) => amounts[amount]),
    ]);
    if (userFull) this.write(this.users);
    if (centerFull) this.write(this.costCenters);
  }

  async commit(outcomes: ReadonlyMap<DayNumber, ReportOutcome | 'no_data'>): Promise<void> {
    this.write(this.users);
    this.write(this.costCenters);
    await this.pending;
    if (this.failure !== undefined) throw this.failure;
    for (const day of this.days)
      await this.status.recordOutcome(
        this.connection.query,
        this.scopeId,
        'billing-users',
        day,
        outcomes.get(day) ?? 'no_data',
      );
    await this.connection.query('COMMIT');
    this.finished = true;
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.pending;
    await this.connection.query('ROLLBACK');
    this.refs.forget();
  }

  /** Hands a buffer's batch to the connection; the next batch fills meanwhile. */
  private write(buffer: FoldBuffer): void {
    const rows = buffer.take();
    if (rows.length === 0) return;
    this.pending = this.pending.then(() =>
      this.failure !== undefined
        ? undefined
        : this.connection
            .serial((query) => buffer.write(query, rows))
            .catch((error: unknown) => {
              this.failure ??= error;
            }),
    );
  }
}
