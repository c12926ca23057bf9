/**
 * The one HTTP request handler behind every gitbeaker call. It replaces gitbeaker's own, which retries 429 and 502
 * on every method, POST included: a retried rotate is seen by GitLab's reuse detection and revokes the new token.
 * Here only idempotent methods are retried, with `Retry-After` honoured and bounded in count and total time, and
 * errors carry status, endpoint and GitLab's text, never request headers or bodies (those hold the credential and,
 * for variable writes, the new token).
 */
import type { Logger } from '../logger.js';
import { excerpt } from '../redact.js';
import { decideRetry, parseRetryAfter, type RetryPolicy } from '../retry-policy.js';
import { createHttpTransport, type HttpResponse, type HttpTransport } from './http-transport.js';
import { HttpTransportError, showableUrl, type TlsProblem } from './http-transport-error.js';
import type { RequestThrottle } from './rate-limit.js';

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** What GitLab said, without anything from our request. */
export interface GitlabAnswer {
  readonly error?: string;
  readonly description?: string;
  readonly message?: string;
  /** For 403 insufficient_scope: the scopes GitLab wanted. */
  readonly scope?: string;
}

export class GitlabHttpError extends Error {
  override readonly name = 'GitlabHttpError';
  /**
   * GitLab accepted this request's credential earlier in the run: a 401 is then about what the credential may do
   * (an administrator's or a role's business), not about the credential itself. Set by the client that sent it.
   */
  credentialAccepted = false;
  constructor(
    readonly method: string,
    readonly endpoint: string,
    readonly status: number,
    readonly answer: GitlabAnswer,
    /** Seconds GitLab asked us to wait (429/503), if it said. */
    readonly retryAfterSeconds: number | undefined,
    /** Set when retries stopped because the budget ran out rather than because the error is final. */
    readonly retriesExhausted: string | undefined,
    /**
     * The answer is GitLab's own: a JSON object with `message` or `error`, as GitLab's API writes every refusal
     * (lib/api/helpers.rb, render_api_error!). A page from a proxy or WAF in front of GitLab (HTML, plain text, JSON
     * of another shape) is not, whatever its status: the request may have reached GitLab and changed something.
     */
    readonly answeredByGitlab = false,
  ) {
    super(`${method} ${endpoint} answered ${status}${gitlabText(answer) ? `: ${gitlabText(answer)}` : ''}`);
  }
}

/**
 * No status from GitLab came back. `timeout` and `connection`: the request may or may not have reached GitLab (an
 * answer that broke off or was not JSON counts as lost). `tls` and `proxy`: it did not reach GitLab; the details say
 * what to fix.
 */
export class GitlabNetworkError extends Error {
  override readonly name = 'GitlabNetworkError';
  constructor(
    readonly method: string,
    readonly endpoint: string,
    readonly reason: 'timeout' | 'connection' | 'tls' | 'proxy',
    readonly detail: string,
    readonly failure: NetworkFailureDetails = {},
  ) {
    super(`${method} ${endpoint} got no answer (${reason}: ${detail})`);
  }
}

export interface NetworkFailureDetails {
  /** `tls`: what is wrong with GitLab's certificate. */
  readonly tlsProblem?: TlsProblem;
  /** The proxy in the way, as `http://host:port` (never its credentials). */
  readonly proxy?: string;
  /** `proxy`: what the proxy answered (407 wants credentials). */
  readonly proxyStatus?: number;
}

/**
 * GitLab's API never redirects: a 3xx comes from something in front of it (http:// to https://, a path prefix such
 * as /gitlab, a moved host, a sign-in page). It is never followed, since that would send the credential, or a new
 * token in a variable write, wherever the Location points. `location` and `requested` are origin and path only.
 */
export class GitlabRedirectError extends Error {
  override readonly name = 'GitlabRedirectError';
  constructor(
    readonly method: string,
    readonly endpoint: string,
    readonly status: number,
    /** Where the request went. */
    readonly requested: string,
    /** Where the answer pointed; undefined when it named no usable Location. */
    readonly location: string | undefined,
  ) {
    super(
      `${method} ${endpoint} answered ${status}, a redirect to ${location ?? 'an unnamed location'}, which was not followed`,
    );
  }
}

export function gitlabText(answer: GitlabAnswer): string {
  const parts = [answer.message, answer.error, answer.description].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  return [...new Set(parts)].join(': ');
}

export interface RequestEnvironment {
  readonly policy: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  /** Monotonic-enough milliseconds, for the retry budget. */
  readonly nowMs: () => number;
  readonly random: () => number;
  readonly log: Logger;
  /** Called with every `Date` header GitLab sends, so expiry can follow GitLab's clock instead of ours. */
  readonly onServerDate?: (date: Date) => void;
  /**
   * Sends the requests; by default one node:http(s) transport per environment (so per run), reading proxy
   * settings from `process.env`.
   */
  readonly transport?: HttpTransport;
  /** Shared by every request of the run: pauses them all when GitLab's rate limit runs low (rate-limit.ts). */
  readonly throttle?: RequestThrottle;
}

/** Every client made with the same environment (a run's, its `withCredential` clients too) shares connections. */
const defaultTransports = new WeakMap<RequestEnvironment, HttpTransport>();

function transportOf(env: RequestEnvironment): HttpTransport {
  if (env.transport) return env.transport;
  let transport = defaultTransports.get(env);
  if (!transport) {
    transport = createHttpTransport({ env: process.env });
    defaultTransports.set(env, transport);
  }
  return transport;
}

/** The subset of gitbeaker's request options this handler reads. */
interface GitbeakerRequestOptions {
  method?: string;
  prefixUrl?: string;
  searchParams?: string;
  headers?: Record<string, string>;
  body?: string | FormData | null;
  asStream?: boolean;
}

export interface GitbeakerResponse {
  body: unknown;
  headers: Record<string, string>;
  status: number;
}

/** The endpoint as users see it: the API path, with the query only in debug lines. */
function describeEndpoint(url: URL): string {
  return url.pathname.replace(/^.*?\/api\/v4\//, '/');
}

export type RequestHandler = ReturnType<typeof createRequestHandler>;

export function createRequestHandler(env: RequestEnvironment) {
  const transport = transportOf(env);
  return async function handleRequest(
    endpoint: string,
    options: GitbeakerRequestOptions,
  ): Promise<GitbeakerResponse> {
    const method = (options.method ?? 'GET').toUpperCase();
    const base = options.prefixUrl?.endsWith('/') ? options.prefixUrl : `${options.prefixUrl ?? ''}/`;
    const url = new URL(endpoint, base);
    url.search = options.searchParams ?? '';
    const shownEndpoint = describeEndpoint(url);
    const retryable = IDEMPOTENT_METHODS.has(method);
    const started = env.nowMs();

    for (let attempt = 1; ; attempt += 1) {
      const attemptStarted = env.nowMs();
      let response: HttpResponse;
      let parsed: GitbeakerResponse | undefined;
      await env.throttle?.beforeRequest();
      try {
        response = await transport.send({
          method,
          url,
          headers: options.headers ?? {},
          ...(options.body === undefined || options.body === null ? {} : { body: requestBody(options.body) }),
          // A change may take GitLab longer than a read; giving up early turns a success into an unknown outcome.
          timeoutMs: env.policy.attemptTimeoutMs * (retryable ? 1 : 2),
        });
        // A 2xx whose body is not JSON is an answer lost, not a refusal: the change may have happened. It fails like
        // a lost connection (and never carries the body's text).
        if (response.status >= 200 && response.status < 300) parsed = parseResponse(response);
      } catch (error) {
        const failure = toGitlabError(method, url, shownEndpoint, error, env.log);
        env.log.debug(
          `${method} ${shownEndpoint}${url.search} -> ${failure instanceof GitlabRedirectError ? failure.status : 'no answer'} (${failure instanceof GitlabRedirectError ? 'redirect, not followed' : failure.reason})`,
        );
        // Redirects, certificates and proxy refusals answer the same way every time.
        const transient =
          failure instanceof GitlabNetworkError &&
          (failure.reason === 'timeout' ||
            failure.reason === 'connection' ||
            (failure.reason === 'proxy' && (failure.failure.proxyStatus ?? 500) >= 500));
        const decision =
          retryable && transient
            ? decideRetry(
                env.policy,
                env,
                { attempt, startedMs: started, retryAfterSeconds: undefined },
                'GitLab',
              )
            : undefined;
        if (decision === undefined || 'giveUp' in decision) throw failure;
        await env.sleep(decision.waitMs);
        continue;
      }
      const serverDate = response.headers.date;
      if (serverDate && env.onServerDate) {
        const parsed = new Date(serverDate);
        if (!Number.isNaN(parsed.getTime())) env.onServerDate(parsed);
      }
      env.throttle?.afterResponse(response.status, (name) => response.headers[name.toLowerCase()] ?? null);
      env.log.debug(
        `${method} ${shownEndpoint}${url.search} -> ${response.status} (${env.nowMs() - attemptStarted} ms)`,
      );
      if (parsed) return parsed;

      const { answer, answeredByGitlab } = readAnswer(response, env.log);
      const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], serverDate);
      if (retryable && RETRYABLE_STATUSES.has(response.status)) {
        const decision = decideRetry(
          env.policy,
          env,
          { attempt, startedMs: started, retryAfterSeconds },
          'GitLab',
        );
        if ('waitMs' in decision) {
          env.log.debug(`retrying ${method} ${shownEndpoint} in ${Math.round(decision.waitMs / 100) / 10} s`);
          await env.sleep(decision.waitMs);
          continue;
        }
        throw new GitlabHttpError(
          method,
          shownEndpoint,
          response.status,
          answer,
          retryAfterSeconds,
          decision.giveUp,
          answeredByGitlab,
        );
      }
      throw new GitlabHttpError(
        method,
        shownEndpoint,
        response.status,
        answer,
        retryAfterSeconds,
        undefined,
        answeredByGitlab,
      );
    }
  };
}

/** gitbeaker sends JSON text; FormData (file uploads) is never used here and node:http cannot send it. */
function requestBody(body: string | FormData): string {
  if (typeof body !== 'string') throw new TypeError('Only text request bodies can be sent to GitLab');
  return body;
}

function toGitlabError(
  method: string,
  url: URL,
  endpoint: string,
  error: unknown,
  log: Pick<Logger, 'redact'>,
): GitlabNetworkError | GitlabRedirectError {
  if (error instanceof HttpTransportError) {
    if (error.reason === 'redirect') {
      // The Location is the server's choice and may carry a secret in its path: redacted, then shortened.
      const location =
        error.location === undefined
          ? undefined
          : excerpt(log.redact(error.location), LOCATION_EXCERPT_LENGTH);
      return new GitlabRedirectError(method, endpoint, error.status ?? 0, showableUrl(url), location);
    }
    const { tlsProblem, proxy, proxyStatus } = error;
    return new GitlabNetworkError(method, endpoint, error.reason, error.detail, {
      ...(tlsProblem ? { tlsProblem } : {}),
      ...(proxy ? { proxy } : {}),
      ...(proxyStatus ? { proxyStatus } : {}),
    });
  }
  if (error instanceof SyntaxError) {
    // Its message quotes the body, which may hold a new token: never pass it on.
    return new GitlabNetworkError(method, endpoint, 'connection', 'the answer could not be read');
  }
  if (error instanceof UnreadableAnswer)
    return new GitlabNetworkError(method, endpoint, 'connection', error.message);
  // Anything else is a defect of ours; its message may quote what it was given, so only its name is kept.
  return new GitlabNetworkError(
    method,
    endpoint,
    'connection',
    `request failed (${error instanceof Error ? error.name : 'unknown error'})`,
  );
}

const LOCATION_EXCERPT_LENGTH = 200;

/** A 2xx whose body is not JSON: a page from something in front of GitLab, or an answer cut short. */
class UnreadableAnswer extends Error {}

/** Characters of a page that is not GitLab's answer kept for the message: enough for a proxy's error line. */
const PAGE_EXCERPT_LENGTH = 300;

/**
 * What an error answer said. A page that is not JSON may echo what was sent (a WAF quoting the request body, which
 * for a variable write is the new token): it is redacted before it is shortened, since a secret cut in two is no
 * longer recognisable.
 */
function readAnswer(
  response: HttpResponse,
  log: Pick<Logger, 'redact'>,
): { answer: GitlabAnswer; answeredByGitlab: boolean } {
  const text = response.body;
  const page = (): GitlabAnswer =>
    text.trim() === '' ? {} : { message: excerpt(log.redact(text.trim()), PAGE_EXCERPT_LENGTH) };
  if (!(response.headers['content-type'] ?? '').includes('json')) {
    return { answer: page(), answeredByGitlab: false };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { answer: page(), answeredByGitlab: false };
  }
  const answer = answerFromJson(json);
  return { answer, answeredByGitlab: answer.message !== undefined || answer.error !== undefined };
}

function answerFromJson(json: unknown): GitlabAnswer {
  if (typeof json !== 'object' || json === null) return {};
  const record = json as Record<string, unknown>;
  const answer: { -readonly [K in keyof GitlabAnswer]: GitlabAnswer[K] } = {};
  if (typeof record.error === 'string') answer.error = record.error;
  if (typeof record.error_description === 'string') answer.description = record.error_description;
  if (typeof record.scope === 'string') answer.scope = record.scope;
  if (typeof record.message === 'string') answer.message = record.message;
  else if (record.message !== undefined) answer.message = flattenValidationMessage(record.message);
  return answer;
}

/** GitLab's validation errors look like {"message": {"expires_at": ["must be ..."]}}. */
function flattenValidationMessage(message: unknown): string {
  if (typeof message !== 'object' || message === null) return String(message);
  return Object.entries(message as Record<string, unknown>)
    .map(([field, problems]) =>
      Array.isArray(problems)
        ? `${field} ${problems.map(String).join(', ')}`
        : `${field} ${String(problems)}`,
    )
    .join('; ');
}

function parseResponse(response: HttpResponse): GitbeakerResponse {
  const headers = { ...response.headers };
  if (response.status === 204) return { body: null, headers, status: response.status };
  const contentType = (response.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const text = response.body;
  if (text.trim() === '')
    return { body: contentType === 'application/json' ? {} : text, headers, status: response.status };
  if (!contentType.includes('json')) {
    // GitLab's API answers JSON; an HTML page with 200 is a proxy or sign-in page, not GitLab's answer.
    throw new UnreadableAnswer(`the answer was not JSON (${contentType || 'no content type'})`);
  }
  return { body: JSON.parse(text) as unknown, headers, status: response.status };
}
