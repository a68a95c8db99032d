/**
 * Copilot seats, as `GET /orgs/{org}/copilot/billing/seats` lists them (docs.github.com/rest/copilot/copilot-user-management): one
 * seat per assigned user. GitHub calls the seats API the source of truth for licences; the usage
 * reports carry none. Pure functions: GitHub's JSON in, plain values out.
 */
import { type DayNumber, dayOf, parseDay } from '../days';
import type { UserIdentity } from './identity';
import { isJsonObject } from './types';

export interface Seat {
  user: UserIdentity;
  /** `business`, `enterprise` or `unknown`, as GitHub says; null when absent. */
  planType: string | null;
  /** When the seat was assigned: an ISO timestamp in UTC. */
  createdAt: string | null;
  /** Last Copilot activity (ISO, UTC); null when GitHub has none in its 90-day retention. */
  lastActivityAt: string | null;
  /** The client of that activity, e.g. `vscode/1.107.0/copilot-chat/0.34.0`. */
  lastActivityEditor: string | null;
  /** The seat ends at the start of the next billing cycle, on this day. */
  pendingCancellationDate: DayNumber | null;
  /** The team whose membership grants the seat; null when the seat was assigned to the user directly. */
  assigningTeam: { githubId: number; slug: string } | null;
}

export type ParsedSeat = { ok: true; seat: Seat } | { ok: false; error: string };

const isId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;

/** An ISO timestamp in UTC (GitHub sends offsets such as -06:00), so stored ones sort as text. */
export function utcTimestamp(value: unknown): string | null {
  const raw = text(value);
  const ms = raw === null ? NaN : Date.parse(raw);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The UTC day of an ISO timestamp. */
export function dayOfTimestamp(iso: string | null): DayNumber | null {
  return iso === null ? null : dayOf(new Date(iso));
}

/** `vscode/1.107.0/copilot-chat/0.34.0` → `vscode`: the editor without versions, for grouping. */
export function editorName(editor: string | null): string | null {
  const name = editor?.split('/')[0].trim();
  return name ? name : null;
}

/** One element of `seats[]`. A seat without a usable assignee cannot be stored; anything else is optional. */
export function parseSeat(value: unknown): ParsedSeat {
  if (!isJsonObject(value)) return { ok: false, error: 'a seat is not a JSON object' };
  const assignee = value.assignee;
  if (!isJsonObject(assignee) || !isId(assignee.id) || text(assignee.login) === null)
    return { ok: false, error: 'the seat has no assignee with an id and a login' };
  const team = value.assigning_team;
  const pending = text(value.pending_cancellation_date);
  return {
    ok: true,
    seat: {
      user: { githubId: assignee.id, login: text(assignee.login)! },
      planType: text(value.plan_type),
      createdAt: utcTimestamp(value.created_at),
      lastActivityAt: utcTimestamp(value.last_activity_at),
      lastActivityEditor: text(value.last_activity_editor),
      pendingCancellationDate: pending === null ? null : (parseDay(pending.slice(0, 10)) ?? null),
      assigningTeam:
        isJsonObject(team) && isId(team.id) && text(team.slug) !== null
          ? { githubId: team.id, slug: text(team.slug)! }
          : null,
    },
  };
}

/** What merging needs of a seat, stored or fetched. */
export interface MergeableSeat {
  createdAt: string | null;
  lastActivityAt: string | null;
  pendingCancellationDate: DayNumber | null;
}

/**
 * One user's seats in several organizations, as their enterprise counts them: one seat. It takes the
 * plan, editor and assigning team of the most recently used seat (of the oldest, when none was used),
 * the earliest assignment, and is pending cancellation only when every one of the seats is.
 */
export function mergeSeats<T extends MergeableSeat>(seats: readonly T[]): T {
  if (seats.length === 0) throw new Error('mergeSeats needs at least one seat');
  const primary = [...seats].sort(
    (a, b) =>
      (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? '') ||
      (a.createdAt ?? '\uffff').localeCompare(b.createdAt ?? '\uffff'),
  )[0];
  const created = seats.map((s) => s.createdAt).filter((c): c is string => c !== null);
  const pending = seats.map((s) => s.pendingCancellationDate);
  return {
    ...primary,
    createdAt: created.length ? created.sort()[0] : null,
    pendingCancellationDate: pending.includes(null) ? null : Math.max(...(pending as number[])),
  };
}
