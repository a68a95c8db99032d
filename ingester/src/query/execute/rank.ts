/**
 * Groups by value, largest first, ties by label; with a limit, the first `limit`. Labels are read only
 * for the groups that need them: those sharing their value with another (thousands of users tie on
 * small totals).
 */
import type { GroupLabels } from '../labels';

export async function rank<T extends { group: number; value: number | null }>(
  rows: T[],
  limit: number | undefined,
  labels: GroupLabels,
): Promise<T[]> {
  const value = (row: T) => row.value ?? -Infinity;
  const byLabel = (a: T, b: T) => value(b) - value(a) || labels.of(a.group).localeCompare(labels.of(b.group));
  if (limit === undefined || rows.length <= limit) {
    await labels.load(tied(rows, value));
    return [...rows].sort(byLabel);
  }
  const byValue = [...rows].sort((a, b) => value(b) - value(a));
  const cutoff = value(byValue[limit - 1]);
  await labels.load(
    tied(
      byValue.filter((row) => value(row) >= cutoff),
      value,
    ),
  );
  const chosen = [
    ...byValue.filter((row) => value(row) > cutoff),
    ...byValue.filter((row) => value(row) === cutoff).sort(byLabel),
  ];
  return chosen.slice(0, limit).sort(byLabel);
}

/** The groups whose value another row has too: only their labels order them. */
function tied<T extends { group: number }>(rows: T[], value: (row: T) => number): number[] {
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(value(row), (counts.get(value(row)) ?? 0) + 1);
  return rows.filter((row) => counts.get(value(row))! > 1).map((row) => row.group);
}
