/**
 * Privacy modes (PRIVACY_MODE). `pseudonymous` replaces every GitHub user id and login with a keyed
 * pseudonym (HMAC-SHA256 with PRIVACY_KEY) before anything reaches disk; `aggregate` keeps no per-user
 * rows at all (see sync/userPair.ts). Both suppress groups smaller than PRIVACY_MIN_GROUP_SIZE.
 */
import { createHmac } from 'node:crypto';
import type { UserIdentity } from './reports/identity';
import type { JsonObject } from './reports/types';
import { isJsonObject } from './reports/types';

export const PRIVACY_MODES = ['off', 'pseudonymous', 'aggregate'] as const;
export type PrivacyMode = (typeof PRIVACY_MODES)[number];

export interface PrivacyConfig {
  mode: PrivacyMode;
  /** Required in pseudonymous mode. */
  key?: string;
  /** Groups computed from per-user rows with fewer distinct users than this are suppressed. */
  minGroupSize: number;
  /**
   * Suppress small groups in mode off too: answers for a viewer who does not see everyone
   * (ACCESS_POLICY=identity), whom a group of two would tell about the other person.
   */
  minGroupSizeAlways?: boolean;
}

export const PRIVACY_OFF: PrivacyConfig = { mode: 'off', minGroupSize: 5 };

/** What replaces an NDJSON line that cannot be parsed, and therefore cannot be scrubbed. */
export const WITHHELD_LINE =
  '"malformed line withheld: PRIVACY_MODE=pseudonymous stores no unscrubbed bytes"';

/** Keys whose numeric value is the record's user id (ids of other things are kept). */
const ID_KEY = /(^|_)id$/;

export class Pseudonymizer {
  private readonly cache = new Map<number, UserIdentity>();

  constructor(private readonly key: string) {}

  /** The stable pseudonym of a GitHub user: a positive 52-bit id and a login derived from the real id. */
  user(githubId: number): UserIdentity {
    let pseudonym = this.cache.get(githubId);
    if (!pseudonym) {
      const digest = createHmac('sha256', this.key).update(`github-user:${githubId}`).digest();
      // 52 bits: a safe integer, and collisions need about 67 million users to become likely.
      const id = digest.readUIntBE(0, 6) * 16 + (digest[6] >> 4) + 1;
      pseudonym = { githubId: id, login: `user-${digest.subarray(8, 14).toString('hex')}` };
      if (this.cache.size >= 200_000) this.cache.clear();
      this.cache.set(githubId, pseudonym);
    }
    return pseudonym;
  }

  /** A fingerprint of the key, stored with the database so a different key is noticed. */
  fingerprint(): string {
    return createHmac('sha256', this.key)
      .update('copilot-metrics-privacy-key-check')
      .digest('hex')
      .slice(0, 16);
  }

  /**
   * Replaces the user's id and login everywhere in a record (users and user-teams reports): `user_id`
   * and other `*_id` keys holding the id, any string equal to the login, and the login as a path segment
   * of URLs. A record without a user id is returned with its logins replaced where recognisable.
   */
  scrubRecord(record: JsonObject): JsonObject {
    const githubId = record.user_id;
    const login = record.user_login;
    if (typeof githubId !== 'number' || !Number.isSafeInteger(githubId) || githubId <= 0) {
      // Without an id there is no stable pseudonym; drop the identity fields (the line is then reported malformed).
      const rest = { ...record };
      delete rest.user_id;
      delete rest.user_login;
      return rest;
    }
    const pseudonym = this.user(githubId);
    const lower = typeof login === 'string' ? login.toLowerCase() : undefined;
    const scrub = (value: unknown, key: string): unknown => {
      if (typeof value === 'number')
        return value === githubId && ID_KEY.test(key) ? pseudonym.githubId : value;
      if (typeof value === 'string') {
        if (lower === undefined || lower.length === 0) return value;
        if (value.toLowerCase() === lower) return pseudonym.login;
        if (!value.includes('/')) return value;
        return value
          .split('/')
          .map((segment) => (segment.toLowerCase() === lower ? pseudonym.login : segment))
          .join('/');
      }
      if (Array.isArray(value)) return value.map((item) => scrub(item, key));
      if (isJsonObject(value)) {
        const out: JsonObject = {};
        for (const [k, v] of Object.entries(value)) out[k] = scrub(v, k);
        return out;
      }
      return value;
    };
    const out = scrub(record, '') as JsonObject;
    out.user_id = pseudonym.githubId;
    if (typeof login === 'string') out.user_login = pseudonym.login;
    return out;
  }

  /** One NDJSON line, scrubbed; a line that is not a JSON object is withheld (it would keep raw bytes). */
  scrubLine(line: string): string {
    const text = line.trim();
    if (text.length === 0) return '';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return WITHHELD_LINE;
    }
    if (!isJsonObject(value)) return WITHHELD_LINE;
    return JSON.stringify(this.scrubRecord(value));
  }
}

/** The pseudonymizer of the configured mode, if it pseudonymizes. */
export function pseudonymizerOf(privacy: PrivacyConfig): Pseudonymizer | undefined {
  return privacy.mode === 'pseudonymous' ? new Pseudonymizer(privacy.key!) : undefined;
}

/** Whether groups computed from user rows are subject to PRIVACY_MIN_GROUP_SIZE. */
export function suppressesSmallGroups(privacy: PrivacyConfig): boolean {
  return (privacy.mode !== 'off' || privacy.minGroupSizeAlways === true) && privacy.minGroupSize > 1;
}
