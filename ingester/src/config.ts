/**
 * Environment → typed, validated configuration. The only module that reads process.env. A wrong or
 * missing value stops start-up with one line per problem, naming the variable and what it expects.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { scheduleJob } from 'node-schedule';
import { z } from 'zod';
import { HolidaysFileError, parseHolidays } from './calendar/holidays';
import { DEFAULT_WORKWEEK, type WorkCalendar, parseWorkweek, workCalendar } from './calendar/workCalendar';
import { dayOf } from './days';
import { ACCESS_POLICIES, type AccessConfig, type AccessPolicy, ROLES, type Role } from './http/identity';
import { PRIVACY_MODES, type PrivacyConfig, type PrivacyMode } from './privacy';
import { SLUG_PATTERN, type Scope } from './scopes';
import type { BillingSettings } from './sync/billing';

export type GitHubAuthConfig =
  | { type: 'token'; token: string }
  | { type: 'app'; appId: string; privateKey: KeyObject; installationId?: number }
  | { type: 'demo' };

export interface Config {
  /** `billingToken`: BILLING_TOKEN, the billing endpoints' credentials when not the main ones. */
  github: { apiUrl: string; auth: GitHubAuthConfig; billingToken?: string };
  /** AI-credit billing: BILLING, BILLING_EXPORT_POLL_SECONDS, BILLING_EXPORT_TIMEOUT_SECONDS. */
  billing: BillingSettings;
  scopes: Scope[];
  databasePath: string;
  /** DATABASE_URL: a PostgreSQL database (postgres://…) instead of SQLite at `databasePath`. */
  databaseUrl?: string;
  sync: {
    schedule: string;
    backfillDays: number;
    refetchDays: number;
    concurrency: number;
    retentionDays?: number;
  };
  /** SYNC_MODE: `serve` syncs on the schedule (integrated), or only answers the API (disabled: replicas). */
  syncMode: SyncMode;
  /** SHUTDOWN_TIMEOUT_SECONDS: how long a signal's clean-up may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  demo: boolean;
  logLevel: string;
  http: { port: number; host: string; apiToken?: string; adminToken?: string };
  privacy: PrivacyConfig;
  /** Working days (WORKWEEK less HOLIDAYS_FILE), for `days=workdays` queries and working-day gauges. */
  calendar: WorkCalendar;
  /** Events of HOLIDAYS_FILE that are not all-day and so are no days off (logged at start-up). */
  ignoredTimedHolidayEvents: number;
  /** ACCESS_POLICY and the Grafana it trusts: who may see whose rows. */
  access: AccessConfig;
}

export const SYNC_MODES = ['integrated', 'disabled'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration error:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A connection string as it may be shown: its password replaced (a message must never carry it). */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

const wholeNumber = (name: string, min: number, max: number, fallback?: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a whole number from ${min} to ${max} (got "${value}")`,
        });
        return z.NEVER;
      }
      return n;
    });

const list = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const items = (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const item of items) {
        if (!SLUG_PATTERN.test(item)) {
          ctx.addIssue({
            code: 'custom',
            message: `${name} has "${item}", which is not a GitHub slug or login (letters, digits, "-", "_", ".")`,
          });
        }
      }
      return items;
    });

const bool = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off)$/i.test(value)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false (got "${value}")` });
      return z.NEVER;
    });

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

const envSchema = z.object({
  GITHUB_TOKEN: optionalText,
  GITHUB_APP_ID: optionalText,
  GITHUB_APP_PRIVATE_KEY: optionalText,
  GITHUB_APP_PRIVATE_KEY_FILE: optionalText,
  GITHUB_APP_INSTALLATION_ID: wholeNumber('GITHUB_APP_INSTALLATION_ID', 1, Number.MAX_SAFE_INTEGER),
  GITHUB_API_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const url = value?.trim() || 'https://api.github.com';
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error();
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `GITHUB_API_URL must be an http(s) URL such as https://api.github.com or https://api.SUBDOMAIN.ghe.com (got "${url}")`,
        });
        return z.NEVER;
      }
      return url.replace(/\/+$/, '');
    }),
  COPILOT_ENTERPRISES: list('COPILOT_ENTERPRISES'),
  COPILOT_ORGS: list('COPILOT_ORGS'),
  DATABASE_PATH: z
    .string()
    .optional()
    .transform((value) => value?.trim() || './data/copilot-metrics.db'),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const url = value?.trim();
      if (!url) return undefined;
      if (!/^postgres(ql)?:\/\/[^/]/.test(url)) {
        ctx.addIssue({
          code: 'custom',
          message: `DATABASE_URL must be a PostgreSQL connection string, postgres://USER:PASSWORD@HOST:PORT/DATABASE (got "${withoutPassword(url)}"); unset it to use SQLite at DATABASE_PATH.`,
        });
        return z.NEVER;
      }
      return url;
    }),
  SYNC_SCHEDULE: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const schedule = value?.trim() || '17 */6 * * *';
      const job = scheduleJob(schedule, () => undefined);
      if (!job) {
        ctx.addIssue({
          code: 'custom',
          message: `SYNC_SCHEDULE must be a cron expression such as "17 */6 * * *" (got "${schedule}")`,
        });
        return z.NEVER;
      }
      job.cancel();
      return schedule;
    }),
  SYNC_BACKFILL_DAYS: wholeNumber('SYNC_BACKFILL_DAYS', 1, 3650, 365),
  SYNC_REFETCH_DAYS: wholeNumber('SYNC_REFETCH_DAYS', 0, 60, 3),
  SYNC_CONCURRENCY: wholeNumber('SYNC_CONCURRENCY', 1, 32, 4),
  SYNC_RETENTION_DAYS: wholeNumber('SYNC_RETENTION_DAYS', 1, 36500),
  SYNC_MODE: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const mode = value?.trim().toLowerCase() || 'integrated';
      if (!(SYNC_MODES as readonly string[]).includes(mode)) {
        ctx.addIssue({
          code: 'custom',
          message: `SYNC_MODE must be one of ${SYNC_MODES.join(', ')} (got "${value}"): disabled for API replicas beside a sync CronJob`,
        });
        return z.NEVER;
      }
      return mode as SyncMode;
    }),
  SHUTDOWN_TIMEOUT_SECONDS: wholeNumber('SHUTDOWN_TIMEOUT_SECONDS', 1, 3600, 8),
  BILLING: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const text = value?.trim().toLowerCase() || 'on';
      if (/^(on|1|true|yes)$/.test(text)) return true;
      if (/^(off|0|false|no)$/.test(text)) return false;
      ctx.addIssue({ code: 'custom', message: `BILLING must be on or off (got "${value}")` });
      return z.NEVER;
    }),
  BILLING_TOKEN: optionalText,
  BILLING_EXPORT_POLL_SECONDS: wholeNumber('BILLING_EXPORT_POLL_SECONDS', 1, 600, 10),
  BILLING_EXPORT_TIMEOUT_SECONDS: wholeNumber('BILLING_EXPORT_TIMEOUT_SECONDS', 10, 86_400, 600),
  DEMO: bool('DEMO'),
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const level = value?.trim().toLowerCase() || 'info';
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
        ctx.addIssue({
          code: 'custom',
          message: `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${value}")`,
        });
        return z.NEVER;
      }
      return level;
    }),
  PORT: wholeNumber('PORT', 0, 65535, 8080),
  HOST: z
    .string()
    .optional()
    .transform((value) => value?.trim() || '0.0.0.0'),
  INGESTER_API_TOKEN: optionalText,
  INGESTER_ADMIN_TOKEN: optionalText,
  PRIVACY_MODE: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const mode = value?.trim().toLowerCase() || 'off';
      if (!(PRIVACY_MODES as readonly string[]).includes(mode)) {
        ctx.addIssue({
          code: 'custom',
          message: `PRIVACY_MODE must be one of ${PRIVACY_MODES.join(', ')} (got "${value}")`,
        });
        return z.NEVER;
      }
      return mode as PrivacyMode;
    }),
  PRIVACY_KEY: z
    .string()
    .optional()
    .transform((value) => (value && value.length > 0 ? value : undefined)),
  PRIVACY_MIN_GROUP_SIZE: wholeNumber('PRIVACY_MIN_GROUP_SIZE', 1, 1000, 5),
  WORKWEEK: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseWorkweek(value === undefined || value.trim() === '' ? DEFAULT_WORKWEEK : value);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `WORKWEEK ${(error as Error).message} (got "${value}"; e.g. mon-fri, sun-thu or mon,tue,thu)`,
        });
        return z.NEVER;
      }
    }),
  HOLIDAYS_FILE: optionalText,
  ACCESS_POLICY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const policy = value?.trim().toLowerCase() || 'open';
      if (!(ACCESS_POLICIES as readonly string[]).includes(policy)) {
        ctx.addIssue({
          code: 'custom',
          message: `ACCESS_POLICY must be one of ${ACCESS_POLICIES.join(', ')} (got "${value}")`,
        });
        return z.NEVER;
      }
      return policy as AccessPolicy;
    }),
  GRAFANA_URL: optionalText,
  GRAFANA_ROOT_URL: optionalText,
  GRAFANA_ORG_ID: wholeNumber('GRAFANA_ORG_ID', 1, Number.MAX_SAFE_INTEGER, 1),
  ACCESS_ALL_ROLE: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const role = ROLES.find((r) => r.toLowerCase() === (value?.trim().toLowerCase() || 'admin'));
      if (!role) {
        ctx.addIssue({
          code: 'custom',
          message: `ACCESS_ALL_ROLE must be one of ${ROLES.join(', ')} (got "${value}")`,
        });
        return z.NEVER;
      }
      return role as Role;
    }),
  ACCESS_ALL_LOGINS: z
    .string()
    .optional()
    .transform(
      (value) =>
        new Set(
          (value ?? '')
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean),
        ),
    ),
});

/** Recurring holidays are expanded this many days past today; a restart extends them. */
const HOLIDAY_HORIZON_DAYS = 2 * 366;

/** PRIVACY_KEY must be hard to guess: pseudonyms of known ids could otherwise be recomputed. */
const MIN_PRIVACY_KEY_LENGTH = 32;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  const e = parsed.data;
  const problems: string[] = [];

  let auth: GitHubAuthConfig | undefined;
  if (e.GITHUB_TOKEN && e.GITHUB_APP_ID) {
    problems.push(
      'Both GITHUB_TOKEN and GITHUB_APP_ID are set; use one way to authenticate (unset the other).',
    );
  } else if (e.GITHUB_TOKEN) {
    if (/\s/.test(e.GITHUB_TOKEN))
      problems.push('GITHUB_TOKEN contains white space; paste the token alone, without "Bearer" or quotes.');
    auth = { type: 'token', token: e.GITHUB_TOKEN };
  } else if (e.GITHUB_APP_ID) {
    const key = readPrivateKey(e.GITHUB_APP_PRIVATE_KEY, e.GITHUB_APP_PRIVATE_KEY_FILE, problems);
    if (!/^\d+$/.test(e.GITHUB_APP_ID))
      problems.push(
        `GITHUB_APP_ID must be the numeric App ID from the App's settings page (got "${e.GITHUB_APP_ID}").`,
      );
    if (key)
      auth = {
        type: 'app',
        appId: e.GITHUB_APP_ID,
        privateKey: key,
        installationId: e.GITHUB_APP_INSTALLATION_ID,
      };
  } else if (e.GITHUB_APP_PRIVATE_KEY || e.GITHUB_APP_PRIVATE_KEY_FILE) {
    problems.push('GITHUB_APP_PRIVATE_KEY(_FILE) is set but GITHUB_APP_ID is not; set the App ID too.');
  }

  const demo = e.DEMO ?? (auth === undefined && problems.length === 0);
  const scopes: Scope[] = [
    ...e.COPILOT_ENTERPRISES.map((slug) => ({ kind: 'enterprise' as const, slug })),
    ...e.COPILOT_ORGS.map((slug) => ({ kind: 'organization' as const, slug })),
  ];
  if (!demo) {
    if (!auth && problems.length === 0) {
      problems.push(
        'DEMO is false but no GitHub credentials are set: set GITHUB_TOKEN, or GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY(_FILE), or set DEMO=true.',
      );
    }
    if (scopes.length === 0)
      problems.push(
        'No scope to sync: set COPILOT_ORGS and/or COPILOT_ENTERPRISES (comma-separated logins or slugs).',
      );
  }
  if (e.PRIVACY_MODE === 'pseudonymous') {
    if (!e.PRIVACY_KEY)
      problems.push(
        'PRIVACY_MODE=pseudonymous needs PRIVACY_KEY, a secret of at least 32 characters (for example `openssl rand -hex 32`); keep it: another key gives other pseudonyms.',
      );
    else if (e.PRIVACY_KEY.length < MIN_PRIVACY_KEY_LENGTH)
      problems.push(
        `PRIVACY_KEY is ${e.PRIVACY_KEY.length} characters; use at least ${MIN_PRIVACY_KEY_LENGTH} (for example \`openssl rand -hex 32\`) so pseudonyms cannot be recomputed from known user ids.`,
      );
  } else if (e.PRIVACY_KEY) {
    problems.push(
      `PRIVACY_KEY is set but PRIVACY_MODE is ${e.PRIVACY_MODE}; set PRIVACY_MODE=pseudonymous to use it, or unset PRIVACY_KEY.`,
    );
  }
  if (e.BILLING_TOKEN && /\s/.test(e.BILLING_TOKEN))
    problems.push('BILLING_TOKEN contains white space; paste the token alone, without "Bearer" or quotes.');
  if (e.BILLING_EXPORT_TIMEOUT_SECONDS! < e.BILLING_EXPORT_POLL_SECONDS!)
    problems.push(
      `BILLING_EXPORT_TIMEOUT_SECONDS (${e.BILLING_EXPORT_TIMEOUT_SECONDS}) is shorter than BILLING_EXPORT_POLL_SECONDS (${e.BILLING_EXPORT_POLL_SECONDS}): an export could never be polled; raise the timeout.`,
    );
  const holidays = readHolidays(e.HOLIDAYS_FILE, problems);
  for (const [name, value] of [
    ['GRAFANA_URL', e.GRAFANA_URL],
    ['GRAFANA_ROOT_URL', e.GRAFANA_ROOT_URL],
  ] as const) {
    if (value && !/^https?:\/\/[^/]/.test(value))
      problems.push(`${name} must be an http(s) URL such as http://grafana:3000 (got "${value}").`);
  }
  if (e.ACCESS_POLICY === 'identity') {
    if (!e.GRAFANA_URL)
      problems.push(
        "ACCESS_POLICY=identity needs GRAFANA_URL, where the ingester reads Grafana's signing keys (e.g. http://grafana:3000); set GRAFANA_ROOT_URL too when Grafana's root_url differs.",
      );
    if (!e.INGESTER_API_TOKEN)
      problems.push(
        "ACCESS_POLICY=identity needs INGESTER_API_TOKEN: the token proves a request came through Grafana, the ID token who asked; give Grafana's data source the same token.",
      );
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    github: {
      apiUrl: e.GITHUB_API_URL,
      auth: demo ? { type: 'demo' } : auth!,
      ...(e.BILLING_TOKEN && !demo ? { billingToken: e.BILLING_TOKEN } : {}),
    },
    billing: {
      enabled: e.BILLING,
      exportPollMs: e.BILLING_EXPORT_POLL_SECONDS! * 1000,
      exportTimeoutMs: e.BILLING_EXPORT_TIMEOUT_SECONDS! * 1000,
    },
    scopes,
    databasePath: e.DATABASE_PATH,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    sync: {
      schedule: e.SYNC_SCHEDULE,
      backfillDays: e.SYNC_BACKFILL_DAYS!,
      refetchDays: e.SYNC_REFETCH_DAYS!,
      concurrency: e.SYNC_CONCURRENCY!,
      retentionDays: e.SYNC_RETENTION_DAYS,
    },
    syncMode: e.SYNC_MODE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS! * 1000,
    demo,
    logLevel: e.LOG_LEVEL,
    http: { port: e.PORT!, host: e.HOST, apiToken: e.INGESTER_API_TOKEN, adminToken: e.INGESTER_ADMIN_TOKEN },
    privacy: { mode: e.PRIVACY_MODE, key: e.PRIVACY_KEY, minGroupSize: e.PRIVACY_MIN_GROUP_SIZE! },
    calendar: workCalendar(e.WORKWEEK, holidays?.days ?? new Map()),
    ignoredTimedHolidayEvents: holidays?.ignoredTimedEvents ?? 0,
    access: {
      policy: e.ACCESS_POLICY,
      grafanaUrl: e.GRAFANA_URL?.replace(/\/+$/, ''),
      issuer: (e.GRAFANA_ROOT_URL ?? e.GRAFANA_URL)?.replace(/\/+$/, ''),
      orgId: e.GRAFANA_ORG_ID!,
      allRole: e.ACCESS_ALL_ROLE,
      allLogins: e.ACCESS_ALL_LOGINS,
    },
  };
}

function readHolidays(file: string | undefined, problems: string[]) {
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(
      `HOLIDAYS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the path "${file}" and its permissions.`,
    );
    return undefined;
  }
  try {
    return parseHolidays(text, dayOf(new Date()) + HOLIDAY_HORIZON_DAYS);
  } catch (error) {
    if (!(error instanceof HolidaysFileError)) throw error;
    problems.push(
      `HOLIDAYS_FILE ${file} ${error.message}. It takes an iCalendar (.ics) file of all-day events, or one YYYY-MM-DD date per line with # comments.`,
    );
    return undefined;
  }
}

function readPrivateKey(
  inline: string | undefined,
  file: string | undefined,
  problems: string[],
): KeyObject | undefined {
  if (inline && file) {
    problems.push('Both GITHUB_APP_PRIVATE_KEY and GITHUB_APP_PRIVATE_KEY_FILE are set; use one.');
    return undefined;
  }
  let pem = inline?.replace(/\\n/g, '\n');
  if (file) {
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(
        `GITHUB_APP_PRIVATE_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the path "${file}" and its permissions.`,
      );
      return undefined;
    }
  }
  if (!pem) {
    problems.push(
      'GITHUB_APP_ID is set but no private key: set GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE (the .pem downloaded from the App settings).',
    );
    return undefined;
  }
  try {
    return createPrivateKey(pem);
  } catch {
    problems.push(
      `The GitHub App private key in ${file ? 'GITHUB_APP_PRIVATE_KEY_FILE' : 'GITHUB_APP_PRIVATE_KEY'} is not a valid PEM key; use the .pem file GitHub generated for the App.`,
    );
    return undefined;
  }
}
