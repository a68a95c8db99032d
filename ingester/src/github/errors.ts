/** Errors from talking to GitHub. Messages name the scope, the report and the fix, never a token. */
export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Whether trying again later may help (server errors, rate limits), as opposed to config errors. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

/** A download link answered 403/404: signed links expire, so the caller fetches fresh links once. */
export class ExpiredLinkError extends Error {
  constructor(readonly status: number) {
    super(`the download link answered ${status} (expired or revoked signed link)`);
    this.name = 'ExpiredLinkError';
  }
}

/** A transfer ended early or cut a line in half; it is retried and never stored. */
export class TruncatedDownloadError extends Error {
  constructor(detail: string) {
    super(`download truncated: ${detail}`);
    this.name = 'TruncatedDownloadError';
  }
}

const PERMISSIONS_HINT: Record<'enterprise' | 'organization', string> = {
  enterprise:
    'the token needs the manage_billing:copilot or read:enterprise scope (classic PAT), or the "Enterprise Copilot metrics" read permission (GitHub App / fine-grained token), and an enterprise owner, billing manager or "View Enterprise Copilot Metrics" role',
  organization:
    'the token needs the read:org scope (classic PAT), or the "Organization Copilot metrics" read permission (GitHub App / fine-grained token), and an org owner or "View Organization Copilot Metrics" role',
};

/** Turns a non-success answer from the REST API into a message a person can act on. */
export function describeApiFailure(
  status: number,
  what: string,
  scopeKind: 'enterprise' | 'organization',
  githubMessage: string | undefined,
): GitHubError {
  const said = githubMessage ? ` GitHub said: "${githubMessage.slice(0, 300)}".` : '';
  switch (status) {
    case 401:
      return new GitHubError(
        `GitHub rejected the credentials (401) for ${what}.${said} Check GITHUB_TOKEN (or the GitHub App settings): it may be mistyped, expired or revoked.`,
        status,
        false,
      );
    case 403:
      return new GitHubError(
        `GitHub refused ${what} (403).${said} Either the "Copilot usage metrics" policy is disabled (an enterprise owner must set it to Enabled in the enterprise's Copilot policies), or ${PERMISSIONS_HINT[scopeKind]}.`,
        status,
        false,
      );
    case 404:
      return new GitHubError(
        `GitHub answered 404 for ${what}.${said} Check the ${scopeKind === 'enterprise' ? 'enterprise slug in COPILOT_ENTERPRISES' : 'organization login in COPILOT_ORGS'} and GITHUB_API_URL; a token without access also gets 404.`,
        status,
        false,
      );
    case 429:
      return new GitHubError(`GitHub kept rate-limiting ${what} (429) after retries.${said}`, status, true);
    default:
      return new GitHubError(
        `GitHub answered ${status} for ${what}.${said}`,
        status,
        status >= 500 || status === 408,
      );
  }
}

/**
 * The seats endpoint needs other rights than the usage reports (an org owner's token with
 * manage_billing:copilot or read:org), so its refusals get their own fix. The usage sync goes on.
 */
export function describeSeatsFailure(
  status: number,
  what: string,
  githubMessage: string | undefined,
): GitHubError {
  const said = githubMessage ? ` GitHub said: "${githubMessage.slice(0, 300)}".` : '';
  if (status === 403)
    return new GitHubError(
      `GitHub refused ${what} (403).${said} Only organization owners can list Copilot seats: the token needs the manage_billing:copilot or read:org scope (classic PAT or OAuth app), or for a GitHub App / fine-grained token the "GitHub Copilot Business" or "Administration" organization permission (read). The usage reports are synced regardless.`,
      status,
      false,
    );
  if (status === 404)
    return new GitHubError(
      `GitHub answered 404 for ${what}.${said} Check the organization login in COPILOT_ORGS and GITHUB_API_URL; a token without access also gets 404.`,
      status,
      false,
    );
  return describeApiFailure(status, what, 'organization', githubMessage);
}
