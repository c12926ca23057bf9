/**
 * A GitHub REST call that failed, reduced to what a message may show: method, endpoint, status and GitHub's own
 * text. Octokit's error keeps the request (its body holds the encrypted secret) and is never shown or kept.
 */

/** The answer's headers that decide when to ask again (lower-case names, values as sent). */
export interface GithubRetryHeaders {
  readonly remaining?: string;
  /** x-ratelimit-reset: when the primary rate limit resets, in UTC epoch seconds. */
  readonly reset?: string;
  readonly retryAfter?: string;
  /** The server's Date, which Retry-After dates and x-ratelimit-reset are relative to. */
  readonly date?: string;
}

export class GithubRequestError extends Error {
  override readonly name = 'GithubRequestError';
  /** The answer's rate-limit and retry headers, when GitHub answered. */
  readonly rateLimit: GithubRetryHeaders;
  /** Set when retries stopped because the attempts or the time budget ran out. */
  readonly retriesExhausted: string | undefined;
  /** For a 3xx, which is never followed: where it pointed (origin and path, no query), if it said. */
  readonly redirectTo: string | undefined;

  constructor(
    readonly method: string,
    readonly endpoint: string,
    /** Undefined: no answer came back (connection failed or timed out). */
    readonly status: number | undefined,
    /** GitHub's `message`, or why no answer came. */
    readonly detail: string,
    extra: { rateLimit?: GithubRetryHeaders; retriesExhausted?: string; redirectTo?: string } = {},
  ) {
    super(
      status === undefined
        ? `${method} ${endpoint} got no answer (${detail})`
        : `${method} ${endpoint} answered ${status}${detail ? `: ${detail}` : ''}`,
    );
    this.rateLimit = extra.rateLimit ?? {};
    this.retriesExhausted = extra.retriesExhausted;
    this.redirectTo = extra.redirectTo;
  }

  /** GitHub's 403 and 429 for primary and secondary rate limits, as opposed to a missing permission. */
  get rateLimited(): boolean {
    if (this.status === 429) return true;
    return (
      this.status === 403 &&
      (this.rateLimit.remaining === '0' ||
        this.rateLimit.retryAfter !== undefined ||
        /rate limit/i.test(this.detail))
    );
  }

  get redirect(): boolean {
    return this.status !== undefined && this.status >= 300 && this.status < 400;
  }
}

export type GithubAdviceKey = 401 | 403 | 404 | 422 | 'rateLimited' | 'noAnswer' | 'server' | 'redirect';

export interface DescribeGithubContext {
  /** "Reading the public key of repository octo/app". */
  readonly doing: string;
  readonly apiUrl: string;
  /** Advice by kind of failure; `redirect` is used for a redirect that stays on the API's own host. */
  readonly advice?: Partial<Record<GithubAdviceKey, string>>;
}

/** A message a user can act on: what failed, on which GitHub, what GitHub said, what to do. Never a value. */
export function describeGithubError(error: unknown, context: DescribeGithubContext): string {
  const { doing, apiUrl, advice = {} } = context;
  if (!(error instanceof GithubRequestError)) {
    const message = error instanceof Error ? error.message : String(error);
    return `${doing} on ${apiUrl} failed: ${message}`;
  }
  const exhausted = error.retriesExhausted ? ` (${error.retriesExhausted})` : '';
  if (error.status === undefined) {
    return `${doing} on ${apiUrl} failed: GitHub did not answer (${error.detail})${exhausted}. ${advice.noAnswer ?? 'Check that the runner can reach GitHub (GITHUB_API_URL, and HTTPS_PROXY / NO_PROXY if it goes through a proxy), then run again.'}`;
  }
  if (error.redirect) return describeRedirect(error, context);
  const said = `GitHub answered ${error.status}${error.detail ? ` "${error.detail}"` : ''}${exhausted}`;
  const key: GithubAdviceKey | undefined = error.rateLimited
    ? 'rateLimited'
    : error.status >= 500
      ? 'server'
      : error.status === 401 || error.status === 403 || error.status === 404 || error.status === 422
        ? error.status
        : undefined;
  const fallback: Partial<Record<GithubAdviceKey, string>> = {
    401: 'github-token was refused: it is expired, revoked or mistyped. Create a new one and update the secret that holds it.',
    rateLimited: 'GitHub rate-limited github-token; run again later.',
    server: 'GitHub had a problem; run again later.',
  };
  const what = key === undefined ? undefined : (advice[key] ?? fallback[key]);
  return `${doing} on ${apiUrl} failed: ${said}.${what ? ` ${what}` : ''}`;
}

/**
 * A redirect to another host means GITHUB_API_URL is not the API root (GitHub Enterprise Server serves it under
 * /api/v3, and http may redirect to https); one on the API's own host means GitHub moved what the call names, as it
 * does for a renamed or transferred repository.
 */
function describeRedirect(error: GithubRequestError, context: DescribeGithubContext): string {
  const { doing, apiUrl, advice = {} } = context;
  const to = error.redirectTo === undefined ? ' without saying where' : ` to ${error.redirectTo}`;
  const said = `GitHub answered ${error.status}, a redirect${to}, which gitlab-pat does not follow: it would send github-token (and, for a write, the encrypted token) wherever the redirect points`;
  const sameHost = error.redirectTo !== undefined && sameOrigin(error.redirectTo, apiUrl);
  const what = sameHost
    ? (advice.redirect ?? 'GitHub moved what this call names; name it by its current name and run again.')
    : `Check GITHUB_API_URL (${apiUrl}): it must be the REST API root itself, https://api.github.com for github.com or https://HOST/api/v3 for GitHub Enterprise Server.`;
  return `${doing} on ${apiUrl} failed: ${said}. ${what}`;
}

function sameOrigin(url: string, apiUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}
