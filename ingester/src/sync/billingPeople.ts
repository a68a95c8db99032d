/**
 * Billing names people by login (the export's `username`, a budget's `user`, user-states, cost-center
 * User resources); the store keys them by users.id. A login maps to users.id through the users table
 * (PRIVACY_MODE=off) or GitHub's public user lookup (login → id), cached for the run. In
 * PRIVACY_MODE=pseudonymous only the pseudonym of the id is ever stored; in aggregate mode nobody is.
 */
import type { GitHubClient } from '../github/client';
import { githubUserId } from '../github/users';
import { type PrivacyConfig, pseudonymizerOf } from '../privacy';
import type { SyncStore } from '../store/interface';

/** A person as stored: users.id and the login kept (real in mode off, the pseudonym otherwise). */
export interface StoredPerson {
  ref: number;
  login: string;
}

/** What replaces a person's name where no per-person detail is kept (PRIVACY_MODE=aggregate). */
export const AGGREGATED_PERSON = '(person)';
/** What replaces a login GitHub does not know, where a real login must not be kept (pseudonymous). */
export const UNRESOLVED_PERSON = '(unresolved user)';

export class BillingPeople {
  private readonly cache = new Map<string, Promise<StoredPerson | undefined>>();
  private readonly pseudonyms;
  readonly aggregate: boolean;
  /** Whether the caller holds the store (inside its `exclusive`): lookups then use it directly. */
  private held = false;

  constructor(
    private readonly store: SyncStore,
    private readonly client: GitHubClient,
    private readonly privacy: PrivacyConfig,
    /** A configured account, whose GitHub App installation token is used for the lookups. */
    private readonly account?: string,
  ) {
    this.pseudonyms = pseudonymizerOf(privacy);
    this.aggregate = privacy.mode === 'aggregate';
  }

  /** The stored person of a login, or undefined when GitHub knows no such user. Not for aggregate mode. */
  person(login: string): Promise<StoredPerson | undefined> {
    const key = login.toLowerCase();
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.resolve(login);
      this.cache.set(key, pending);
      pending.catch(() => this.cache.delete(key));
    }
    return pending;
  }

  /**
   * Runs `work`, which holds the store (called inside `exclusive`, e.g. while an export is stored in
   * one transaction): the lookups it makes use the store directly instead of queueing behind itself.
   * Not for concurrent use.
   */
  async holding<T>(work: () => Promise<T>): Promise<T> {
    this.held = true;
    try {
      return await work();
    } finally {
      this.held = false;
    }
  }

  /** Forgets the people resolved so far: users.id handed out in a rolled-back transaction are gone. */
  forget(): void {
    this.cache.clear();
  }

  /** A login as it may be stored: itself (mode off), its pseudonym, or a placeholder. */
  async storedLogin(login: string): Promise<string> {
    if (this.privacy.mode === 'off') return login;
    if (this.aggregate) return AGGREGATED_PERSON;
    return (await this.person(login))?.login ?? UNRESOLVED_PERSON;
  }

  /**
   * Whether a name is a GitHub user (alert recipients mix logins and roles). A role is kept as is;
   * in pseudonymous and aggregate modes a user's name is replaced.
   */
  async maskRecipient(name: string): Promise<string> {
    if (this.privacy.mode === 'off') return name;
    const id = await this.githubId(name);
    if (id === undefined) return name;
    return this.aggregate ? AGGREGATED_PERSON : this.pseudonyms!.user(id).login;
  }

  private readonly ids = new Map<string, Promise<number | undefined>>();

  private githubId(login: string): Promise<number | undefined> {
    const key = login.toLowerCase();
    let pending = this.ids.get(key);
    if (!pending) {
      pending = githubUserId(this.client, login, this.account).catch((error: Error) => {
        this.ids.delete(key);
        throw new Error(
          `looking up a billing login's GitHub id (GET /users/{login}) failed: ${error.message.replace(/; the viewer's rows cannot be found$/, '')}`,
        );
      });
      this.ids.set(key, pending);
    }
    return pending;
  }

  private use<T>(work: () => T): Promise<T> {
    return this.held ? Promise.resolve().then(work) : this.store.exclusive(work);
  }

  private async resolve(login: string): Promise<StoredPerson | undefined> {
    const { store } = this;
    if (this.privacy.mode === 'off') {
      const known = await this.use(() => store.userRefByLogin(login));
      if (known !== undefined) return { ref: known, login };
      const id = await this.githubId(login);
      if (id === undefined) return undefined;
      const ref = await this.use(() => store.userRef({ githubId: id, login }));
      return { ref, login };
    }
    const id = await this.githubId(login);
    if (id === undefined) return undefined;
    const pseudonym = this.pseudonyms!.user(id);
    const ref = await this.use(() => store.userRef(pseudonym));
    return { ref, login: pseudonym.login };
  }
}
