/**
 * Pull-request activity: repos-1-day lines per repository, and the pull_requests section of an
 * aggregate, whose counters are the sums over the scope's repositories.
 */
import { PULL_REQUEST_COUNTERS } from '@copilot-metrics/contract';
import { type DayNumber, formatDay, isoWeekday } from '../../days';
import type { JsonObject } from '../../reports/types';
import { type Population, type Repo, SINCE, Salt } from '../model';
import { between, unit } from '../random';
import { type SimScope, reposOf } from './scope';
import { round2 } from './twoDecimals';

type Counts = Record<(typeof PULL_REQUEST_COUNTERS)[number], number>;
type Draw = (low: number, high: number, salt: number) => number;

interface RepoDay {
  counts: Counts;
  /** copilot_suggestions_by_comment_type, empty before GitHub sent it. */
  comments: JsonObject[];
  /** The figures of the repos-1-day line. */
  figures: JsonObject;
}

/** A repos-1-day line, or undefined when the repository had no pull-request activity. */
export function repoRecord(p: Population, repo: Repo, day: DayNumber): JsonObject | undefined {
  const pr = repoDay(p.seed, repo, day);
  if (!pr) return undefined;
  return {
    day: formatDay(day),
    enterprise_id: p.enterprise.id,
    organization_id: p.orgs[repo.orgIndex].id,
    repo_id: repo.id,
    repo_owner_name: repo.owner,
    repo_name: repo.name,
    repo_visibility: repo.visibility,
    ...pr.figures,
  };
}

function repoDay(seed: number, repo: Repo, day: DayNumber): RepoDay | undefined {
  const weekend = isoWeekday(day) >= 5;
  if (unit(seed, Salt.Repo, repo.id, day) >= (weekend ? 0.05 : 0.45)) return undefined;
  const r: Draw = (low, high, salt) => between(low, high, seed, Salt.Repo, repo.id, day, salt);
  const counts = repoCounts(r);
  const pullRequests: JsonObject = {
    ...counts,
    ...mergeMedians(counts, r, { all: [3000, 400_000], copilot: [2000, 300_000], salt: 10 }),
  };
  let comments: JsonObject[] = [];
  if (day >= SINCE.commentTypes) {
    comments = splitCommentTypes(
      counts.total_copilot_suggestions,
      counts.total_copilot_applied_suggestions,
      (salt) => r(0, 100, 20 + salt),
    );
    pullRequests.copilot_suggestions_by_comment_type = comments;
  }
  const figures: JsonObject = { pull_requests: pullRequests };
  if (day >= SINCE.reviewTimes) figures.pull_request_review_times = reviewTimes(counts.total_merged, r, 30);
  return { counts, comments, figures };
}

/** A repository's counters for a day; each bounded by the ones it is a part of. */
function repoCounts(r: Draw): Counts {
  const created = r(0, 6, 1);
  const reviewed = r(0, created + 2, 2);
  const merged = r(0, reviewed + 1, 3);
  const createdByCopilot = r(0, Math.min(2, created), 4);
  const reviewedByCopilot = r(0, reviewed, 5);
  const copilotSuggestions = reviewedByCopilot * r(0, 4, 6);
  const copilotApplied = r(0, copilotSuggestions, 7);
  const suggestions = copilotSuggestions + r(0, 6, 8);
  return {
    total_created: created,
    total_reviewed: reviewed,
    total_merged: merged,
    total_suggestions: suggestions,
    total_applied_suggestions: copilotApplied + r(0, suggestions - copilotSuggestions, 9),
    total_created_by_copilot: createdByCopilot,
    total_reviewed_by_copilot: reviewedByCopilot,
    total_merged_created_by_copilot: Math.min(merged, createdByCopilot),
    total_merged_reviewed_by_copilot: Math.min(merged, reviewedByCopilot),
    total_copilot_suggestions: copilotSuggestions,
    total_copilot_applied_suggestions: copilotApplied,
  };
}

/** Aggregate pull_requests: counters summed over the scope's repositories; medians are the scope's own. */
export function scopePullRequests(p: Population, scope: SimScope, day: DayNumber): JsonObject | undefined {
  const prStart = scope.kind === 'enterprise' ? SINCE.enterprise + 132 : SINCE.organization + 75; // 2026-02-19 / 2026-02-25
  if (day < prStart) return undefined;
  const { counts, comments } = sumRepos(p, scope, day);
  const r: Draw = (low, high, salt) =>
    between(low, high, p.seed, 300, scope.kind === 'enterprise' ? -1 : scope.org.index, day, salt);
  const pullRequests: JsonObject = {
    ...counts,
    ...mergeMedians(counts, r, { all: [6000, 300_000], copilot: [4000, 200_000], salt: 1 }),
  };
  if (day >= SINCE.commentTypes) {
    pullRequests.copilot_suggestions_by_comment_type = [...comments].map(([comment_type, [s, a]]) => ({
      comment_type,
      total_copilot_suggestions: s,
      total_copilot_applied_suggestions: a,
    }));
  }
  const result: JsonObject = { pull_requests: pullRequests };
  if (day >= SINCE.reviewTimes) result.pull_request_review_times = reviewTimes(counts.total_merged, r, 10);
  return result;
}

/** The scope's repositories' counters, and their comment-type [suggestions, applied] in first-seen order. */
function sumRepos(p: Population, scope: SimScope, day: DayNumber) {
  const counts = Object.fromEntries(PULL_REQUEST_COUNTERS.map((k) => [k, 0])) as Counts;
  const comments = new Map<string, [number, number]>();
  for (const repo of reposOf(p, scope)) {
    const pr = repoDay(p.seed, repo, day);
    if (!pr) continue;
    for (const key of PULL_REQUEST_COUNTERS) counts[key] += pr.counts[key];
    for (const entry of pr.comments) {
      const sum = comments.get(entry.comment_type as string) ?? [0, 0];
      sum[0] += entry.total_copilot_suggestions as number;
      sum[1] += entry.total_copilot_applied_suggestions as number;
      comments.set(entry.comment_type as string, sum);
    }
  }
  return { counts, comments };
}

const COMMENT_TYPES = ['security', 'bug_risk', 'performance', 'readability', 'maintainability'];

function splitCommentTypes(
  suggestions: number,
  applied: number,
  random: (salt: number) => number,
): JsonObject[] {
  const out: JsonObject[] = [];
  let leftS = suggestions;
  let leftA = applied;
  for (const [i, comment_type] of COMMENT_TYPES.entries()) {
    if (leftS === 0) break;
    const last = i === COMMENT_TYPES.length - 1;
    const s = last ? leftS : Math.min(leftS, Math.round((leftS * random(i)) / 100));
    const a = last ? leftA : Math.min(leftA, s);
    if (s === 0 && a === 0) continue;
    out.push({ comment_type, total_copilot_suggestions: s, total_copilot_applied_suggestions: a });
    leftS -= s;
    leftA -= a;
  }
  return out;
}

/** Minutes to merge: of all merged pull requests, and of those Copilot wrote or reviewed, when there are any. */
function mergeMedians(
  counts: Counts,
  r: Draw,
  ranges: { all: [number, number]; copilot: [number, number]; salt: number },
): JsonObject {
  if (counts.total_merged === 0) return {};
  const { all, copilot, salt } = ranges;
  const medians: JsonObject = { median_minutes_to_merge: round2(r(...all, salt) / 100) };
  if (counts.total_merged_created_by_copilot > 0)
    medians.median_minutes_to_merge_copilot_authored = round2(r(...copilot, salt + 1) / 100);
  if (counts.total_merged_reviewed_by_copilot > 0)
    medians.median_minutes_to_merge_copilot_reviewed = round2(r(...copilot, salt + 2) / 100);
  return medians;
}

/** pull_request_review_times: one human-by-human entry when anything merged; `salt` starts its draws. */
function reviewTimes(merged: number, draw: Draw, salt: number): JsonObject[] {
  if (merged === 0) return [];
  const r: Draw = (low, high, i) => draw(low, high, salt + i);
  const single = r(0, 3, 0) === 0;
  const first = r(10, 2000, 1);
  const between_ = single ? 0 : r(5, 3000, 2);
  const toMerge = r(5, 1500, 3);
  return [
    {
      authored_by: 'human',
      reviewed_by: 'human',
      total_merged: merged,
      median_minutes_ready_to_first_review: first,
      p90_minutes_ready_to_first_review: first * r(2, 5, 4),
      median_minutes_first_to_final_review: between_,
      p90_minutes_first_to_final_review: between_ * r(2, 4, 5),
      median_minutes_final_review_to_merge: toMerge,
      p90_minutes_final_review_to_merge: toMerge * r(2, 6, 6),
    },
  ];
}
