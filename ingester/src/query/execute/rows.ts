/** What executing a plan yields: the metric's SQL parts per (bucket, group). */

/** The group that stands for every group outside a ranking's top ("Others"). */
export const OTHERS = -1;

export type AggregateRow = { bucket: number; group: number; parts: (number | null)[] };
/** Keyed by `${bucket}:${group}`. */
export type AggregateRows = Map<string, AggregateRow>;
