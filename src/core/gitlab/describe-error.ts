/**
 * GitLab answers turned into sentences a user can act on: what failed, on which instance, what GitLab said, what to
 * do. Built from status, endpoint and GitLab's own text only; never from request headers or bodies.
 */
import { IncompleteListError } from './gitlab-client.js';
import { GitlabHttpError, GitlabNetworkError, gitlabText } from './request.js';

/**
 * Advice by what went wrong: an HTTP status, the credential revoked or expired, a missing scope, no answer, or
 * `denied`: a 401 or 403 after GitLab had accepted the credential in this run (what it may do, not what it is;
 * without it, the 403 advice is used for both statuses, then a generic sentence).
 */
export type AdviceKey = number | 'revoked' | 'expired' | 'scope' | 'network' | 'denied';

export interface ErrorContext {
  /** What we were doing, as a sentence start: "Rotating token 42 (deploy)". */
  readonly doing: string;
  readonly instanceUrl: string;
  /** Advice for this call that is better than the generic one. */
  readonly advice?: Partial<Record<AdviceKey, string>>;
}

export function httpStatus(error: unknown): number | undefined {
  const answered = error instanceof IncompleteListError ? error.cause : error;
  return answered instanceof GitlabHttpError ? answered.status : undefined;
}

/** GitLab says why a token was refused in `error_description`; the kind decides the advice. */
export function credentialProblem(error: unknown): 'revoked' | 'expired' | undefined {
  if (error instanceof IncompleteListError) return credentialProblem(error.cause);
  if (!(error instanceof GitlabHttpError) || error.status !== 401) return undefined;
  const text = `${error.answer.description ?? ''} ${error.answer.message ?? ''}`.toLowerCase();
  if (text.includes('revoked')) return 'revoked';
  if (text.includes('expired')) return 'expired';
  return undefined;
}

export function describeGitlabError(error: unknown, context: ErrorContext): string {
  if (error instanceof IncompleteListError) {
    // Said before the page's own failure, so that nobody mistakes the run for one that listed everything.
    const of = error.totalPages !== undefined ? ` of ${error.totalPages}` : '';
    const progress = `(after ${error.pagesRead}${of} page${error.pagesRead === 1 && of === '' ? '' : 's'}, ${error.itemsRead} items) at page ${error.failedPage}`;
    const described = describeGitlabError(error.cause, { ...context, doing: `${context.doing} ${progress}` });
    return `${described} The run stopped rather than go on with a partial list, which would miss whatever the unread pages hold.`;
  }
  if (error instanceof GitlabNetworkError) {
    const advice =
      context.advice?.network ??
      `Check gitlab-url (${context.instanceUrl}), DNS, proxies and firewalls between this runner and GitLab, then run again.`;
    const what =
      error.reason === 'timeout' ? 'got no answer in time' : `could not reach GitLab (${error.detail})`;
    return `${context.doing} on ${context.instanceUrl} ${what}. ${advice}`;
  }
  if (!(error instanceof GitlabHttpError)) {
    const message = error instanceof Error ? error.message : String(error);
    return `${context.doing} on ${context.instanceUrl} failed: ${message}`;
  }
  const said = gitlabText(error.answer);
  const answered = `GitLab answered ${error.status}${said ? ` (${said})` : ''}`;
  const exhausted = error.retriesExhausted ? `; ${error.retriesExhausted}` : '';
  return `${context.doing} on ${context.instanceUrl} failed: ${answered}${exhausted}. ${adviceFor(error, context)}`;
}

function adviceFor(error: GitlabHttpError, context: ErrorContext): string {
  const advice = context.advice ?? {};
  const problem = credentialProblem(error);
  if (problem === 'revoked') {
    return (
      advice.revoked ??
      'The credential (gitlab-token) has been revoked. If a rotation replaced it, use the new token from where that run stored it; otherwise create a new token.'
    );
  }
  if (problem === 'expired') {
    return (
      advice.expired ??
      'The credential (gitlab-token) has expired. Create a new token (or have an administrator rotate it) and store it where gitlab-token comes from.'
    );
  }
  if (error.status === 403 && error.answer.error === 'insufficient_scope') {
    const wanted = error.answer.scope ? error.answer.scope.split(/\s+/).join(' or ') : 'a broader scope';
    return (
      advice.scope ??
      `The credential lacks the scope for this call; GitLab wants ${wanted}. Give the token one of these scopes or use a credential that has it.`
    );
  }
  if ((error.status === 401 || error.status === 403) && error.credentialAccepted) {
    // GitLab answers 401, not 403, for some refusals (another user's tokens, a token it will not show): once the
    // credential worked in this run, neither status is about the credential itself.
    const denied =
      advice.denied ??
      advice[403] ??
      "It may not do this here: reading or changing another user's tokens needs an administrator's credential; a project's or group's tokens and CI/CD variables need the Maintainer (project) or Owner (group) role on it.";
    return `GitLab accepts this credential (another request of this run succeeded with it), so this ${error.status} is about what it may do, not about the token itself. ${denied}`;
  }
  const byStatus = advice[error.status];
  if (byStatus) return byStatus;
  if (error.status === 401) {
    return 'GitLab did not accept the credential (gitlab-token): check that it is a valid, unexpired token for this instance.';
  }
  if (error.status === 403) {
    return "The credential's user is not allowed to do this here; use a credential with the needed role (administrators may act on other users' tokens).";
  }
  if (error.status === 404)
    return 'GitLab found nothing there: check the id or name, and that the credential can see it.';
  if (error.status === 400 || error.status === 422) return 'Correct the input GitLab names and run again.';
  if (error.status === 429) return "GitLab's rate limit was reached. Wait a few minutes and run again.";
  if (error.status >= 500)
    return 'GitLab could not answer. Check the instance status page and run again later.';
  return 'Run again with debug logging for the request trail.';
}
