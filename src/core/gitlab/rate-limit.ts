/**
 * GitLab's rate limit, shared by every request of a run: a fleet of hundreds of tokens must slow down, not fail.
 * GitLab.com allows 2,000 authenticated requests a minute and says how many are left in `RateLimit-Remaining`, with
 * the end of the window in `RateLimit-Reset` (Unix seconds); a 429 says how long to wait in `Retry-After`, or not at
 * all (doc/user/gitlab_com/index.md#gitlabcom-specific-rate-limits, doc/administration/settings/user_and_ip_rate_limits.md).
 *
 * When few requests are left, or after a 429, every request waits until the window ends. That matters most for the
 * requests that are never retried (create, rotate): a 429 on them fails the token, so they must not be sent into one.
 */
import type { Logger } from '../logger.js';
import { parseRetryAfter } from '../retry-policy.js';

/** What the request handler (request.ts) calls around every request. */
export interface RequestThrottle {
  /** Resolves when the request may be sent. */
  beforeRequest(): Promise<void>;
  /** Every answer's status and headers (names in lower case). */
  afterResponse(status: number, header: (name: string) => string | null): void;
}

export interface RateLimitDependencies {
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds; moves with `sleep` in tests that fake time. */
  readonly nowMs: () => number;
  readonly log: Logger;
  /**
   * Requests kept in hand: below this many left, everything waits for the next window. Enough for the requests
   * already on their way (about two per concurrent token).
   */
  readonly reserve: number;
}

/** GitLab's windows are one minute: a longer wait means a clock or header we misread. */
const MAX_WAIT_MS = 60_000;

export function createRateLimitThrottle(deps: RateLimitDependencies): RequestThrottle {
  let pausedUntilMs = 0;

  const pause = (waitMs: number, why: string) => {
    const until = deps.nowMs() + Math.min(Math.max(waitMs, 0), MAX_WAIT_MS);
    if (until <= pausedUntilMs) return;
    pausedUntilMs = until;
    deps.log.info(`${why}: pausing every request for ${Math.ceil((until - deps.nowMs()) / 1000)} s.`);
  };

  return {
    async beforeRequest() {
      for (let left = pausedUntilMs - deps.nowMs(); left > 0; left = pausedUntilMs - deps.nowMs()) {
        await deps.sleep(left);
      }
    },

    afterResponse(status, header) {
      const date = header('date');
      const untilReset = secondsUntilReset(header('ratelimit-reset'), date);
      if (status === 429) {
        const retryAfter = parseRetryAfter(header('retry-after'), date);
        const seconds = retryAfter ?? untilReset;
        // Without a word on how long, the request's own jittered backoff (retry-policy.ts) is the best guess.
        if (seconds === undefined) return;
        pause(
          seconds * 1000,
          `GitLab's rate limit was reached (429${retryAfter !== undefined ? `, Retry-After ${retryAfter} s` : ''})`,
        );
        return;
      }
      const remaining = Number(header('ratelimit-remaining') ?? NaN);
      if (Number.isFinite(remaining) && remaining <= deps.reserve && untilReset !== undefined) {
        pause(
          untilReset * 1000,
          `GitLab's rate limit is nearly used up (${remaining} of ${header('ratelimit-limit') ?? '?'} requests left in this window)`,
        );
      }
    },
  };
}

/** `RateLimit-Reset` is Unix seconds by GitLab's clock: measured against its own `Date`, not ours. */
function secondsUntilReset(reset: string | null, date: string | null): number | undefined {
  if (reset === null || !/^\d+$/.test(reset.trim())) return undefined;
  const serverNow = date ? Date.parse(date) : NaN;
  const now = Number.isNaN(serverNow) ? Date.now() : serverNow;
  return Math.max(0, Math.ceil(Number(reset.trim()) - now / 1000));
}
