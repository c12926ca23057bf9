/**
 * A GitHub REST call that failed, reduced to what a message may show: method, endpoint, status and GitHub's own
 * text. Octokit's error keeps the request (its body holds the encrypted secret) and is never shown or kept.
 */
export class GithubRequestError extends Error {
  override readonly name = 'GithubRequestError';
  constructor(
    readonly method: string,
    readonly endpoint: string,
    /** Undefined: no answer came back (connection failed or timed out). */
    readonly status: number | undefined,
    /** GitHub's `message`, or why no answer came. */
    readonly detail: string,
    /** The answer's rate-limit headers, lower-cased, when GitHub answered. */
    readonly rateLimit: { readonly remaining?: string; readonly retryAfter?: string } = {},
    /** Set when retries stopped because the attempts or the time budget ran out. */
    readonly retriesExhausted?: string,
  ) {
    super(
      status === undefined
        ? `${method} ${endpoint} got no answer (${detail})`
        : `${method} ${endpoint} answered ${status}${detail ? `: ${detail}` : ''}`,
    );
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
}

export type GithubAdviceKey = 401 | 403 | 404 | 422 | 'rateLimited' | 'noAnswer' | 'server';

export interface DescribeGithubContext {
  /** "Reading the public key of repository octo/app". */
  readonly doing: string;
  readonly apiUrl: string;
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
    return `${doing} on ${apiUrl} failed: GitHub did not answer (${error.detail})${exhausted}. ${advice.noAnswer ?? 'Check that the runner can reach GitHub (GITHUB_API_URL), then run again.'}`;
  }
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
