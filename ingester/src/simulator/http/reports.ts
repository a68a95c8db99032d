/**
 * The report endpoints (`GET /enterprises|orgs/{slug}/copilot/metrics/reports/{report}`): which reports
 * exist, from which day, and the signed download links of one.
 */
import { type DayNumber, formatDay, parseDay } from '../../days';
import { type SimScope } from '../generate';
import { findScope } from '../generate/scope';
import { SINCE } from '../model';
import { answeredWithFault } from './apiFaults';
import type { SimContext } from './context';
import type { DownloadHost } from './downloads';
import type { Exchange } from './exchange';

type ScopeKind = 'enterprise' | 'organization';

const REPORT_NAMES: Record<ScopeKind, readonly string[]> = {
  enterprise: [
    'enterprise-1-day',
    'users-1-day',
    'user-teams-1-day',
    'repos-1-day',
    'enterprise-28-day/latest',
    'users-28-day/latest',
  ],
  organization: [
    'organization-1-day',
    'users-1-day',
    'user-teams-1-day',
    'repos-1-day',
    'organization-28-day/latest',
    'users-28-day/latest',
  ],
};

export interface ReportLinkOptions {
  /** Users per file of a users report; larger reports are sharded like GitHub's. */
  usersPerShard?: number;
  linkTtlMs?: number;
}

export class ReportLinks {
  constructor(
    private readonly ctx: SimContext,
    private readonly downloads: DownloadHost,
    private readonly options: ReportLinkOptions,
  ) {}

  links(x: Exchange, kind: ScopeKind): void {
    const slug = decodeURIComponent(x.params.slug);
    const name = x.params.report;
    const scope = findScope(this.ctx.population, kind, slug);
    if (!scope || !REPORT_NAMES[kind].includes(name)) {
      return x.json(404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest/copilot/copilot-usage-metrics',
      });
    }
    if (answeredWithFault(this.ctx, x, scope)) return;
    const latest = this.ctx.today() - 2;
    const expires = () => Date.now() + (this.options.linkTtlMs ?? 3_600_000);
    if (name.endsWith('/latest')) {
      const shards = name.startsWith('users') ? this.shardCount(scope, name) : 1;
      return x.json(200, {
        download_links: this.downloads.links(kind, slug, name, 'latest', shards, expires()),
        report_start_day: formatDay(latest - 27),
        report_end_day: formatDay(latest),
      });
    }
    const dayText = x.url.searchParams.get('day');
    if (!dayText) return x.json(422, { message: 'Invalid request.\n\n"day" wasn\'t supplied.' });
    const day = parseDay(dayText);
    if (day === undefined)
      return x.json(422, { message: `Invalid request.\n\n"${dayText}" is not a valid date (YYYY-MM-DD).` });
    if (day > latest || day < firstDay(kind, name)) return x.send(204);
    const shards =
      name === 'enterprise-1-day' || name === 'organization-1-day' ? 1 : this.shardCount(scope, name);
    x.json(200, {
      download_links: this.downloads.links(kind, slug, name, dayText, shards, expires()),
      report_day: dayText,
    });
  }

  /** Files of a report: users reports split by size; with 'shards', every sharded report in 3. */
  private shardCount(scope: SimScope, name: string): number {
    if (this.ctx.faults.fires('shards', true)) return 3;
    if (!name.startsWith('users')) return 1;
    return Math.max(
      1,
      Math.ceil(this.ctx.generator.members(scope).length / (this.options.usersPerShard ?? 5000)),
    );
  }
}

/** The first day a report has data: the scope's start, or the day GitHub introduced the report. */
function firstDay(kind: ScopeKind, name: string): DayNumber {
  const start = kind === 'enterprise' ? SINCE.enterprise : SINCE.organization;
  if (name === 'user-teams-1-day') return Math.max(start, SINCE.userTeams);
  if (name === 'repos-1-day') return Math.max(start, SINCE.repos);
  return start;
}
