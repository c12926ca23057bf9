/**
 * Everything an operation may touch, passed in one object: side effects only through these.
 */
import type { ChangeGuard } from '../change-guard.js';
import type { Destination } from '../destinations/destination.js';
import { PatError, UnchangedFailure } from '../errors.js';
import { describeGitlabError, type AdviceKey } from '../gitlab/describe-error.js';
import type { GitlabApi } from '../gitlab/gitlab-api.js';
import type { Logger } from '../logger.js';
import type { Options } from '../options/parse-options.js';
import type { Clock } from '../time/clock.js';

export interface OperationContext {
  readonly options: Options;
  /** The run's GitLab API, with the run's credential (a self-rotation replaces it there). */
  readonly api: GitlabApi;
  readonly log: Logger;
  /** Aligned to GitLab's clock once the first answer arrived. */
  readonly clock: Clock;
  /** Where a new token goes (create, rotate), in order; the front door's own output first. */
  readonly destinations: readonly Destination[];
  /** Written only when a destination fails for good after the token changed. */
  readonly fallbacks: readonly Destination[];
  /** Pauses between retries of writes the HTTP layer may not retry itself, and between probes; milliseconds. */
  readonly wait: (ms: number) => Promise<void>;
  /** Marks the stretch from a token's replacement until its value is stored (see ChangeGuard). Default: none. */
  readonly changes?: ChangeGuard;
  /** Milliseconds, for durations (how long a rotate took); moves with `wait` in tests that fake time. */
  readonly nowMs?: () => number;
}

/**
 * A GitLab call made before anything changed: any failure becomes an UnchangedFailure (exit 1) whose message says
 * what we were doing and what to do about it.
 */
export async function callGitlab<T>(
  context: OperationContext,
  doing: string,
  call: () => Promise<T>,
  advice?: Partial<Record<AdviceKey, string>>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // Already a failure that says what to do (from a check inside the call).
    if (error instanceof PatError) throw error;
    throw new UnchangedFailure(
      describeGitlabError(error, {
        doing,
        instanceUrl: context.api.instanceUrl,
        ...(advice ? { advice } : {}),
      }),
    );
  }
}
