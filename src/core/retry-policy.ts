/**
 * How idempotent requests are retried, for GitLab and GitHub alike: a bounded number of attempts within a total
 * time budget, waiting as long as the server asks (`Retry-After`), else a capped exponential backoff with full
 * jitter. Requests that are not idempotent (create, rotate) never come here.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Total time all attempts and waits of one call may take. */
  readonly budgetMs: number;
  /** Backoff without `Retry-After`: base * 2^attempt, capped, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** One attempt's timeout. A POST that times out has an unknown outcome. */
  readonly attemptTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 90_000,
  baseDelayMs: 1_000,
  maxDelayMs: 20_000,
  attemptTimeoutMs: 30_000,
};

export interface RetryClock {
  /** Milliseconds, for the budget; moves with a fake sleep in tests. */
  readonly nowMs: () => number;
  readonly random: () => number;
}

export interface FailedAttempt {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** When the first attempt started (RetryClock.nowMs). */
  readonly startedMs: number;
  /** Seconds the server asked to wait, if it said. */
  readonly retryAfterSeconds: number | undefined;
}

export type RetryDecision = { readonly waitMs: number } | { readonly giveUp: string };

/** After a failed attempt: how long to wait before the next one, or why there is none (for the error message). */
export function decideRetry(
  policy: RetryPolicy,
  clock: RetryClock,
  failed: FailedAttempt,
  server: 'GitLab' | 'GitHub',
): RetryDecision {
  const budgetSeconds = Math.round(policy.budgetMs / 1000);
  if (failed.attempt >= policy.maxAttempts) return { giveUp: `gave up after ${failed.attempt} attempts` };
  const remainingMs = policy.budgetMs - (clock.nowMs() - failed.startedMs);
  if (failed.retryAfterSeconds !== undefined) {
    const waitMs = failed.retryAfterSeconds * 1000;
    if (waitMs <= remainingMs) return { waitMs };
    return {
      giveUp: `${server} asked to wait ${failed.retryAfterSeconds} s (Retry-After), more than the ${Math.max(0, Math.round(remainingMs / 1000))} s left of the ${budgetSeconds} s retry budget`,
    };
  }
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed.attempt - 1));
  const waitMs = Math.round(clock.random() * cap) + 100;
  if (waitMs <= remainingMs) return { waitMs };
  return { giveUp: `the ${budgetSeconds} s retry budget ran out after ${failed.attempt} attempts` };
}

/** `Retry-After` is either seconds or an HTTP date (relative to the server's own `Date`, not our clock). */
export function parseRetryAfter(
  value: string | null | undefined,
  serverDate: string | null | undefined,
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  const reference = serverDate ? Date.parse(serverDate) : Date.now();
  return Math.max(0, Math.ceil((at - (Number.isNaN(reference) ? Date.now() : reference)) / 1000));
}
