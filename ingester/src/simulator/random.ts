/**
 * Random access determinism: every simulated value is a hash of (seed, purpose, entity, day), so any
 * user-day can be generated alone, in any order, without state, and always the same for a seed.
 */
export function hash(...parts: number[]): number {
  let h = 0x811c9dc5 ^ parts.length;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x01000193);
    h = Math.imul(h ^ Math.floor(part / 4294967296), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1). */
export function unit(...parts: number[]): number {
  return hash(...parts) / 4294967296;
}

/** Uniform integer in [low, high]. */
export function between(low: number, high: number, ...parts: number[]): number {
  return low + Math.floor(unit(...parts) * (high - low + 1));
}

export function pick<T>(items: readonly T[], ...parts: number[]): T {
  return items[Math.floor(unit(...parts) * items.length)];
}

/** Picks by weight; weights need not sum to 1. */
export function pickWeighted<T>(items: readonly (readonly [T, number])[], ...parts: number[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let target = unit(...parts) * total;
  for (const [item, weight] of items) {
    target -= weight;
    if (target < 0) return item;
  }
  return items[items.length - 1][0];
}
