/**
 * GitLab answers turned into sentences a user can act on: what failed, on which instance, what GitLab said, what to
 * do. Built from status, endpoint and GitLab's own text only; never from request headers or bodies.
 */
import { IncompleteListError } from './gitlab-client.js';
import { tlsProblemOf } from './http-transport-error.js';
import { GitlabHttpError, GitlabNetworkError, GitlabRedirectError, gitlabText } from './request.js';

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
  if (error instanceof GitlabRedirectError) {
    return `${context.doing} on ${context.instanceUrl} failed: the request was answered ${error.status} with a redirect to ${error.location ?? 'no usable location'}. Redirects are not followed, so that the credential (and a new token) never goes anywhere but gitlab-url. ${redirectAdvice(error, context.instanceUrl)}`;
  }
  if (error instanceof GitlabNetworkError) {
    if (error.reason === 'tls')
      return `${context.doing} on ${context.instanceUrl} failed: ${tlsAdvice(error)}`;
    if (error.reason === 'proxy')
      return `${context.doing} on ${context.instanceUrl} failed: ${proxyAdvice(error)}`;
    const through = error.failure.proxy ? ` through the proxy ${error.failure.proxy}` : '';
    const advice =
      context.advice?.network ??
      `Check gitlab-url (${context.instanceUrl}), DNS, proxies and firewalls between this runner and GitLab, then run again.`;
    // A broken or non-JSON answer did reach something: say so rather than "could not reach".
    const what =
      error.reason === 'timeout'
        ? `got no answer in time${through}`
        : error.detail.startsWith('the answer')
          ? `got an answer it could not use${through} (${error.detail})`
          : `could not reach GitLab${through} (${error.detail})`;
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

/**
 * What a redirect says about gitlab-url: GitLab's API never redirects, so something in front of it does, most often
 * because gitlab-url has http:// for https://, lacks a path prefix such as /gitlab, or names a host that moved.
 */
function redirectAdvice(error: GitlabRedirectError, instanceUrl: string): string {
  const root =
    'gitlab-url must be the root URL of the instance, such as https://gitlab.example.com, with its path prefix if GitLab is served under one (https://example.com/gitlab)';
  const location = parseUrl(error.location);
  const requested = parseUrl(error.requested);
  const apiAt = location?.pathname.indexOf('/api/v4/') ?? -1;
  if (!location || !requested || apiAt < 0) {
    return `The redirect does not lead to GitLab's API: ${root}, and nothing in between (a sign-in proxy, say) may answer for it. Check gitlab-url (${instanceUrl}).`;
  }
  const base = `${location.origin}${location.pathname.slice(0, apiAt)}`;
  if (location.host === requested.host && location.protocol !== requested.protocol) {
    return `GitLab is served over ${location.protocol.slice(0, -1)} there: set gitlab-url to ${base}.`;
  }
  if (location.origin === requested.origin) {
    return `GitLab's API is served under another path there: set gitlab-url to ${base} (${root}).`;
  }
  return `The redirect points to another host (${location.origin}). If GitLab really moved there, set gitlab-url to ${base}; otherwise find out what redirects (a proxy or load balancer in front of GitLab).`;
}

function parseUrl(text: string | undefined): URL | undefined {
  if (text === undefined) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function tlsAdvice(error: GitlabNetworkError): string {
  const code = error.detail;
  switch (error.failure.tlsProblem) {
    case 'untrusted':
      return `GitLab's TLS certificate is not trusted (${code}): it is signed by a CA that Node.js does not know (a private CA, or a proxy that inspects TLS). Set NODE_EXTRA_CA_CERTS to the PEM file of the CA that signed GitLab's certificate, in the environment this runs in (Node.js reads it at start), then run again. Do not turn certificate checks off.`;
    case 'expired':
      return `GitLab's TLS certificate has expired or is not valid yet (${code}). Check this machine's clock; if it is right, the GitLab administrator must renew the certificate.`;
    case 'host-name':
      return `GitLab's TLS certificate is not issued for the host name in gitlab-url (${code}). Check the host name: use the name the certificate is for (the instance's full name, not an IP address or an alias).`;
    case 'not-tls':
      return `The server did not answer with TLS (${code}). If GitLab is served over plain HTTP there, gitlab-url must start with http://; otherwise check the port in gitlab-url.`;
    default:
      return `The TLS handshake with GitLab failed (${code}). Check gitlab-url's host and port; if GitLab's certificate comes from a private CA, set NODE_EXTRA_CA_CERTS to that CA's PEM file.`;
  }
}

function proxyAdvice(error: GitlabNetworkError): string {
  const proxy = error.failure.proxy ? `the proxy ${error.failure.proxy}` : 'the proxy';
  const bypass = "add GitLab's host to NO_PROXY if this machine reaches it directly";
  if (error.failure.proxyStatus === 407) {
    return `${proxy} answered 407: it requires authentication and did not accept this request. Put the proxy's user name and password into the proxy URL (HTTPS_PROXY=http://user:password@host:port, URL-encoded, from a masked variable), or ${bypass}.`;
  }
  if (error.failure.proxyStatus !== undefined) {
    return `${proxy} refused to connect to GitLab (it answered ${error.failure.proxyStatus}). Check that GitLab's host is allowed through the proxy, or ${bypass}.`;
  }
  if (error.failure.proxy?.startsWith('https:') && tlsProblemOf(error.detail) === 'not-tls') {
    return `${proxy} does not speak TLS (${error.detail}): write its URL with http:// in HTTPS_PROXY (or HTTP_PROXY, ALL_PROXY); the connection to GitLab is still encrypted through the tunnel.`;
  }
  return `${proxy} could not be used (${error.detail}). Check HTTPS_PROXY, HTTP_PROXY and ALL_PROXY (either case): the proxy must be reachable from this machine; or ${bypass}.`;
}
