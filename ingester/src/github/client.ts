import { type Dispatcher, EnvHttpProxyAgent, RetryAgent, request } from 'undici';
import type { Logger } from '../log';
import {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_ERROR_CODES,
  RETRYABLE_STATUS,
  type RetryPolicy,
  retryDelayMs,
} from './retry';

export const GITHUB_API_VERSION = '2026-03-10';
const USER_AGENT = 'copilot-usage-metrics-grafana';

/** Supplies the Authorization header value for a request; refreshes short-lived tokens itself. */
export interface TokenProvider {
  authorization(account?: string): Promise<string>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined for empty bodies (204) and non-JSON bodies. */
  body: unknown;
}

export interface GitHubClientOptions {
  apiUrl: string;
  auth: TokenProvider;
  /** BILLING_TOKEN: the credentials of the billing endpoints, when they differ from `auth`. */
  billingAuth?: TokenProvider;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** Abort a request that sends no headers or body for this long. */
  timeoutMs?: number;
}

/**
 * HTTP to GitHub over undici: proxy from the standard env vars (EnvHttpProxyAgent), retries and
 * rate-limit waits from undici's RetryAgent with our policy. Report downloads go through a separate
 * dispatcher that never sends the Authorization header (the links are pre-signed).
 */
export class GitHubClient {
  readonly apiUrl: string;
  private readonly api: Dispatcher;
  readonly downloads: Dispatcher;
  private readonly policy: RetryPolicy;
  private readonly base: Dispatcher;

  constructor(private readonly options: GitHubClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const timeout = options.timeoutMs ?? 60_000;
    this.base = new EnvHttpProxyAgent({ headersTimeout: timeout, bodyTimeout: timeout });
    const retryOptions = {
      // Hand the final answer back (with its body) instead of a bodiless RequestRetryError, so that a
      // 403 still carries GitHub's message.
      throwOnError: false,
      maxRetries: this.policy.maxRetries,
      statusCodes: RETRYABLE_STATUS,
      errorCodes: RETRYABLE_ERROR_CODES,
      methods: ['GET', 'POST'] as Dispatcher.HttpMethod[],
      retry: this.retryCallback,
    };
    this.api = new RetryAgent(this.base, retryOptions);
    this.downloads = new RetryAgent(this.base, { ...retryOptions, statusCodes: [429, 500, 502, 503, 504] });
  }

  private readonly retryCallback = (
    err: Error,
    context: { state: { counter: number }; opts: Dispatcher.DispatchOptions },
    callback: (err?: Error | null) => void,
  ): void => {
    const failure = err as Error & { statusCode?: number; code?: string; headers?: ApiResponse['headers'] };
    const delay = retryDelayMs(
      { status: failure.statusCode, code: failure.code, headers: failure.headers },
      context.state.counter,
      this.policy,
    );
    if (delay === undefined) {
      callback(err);
      return;
    }
    this.options.logger.warn(
      {
        path: String(context.opts.path).split('?')[0],
        status: failure.statusCode,
        code: failure.code,
        attempt: context.state.counter,
        delayMs: delay,
      },
      'GitHub request failed; retrying',
    );
    setTimeout(() => callback(null), delay);
  };

  url(path: string): string {
    return `${this.apiUrl}${path}`;
  }

  /**
   * One REST call. Non-2xx answers are returned, not thrown: callers turn them into specific messages.
   * `billing` calls use BILLING_TOKEN when it is set; `body` is sent as JSON.
   */
  async call(
    method: 'GET' | 'POST',
    path: string,
    options: { account?: string; authorization?: string; billing?: boolean; body?: unknown } = {},
  ): Promise<ApiResponse> {
    const auth = (options.billing && this.options.billingAuth) || this.options.auth;
    const authorization = options.authorization ?? (await auth.authorization(options.account));
    const response = await request(this.url(path), {
      method,
      dispatcher: this.api,
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': GITHUB_API_VERSION,
        'user-agent': USER_AGENT,
        authorization,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.body.text();
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    return { status: response.statusCode, headers: response.headers, body };
  }

  /** A plain GET on a pre-signed link: no Authorization header, no GitHub headers. */
  async openDownload(url: string): Promise<Dispatcher.ResponseData> {
    return request(url, { method: 'GET', dispatcher: this.downloads, headers: { 'user-agent': USER_AGENT } });
  }

  async close(): Promise<void> {
    await this.base.close();
  }
}

/** Extracts GitHub's `message` from an error body, if any. */
export function githubMessage(body: unknown): string | undefined {
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
  ) {
    return (body as { message: string }).message;
  }
  return undefined;
}
