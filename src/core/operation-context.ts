import type { Clock } from './clock.js';
import type { Destination } from './destinations/destination.js';
import { describeGitlabError, type AdviceKey } from './describe-error.js';
import { UnchangedFailure } from './errors.js';
import type { GitlabApi } from './gitlab-api.js';
import type { Logger } from './logger.js';
import type { Options } from './options.js';

/** Everything an operation may touch; side effects only through these. */
export interface OperationContext {
  readonly options: Options;
  readonly api: GitlabApi;
  readonly log: Logger;
  /** Aligned to GitLab's clock once the first answer arrived. */
  readonly clock: Clock;
  /** Where a new token goes (create, rotate), in order; the front door's own output first. */
  readonly destinations: readonly Destination[];
  /** Written only when a destination fails for good after the token changed. */
  readonly fallbacks: readonly Destination[];
  /** Pauses between retries of writes the HTTP layer may not retry itself. */
  readonly wait: (ms: number) => Promise<void>;
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
    throw new UnchangedFailure(
      describeGitlabError(error, {
        doing,
        instanceUrl: context.api.instanceUrl,
        ...(advice ? { advice } : {}),
      }),
    );
  }
}
