/**
 * Distinct active users over the trailing day, week and 28 days, per surface, read from the cheap day
 * flags (no records generated).
 */
import type { DayNumber } from '../../days';
import { type Activity, DayFlag, phaseOf, reviewedPassively } from './activity';

export interface ActiveUsers {
  weekly: number;
  monthly: number;
  monthlyChat: number;
  monthlyAgent: number;
  dailyReviewActive: number;
  weeklyReviewActive: number;
  monthlyReviewActive: number;
  dailyReviewPassive: number;
  weeklyReviewPassive: number;
  monthlyReviewPassive: number;
  dailyCloudAgent: number;
  weeklyCloudAgent: number;
  monthlyCloudAgent: number;
  /** Users active on two or more of the 28 days, by adoption phase. */
  engaged: Map<number, number>;
}

const reviewActive = (flags: number) => (flags & DayFlag.ReviewActive) !== 0;

export function activeUsers(activity: Activity, members: readonly number[], day: DayNumber): ActiveUsers {
  const windowFlags = Array.from({ length: 28 }, (_, i) => activity.flagsOn(day - i));
  const counts: ActiveUsers = {
    weekly: 0,
    monthly: 0,
    monthlyChat: 0,
    monthlyAgent: 0,
    dailyReviewActive: 0,
    weeklyReviewActive: 0,
    monthlyReviewActive: 0,
    dailyReviewPassive: 0,
    weeklyReviewPassive: 0,
    monthlyReviewPassive: 0,
    dailyCloudAgent: 0,
    weeklyCloudAgent: 0,
    monthlyCloudAgent: 0,
    engaged: new Map<number, number>(),
  };
  for (const u of members) {
    let week = 0;
    let month = 0;
    let activeDays = 0;
    for (let i = 0; i < 28; i++) {
      const f = windowFlags[i][u];
      if (i < 7) week |= f;
      month |= f;
      if (f) activeDays++;
    }
    countUser(counts, windowFlags[0][u], week, month);
    if (activeDays >= 2) {
      const phase = phaseOf(activity.population, u);
      counts.engaged.set(phase, (counts.engaged.get(phase) ?? 0) + 1);
    }
  }
  return counts;
}

/** Adds one user, given the union of their flags over the day, the week and the 28 days. */
function countUser(counts: ActiveUsers, today: number, week: number, month: number): void {
  if (week) counts.weekly++;
  if (month) counts.monthly++;
  if (month & DayFlag.Chat) counts.monthlyChat++;
  if (month & DayFlag.Agent) counts.monthlyAgent++;
  if (reviewActive(today)) counts.dailyReviewActive++;
  if (reviewActive(week)) counts.weeklyReviewActive++;
  if (reviewActive(month)) counts.monthlyReviewActive++;
  if (reviewedPassively(today)) counts.dailyReviewPassive++;
  if (reviewedPassively(week)) counts.weeklyReviewPassive++;
  if (reviewedPassively(month)) counts.monthlyReviewPassive++;
  if (today & DayFlag.CloudAgent) counts.dailyCloudAgent++;
  if (week & DayFlag.CloudAgent) counts.weeklyCloudAgent++;
  if (month & DayFlag.CloudAgent) counts.monthlyCloudAgent++;
}
