/**
 * What a report's row batcher (rowBatch.ts, postgres/rowBatch.ts) tells about keys written twice: a
 * row whose key was already stored in the report is merged into the stored row (its counters added),
 * and the caller may ask which of its tagged rows were.
 */
export class RepeatedKeys {
  private readonly tags: number[] = [];
  private mergedAny = false;

  /** A row merged into one stored before it; a `tag` ≥ 0 comes back from `take`. */
  merged(tag: number): void {
    this.mergedAny = true;
    if (tag >= 0) this.tags.push(tag);
  }

  /** The tags of rows merged since the last call. */
  take(): number[] {
    return this.tags.splice(0, this.tags.length);
  }

  /** Whether any row so far was merged (its cells are not as written). */
  get any(): boolean {
    return this.mergedAny;
  }

  /** Forgets the tags not taken yet (the transaction is rolled back). */
  clear(): void {
    this.tags.length = 0;
  }
}
