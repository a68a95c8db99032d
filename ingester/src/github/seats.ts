/**
 * The Copilot seats of an organization: `GET /orgs/{org}/copilot/billing/seats`, 100 per page, following
 * the Link header. GitHub has no seats report per day: each call answers with the seats of now.
 * Enterprises get theirs as the union of their organizations' (store/seats.ts): the enterprise seats
 * endpoint is not in the OpenAPI description this project follows.
 */
import { z } from 'zod';
import { type ParsedSeat, type Seat, parseSeat } from '../reports/seats';
import { type Scope, scopeKey } from '../scopes';
import { type GitHubClient, githubMessage } from './client';
import { GitHubError, describeSeatsFailure } from './errors';

/** GitHub's maximum page size for this endpoint. */
export const SEATS_PER_PAGE = 100;

const seatsPage = z.object({ total_seats: z.number().int().nonnegative(), seats: z.array(z.unknown()) });

export interface SeatsSnapshot {
  seats: Seat[];
  /** GitHub's `total_seats` on the last page. */
  totalSeats: number;
  pages: number;
  /** Seats that could not be read, and anything odd about the listing; capped. */
  issues: string[];
  malformed: number;
}

export function seatsPath(org: string, page = 1): string {
  return `/orgs/${encodeURIComponent(org)}/copilot/billing/seats?per_page=${SEATS_PER_PAGE}&page=${page}`;
}

/** The `rel="next"` URL of a Link header, if any. */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(', ') : (header ?? '');
  for (const part of value.split(',')) {
    const match = /<([^>]+)>\s*;.*\brel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

/** Every seat of an organization, deduplicated by user (a listing that shifts between pages can repeat one). */
export async function fetchSeats(client: GitHubClient, scope: Scope): Promise<SeatsSnapshot> {
  if (scope.kind !== 'organization')
    throw new Error(`seats are listed per organization, not for ${scopeKey(scope)}`);
  const what = `the Copilot seats of ${scopeKey(scope)}`;
  const byUser = new Map<number, Seat>();
  const issues: string[] = [];
  let malformed = 0;
  let totalSeats = 0;
  let pages = 0;
  let path: string | undefined = seatsPath(scope.slug);
  while (path !== undefined) {
    const response = await client.call('GET', path, { account: scope.slug });
    pages++;
    if (response.status !== 200)
      throw describeSeatsFailure(response.status, `${what} (page ${pages})`, githubMessage(response.body));
    const parsed = seatsPage.safeParse(response.body);
    if (!parsed.success) {
      throw new GitHubError(
        `GitHub's answer for ${what} (page ${pages}) is not the documented {total_seats, seats} object: ${parsed.error.issues[0]?.message ?? 'unreadable JSON'}. Check GITHUB_API_URL points at the GitHub API.`,
        200,
        true,
      );
    }
    totalSeats = parsed.data.total_seats;
    for (const [index, value] of parsed.data.seats.entries()) {
      const seat: ParsedSeat = parseSeat(value);
      if (seat.ok) byUser.set(seat.seat.user.githubId, seat.seat);
      else {
        malformed++;
        if (issues.length < 50) issues.push(`page ${pages}, seat ${index + 1}: ${seat.error}`);
      }
    }
    const next = nextLink(response.headers.link);
    if (next === undefined || parsed.data.seats.length === 0) break;
    // The token goes only to the API host: a next link elsewhere is followed by page number instead.
    path = next.startsWith(`${client.apiUrl}/`)
      ? next.slice(client.apiUrl.length)
      : seatsPath(scope.slug, pages + 1);
    if (pages > Math.ceil(totalSeats / SEATS_PER_PAGE) + 10) {
      issues.push(`stopped after ${pages} pages: GitHub kept sending a next link`);
      break;
    }
  }
  const seats = [...byUser.values()];
  if (seats.length + malformed !== totalSeats)
    issues.push(
      `GitHub counted ${totalSeats} seats but its pages listed ${seats.length + malformed} (seats assigned or removed while paging); the next sync reads them again`,
    );
  return { seats, totalSeats, pages, issues, malformed };
}
