import { GitlabHttpError } from './request.js';

/**
 * After a request that changes something (create, rotate) failed: did GitLab refuse it, so that nothing changed, or
 * may the change have happened? Only a refusal GitLab itself wrote (a 4xx with GitLab's JSON error body) means
 * nothing changed. A 5xx (a proxy may answer 502 while GitLab goes on), no answer, an answer that broke off, a
 * redirect, or a 4xx page from a proxy or WAF (which may have replaced GitLab's answer after GitLab acted) may hide
 * a change. A 429 is a refusal whoever wrote it: a rate limiter answers instead of passing the request on (GitLab's
 * own, Rack::Attack, answers in plain text).
 */
export function postOutcome(error: unknown): 'refused' | 'unknown' {
  if (!(error instanceof GitlabHttpError)) return 'unknown';
  if (error.status === 429) return 'refused';
  return error.status < 500 && error.answeredByGitlab ? 'refused' : 'unknown';
}
