/**
 * PostgreSQL advisory-lock keys, one per purpose. The high 32 bits spell "cmgr" so that another
 * application's advisory locks on a shared database do not collide with ours. Passed as strings: they
 * are bigints, beyond what a JavaScript number holds exactly.
 */
export const ADVISORY_LOCKS = {
  /** Held (transaction-scoped) while the schema migrates: replicas starting together migrate once. */
  migrate: String((0x636d6772n << 32n) | 1n),
  /** For the sync (issue 13: two syncs never overlap across pods), the next step's: session-scoped. */
  sync: String((0x636d6772n << 32n) | 2n),
} as const;
