/**
 * Everything an operation may touch, passed in one object: side effects only through these.
 */
import type { ChangeGuard } from '../change-guard.js';
import type { Destination } from '../destinations/destination.js';
import { PatError, UnchangedFailure } from '../errors.js';
import { credentialProblem, describeGitlabError, type AdviceKey } from '../gitlab/describe-error.js';
import { IncompleteListError } from '../gitlab/gitlab-client.js';
import { GitlabHttpError } from '../gitlab/request.js';
import type { GitlabApi } from '../gitlab/gitlab-api.js';
import type { Logger } from '../logger.js';
import type { Options } from '../options/parse-options.js';
import type { Clock } from '../time/clock.js';
import type { ResolvedToken } from '../tokens/resolve-token.js';

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
  /**
   * rotate and revoke call it with the token they resolved, before they change it (or say, on a dry run, that they
   * would): a fleet refuses here what would break its other entries (the credential itself while others use it,
   * or a token another entry already handles). Throws to stop the operation; nothing has changed yet.
   */
  readonly beforeChange?: (resolved: ResolvedToken) => void;
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
    await settleCredential(context, error);
    throw new UnchangedFailure(
      describeGitlabError(error, {
        doing,
        instanceUrl: context.api.instanceUrl,
        ...(advice ? { advice } : {}),
      }),
    );
  }
}

/**
 * GitLab answers 401 both to a token it does not know and to a valid one that may not see something (another user's
 * tokens, a project's access tokens without the Maintainer role). When that happens before the credential has
 * worked in this run, one read of the token itself tells which, so that the message blames the right thing. Only on
 * this failure path, and only a GET.
 */
async function settleCredential(context: OperationContext, error: unknown): Promise<void> {
  const refused = error instanceof IncompleteListError ? error.cause : error;
  if (!(refused instanceof GitlabHttpError) || refused.status !== 401) return;
  if (refused.credentialAccepted || credentialProblem(refused) !== undefined) return;
  try {
    await context.api.client.get('personal_access_tokens/self');
    refused.credentialAccepted = true;
  } catch {
    // Not accepted here either (or not a personal access token): the 401 stays about the credential.
  }
}
