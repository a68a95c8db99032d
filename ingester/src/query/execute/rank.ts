/**
 * Groups by value, largest first, ties by label; with a limit, the first `limit`. Labels are looked up
 * only for the groups that need them (thousands of users tie on small totals).
 */
export function rank<T extends { group: number; value: number | null }>(
  rows: T[],
  limit: number | undefined,
  label: (group: number) => string,
): T[] {
  const value = (row: T) => row.value ?? -Infinity;
  const byLabel = (a: T, b: T) => value(b) - value(a) || label(a.group).localeCompare(label(b.group));
  if (limit === undefined || rows.length <= limit) return [...rows].sort(byLabel);
  const byValue = [...rows].sort((a, b) => value(b) - value(a));
  const cutoff = value(byValue[limit - 1]);
  const chosen = [
    ...byValue.filter((row) => value(row) > cutoff),
    ...byValue.filter((row) => value(row) === cutoff).sort(byLabel),
  ];
  return chosen.slice(0, limit).sort(byLabel);
}
