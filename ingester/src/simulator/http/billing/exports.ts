/**
 * Usage-report exports (https://docs.github.com/enterprise-cloud@latest/rest/billing/usage-reports): `POST /enterprises/{enterprise}/settings/billing/reports` starts
 * one (202, `processing`), `GET …/reports` lists them under `usage_report_exports`, and
 * `GET …/reports/{report_id}` polls one: `processing` for the first `exportPolls` polls, then
 * `completed` with pre-signed `download_urls` on the download host (empty when there are no rows), or
 * `failed` with 'billing-export-failed'. One export per enterprise at a time (409 otherwise, as
 * community tools observe); `ai_credit` and `detailed` ranges are limited to 31 days, `summarized` to a
 * year. Only `ai_credit` has rows here: the simulator bills nothing else.
 */
import type { IncomingMessage } from 'node:http';
import { type DayNumber, formatDay, parseDay } from '../../../days';
import type { JsonObject } from '../../../reports/types';
import { type BillingLedger, type BillingRow, csvFile } from '../../generate/billing';
import { uuid } from '../../generate/billing/costCenters';
import type { SimContext } from '../context';
import type { DownloadHost } from '../downloads';
import type { Exchange } from '../exchange';
import type { BillingAccess } from './access';
import { badRequest, notFound } from './paging';

const DOCS = 'https://docs.github.com/enterprise-cloud@latest/rest/billing/usage-reports';
const REPORT_TYPES = ['detailed', 'summarized', 'premium_request', 'ai_credit'] as const;
const FILE = /^\/_downloads\/billing\/([^/]+)\/([0-9a-f-]+)\/(\d+)-of-(\d+)\.csv$/;

export interface ExportOptions {
  /** Polls of a new export answered `processing` before it completes (default 1). */
  exportPolls?: number;
  /** CSV rows per file of an export; larger exports come in several files (default 5,000). */
  exportRowsPerFile?: number;
  linkTtlMs?: number;
}

interface UsageExport {
  id: string;
  reportType: (typeof REPORT_TYPES)[number];
  from: DayNumber;
  to: DayNumber;
  createdAt: string;
  polls: number;
  fails: boolean;
  /** Rows of the export, counted when it completes. */
  rowCount?: number;
}

export class UsageReportExports {
  private readonly exports: UsageExport[] = [];
  private readonly failedRanges = new Set<string>();

  constructor(
    private readonly ctx: SimContext,
    private readonly ledger: BillingLedger,
    private readonly access: BillingAccess,
    private readonly downloads: DownloadHost,
    private readonly options: ExportOptions,
  ) {
    downloads.mount('billing', (path) => this.file(path));
  }

  async create(x: Exchange): Promise<void> {
    if (!this.enterprise(x) || this.access.refused(x)) return;
    const body = await readJson(x.req);
    if (body === undefined) return badRequest(x, DOCS, 'Problems parsing JSON');
    const reportType = body.report_type as UsageExport['reportType'];
    if (!REPORT_TYPES.includes(reportType))
      return badRequest(x, DOCS, `Invalid report_type: use one of ${REPORT_TYPES.join(', ')}.`);
    const from = typeof body.start_date === 'string' ? parseDay(body.start_date) : undefined;
    if (from === undefined) return badRequest(x, DOCS, 'start_date is required, as YYYY-MM-DD.');
    const to = body.end_date === undefined ? this.ctx.today() : parseDay(String(body.end_date));
    if (to === undefined || to < from)
      return badRequest(x, DOCS, 'end_date must be a YYYY-MM-DD date on or after start_date.');
    const limit = reportType === 'summarized' ? 366 : 31;
    if (to - from + 1 > limit)
      return badRequest(x, DOCS, `The date range of a ${reportType} report cannot exceed ${limit} days.`);
    if (this.exports.some((e) => this.status(e) === 'processing'))
      return x.json(409, {
        message:
          'A usage report is already being generated for this enterprise. Try again when it has completed.',
        documentation_url: DOCS,
        status: '409',
      });
    const range = `${reportType}:${from}:${to}`;
    const fails = !this.failedRanges.has(range) && this.ctx.faults.fires('billing-export-failed', true);
    if (fails) this.failedRanges.add(range);
    const created: UsageExport = {
      id: uuid(this.ctx.population.seed, 660, this.exports.length),
      reportType,
      from,
      to,
      createdAt: new Date().toISOString(),
      polls: 0,
      fails,
    };
    this.exports.push(created);
    x.json(202, this.json(created));
  }

  list(x: Exchange): void {
    if (!this.enterprise(x) || this.access.refused(x)) return;
    x.json(200, { usage_report_exports: this.exports.map((e) => this.json(e)) });
  }

  get(x: Exchange): void {
    if (!this.enterprise(x) || this.access.refused(x)) return;
    const found = this.exports.find((e) => e.id === decodeURIComponent(x.params.id).toLowerCase());
    if (!found) return notFound(x, DOCS);
    found.polls++;
    x.json(200, this.json(found));
  }

  private enterprise(x: Exchange): boolean {
    const slug = decodeURIComponent(x.params.slug).toLowerCase();
    if (slug === this.ctx.population.enterprise.slug.toLowerCase()) return true;
    notFound(x, DOCS);
    return false;
  }

  private status(e: UsageExport): 'processing' | 'completed' | 'failed' {
    if (e.polls <= (this.options.exportPolls ?? 1)) return 'processing';
    return e.fails ? 'failed' : 'completed';
  }

  private json(e: UsageExport): JsonObject {
    const status = this.status(e);
    return {
      id: e.id,
      report_type: e.reportType,
      start_date: formatDay(e.from),
      end_date: formatDay(e.to),
      status,
      ...(status === 'completed' ? { download_urls: this.links(e) } : {}),
      created_at: e.createdAt,
      actor: `${this.ctx.population.enterprise.slug}-billing-admin`,
    };
  }

  /** Fresh pre-signed links to the export's files (none without rows, or with 'billing-export-empty'). */
  private links(e: UsageExport): string[] {
    e.rowCount ??=
      e.reportType === 'ai_credit' && !this.ctx.faults.fires('billing-export-empty', true)
        ? count(this.rowsOf(e))
        : 0;
    const files = Math.ceil(e.rowCount / this.rowsPerFile);
    const expires = Date.now() + (this.options.linkTtlMs ?? 3_600_000);
    const slug = encodeURIComponent(this.ctx.population.enterprise.slug);
    return Array.from({ length: files }, (_, i) =>
      this.downloads.signedUrl(`/_downloads/billing/${slug}/${e.id}/${i}-of-${files}.csv`, expires),
    );
  }

  private get rowsPerFile(): number {
    return this.options.exportRowsPerFile ?? 5000;
  }

  private rowsOf(e: UsageExport): Generator<BillingRow> {
    return this.ledger.rows(e.from, Math.min(e.to, this.ctx.today()));
  }

  /** File `part` of an export: its header, then its share of the rows in order. */
  private file(path: string) {
    const match = FILE.exec(path);
    const found = match && this.exports.find((e) => e.id === match[2] && this.status(e) === 'completed');
    if (!match || !found) return undefined;
    const part = Number(match[3]);
    const first = part * this.rowsPerFile;
    const rows = [...this.rowsOf(found)].slice(first, first + this.rowsPerFile);
    return { contentType: 'text/csv; charset=utf-8', lines: csvFile(rows) };
  }
}

function count(rows: Iterable<unknown>): number {
  let n = 0;
  for (const row of rows) if (row) n++;
  return n;
}

async function readJson(req: IncomingMessage): Promise<JsonObject | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}
