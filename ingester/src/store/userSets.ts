/**
 * Sets of users as stored in the active sets (migrations 004 and 012): ascending user refs, encoded as
 * LEB128 varints of the gaps between them, and the set operations the writers and queries need.
 */

/**
 * Sorted refs as LEB128 varints of the gaps between them: dense sets take about a byte per user,
 * a quarter of plain 32-bit refs.
 */
export function encodeUsers(refs: number[]): Buffer {
  const sorted = Uint32Array.from(refs).sort();
  const out = Buffer.allocUnsafe(sorted.length * 5);
  let length = 0;
  let previous = 0;
  for (let i = 0; i < sorted.length; i++) {
    const ref = sorted[i];
    if (i > 0 && ref === previous) continue;
    let gap = ref - previous;
    previous = ref;
    while (gap >= 0x80) {
      out[length++] = (gap & 0x7f) | 0x80;
      gap >>>= 7;
    }
    out[length++] = gap;
  }
  return Buffer.from(out.subarray(0, length));
}

export function decodeUsers(blob: Uint8Array): Uint32Array {
  const refs = new Uint32Array(blob.length);
  let count = 0;
  let previous = 0;
  for (let i = 0; i < blob.length;) {
    let gap = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = blob[i++];
      gap += (byte & 0x7f) * 2 ** shift; // not <<: gaps may exceed 2^31
      shift += 7;
    } while (byte & 0x80);
    previous += gap;
    refs[count++] = previous;
  }
  return refs.subarray(0, count);
}

/** How many users an encoded set holds: one varint ends at every byte without the continuation bit. */
export function sizeOf(blob: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < blob.length; i++) if (blob[i] < 0x80) count++;
  return count;
}

/** The union of encoded sets, encoded; a single set is returned as it is. */
export function unionOf(blobs: readonly Buffer[]): Buffer {
  if (blobs.length === 1) return blobs[0];
  const decoded = blobs.map(decodeUsers);
  const union = new GapEncoder();
  if (decoded.length === 2) {
    // Two ascending lists (a period's set and a day's): merged in one pass.
    const [a, b] = decoded;
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length)
      union.add(j === b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++]);
    return union.bytes();
  }
  const all = new Uint32Array(decoded.reduce((sum, refs) => sum + refs.length, 0));
  let offset = 0;
  for (const refs of decoded) {
    all.set(refs, offset);
    offset += refs.length;
  }
  all.sort();
  for (const ref of all) union.add(ref);
  return union.bytes();
}

/** Whether every user of `part` is in `whole` (both encoded, so both ascending). */
export function isSubsetOf(part: Uint8Array, whole: Uint8Array): boolean {
  const a = decodeUsers(part);
  const b = decodeUsers(whole);
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < b.length && b[j] < a[i]) j++;
    if (j === b.length || b[j] !== a[i]) return false;
  }
  return true;
}

/** A set being encoded as its users arrive in ascending order (a repeat is kept once). */
export class GapEncoder {
  private buffer = Buffer.allocUnsafe(256);
  private length = 0;
  private previous = 0;
  private count = 0;

  /** Adds a user; false when it is smaller than the last one (the rows were not in order). */
  add(ref: number): boolean {
    if (this.count > 0 && ref <= this.previous) return ref === this.previous;
    if (this.length + 5 > this.buffer.length) {
      const grown = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    let gap = ref - this.previous;
    this.previous = ref;
    this.count++;
    while (gap >= 0x80) {
      this.buffer[this.length++] = (gap & 0x7f) | 0x80;
      gap = Math.floor(gap / 0x80);
    }
    this.buffer[this.length++] = gap;
    return true;
  }

  bytes(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

/** Refs above this are counted with a Set rather than a stamp array (64 MB at most). */
const STAMPED_REFS = 1 << 24;

/**
 * Counts unions of many sets without building a Set: one stamp per user ref, a new stamp per union,
 * so no union clears the marks of the one before.
 */
export class UnionCounter {
  private stamps = new Uint32Array(1024);
  private stamp = 0;

  /** Distinct users over the sets; with `only`, just the users it holds. */
  count(blobs: readonly Uint8Array[], only?: ReadonlySet<number>): number {
    if (blobs.length === 1 && !only) return sizeOf(blobs[0]);
    if (++this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    let count = 0;
    let large: Set<number> | undefined;
    for (const blob of blobs) {
      let previous = 0;
      for (let i = 0; i < blob.length;) {
        let gap = 0;
        let shift = 0;
        let byte: number;
        do {
          byte = blob[i++];
          gap += (byte & 0x7f) * 2 ** shift;
          shift += 7;
        } while (byte & 0x80);
        const ref = (previous += gap);
        if (only && !only.has(ref)) continue;
        if (ref >= this.stamps.length) {
          if (ref >= STAMPED_REFS) {
            (large ??= new Set()).add(ref);
            continue;
          }
          const grown = new Uint32Array(Math.min(STAMPED_REFS, 2 ** Math.ceil(Math.log2(ref + 1))));
          grown.set(this.stamps);
          this.stamps = grown;
        }
        if (this.stamps[ref] !== stamp) {
          this.stamps[ref] = stamp;
          count++;
        }
      }
    }
    return count + (large?.size ?? 0);
  }
}
