import { GitlabHttpError } from './request.js';

/**
 * After a request that changes something (create, rotate) failed: did GitLab refuse it, so that nothing changed, or
 * may the change have happened? Only a clean 4xx answer is a refusal. A 5xx (a proxy may answer 502 while GitLab
 * goes on), no answer, an answer that broke off, or anything unexpected may hide a change.
 */
export function postOutcome(error: unknown): 'refused' | 'unknown' {
  return error instanceof GitlabHttpError && error.status < 500 ? 'refused' : 'unknown';
}
