/**
 * The one HTTP request handler behind every gitbeaker call. It replaces gitbeaker's own, which retries 429 and 502
 * on every method, POST included: a retried rotate is seen by GitLab's reuse detection and revokes the new token.
 * Here only idempotent methods are retried, with `Retry-After` honoured and bounded in count and total time, and
 * errors carry status, endpoint and GitLab's text, never request headers or bodies (those hold the credential and,
 * for variable writes, the new token).
 */
import type { Logger } from '../logger.js';
import { decideRetry, parseRetryAfter, type RetryPolicy } from '../retry-policy.js';
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
  ) {
    super(`${method} ${endpoint} answered ${status}${gitlabText(answer) ? `: ${gitlabText(answer)}` : ''}`);
  }
}

/** The request may or may not have reached GitLab: no status came back. */
export class GitlabNetworkError extends Error {
  override readonly name = 'GitlabNetworkError';
  constructor(
    readonly method: string,
    readonly endpoint: string,
    readonly reason: 'timeout' | 'connection',
    readonly detail: string,
  ) {
    super(`${method} ${endpoint} got no answer (${reason}: ${detail})`);
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
  /** Shared by every request of the run: pauses them all when GitLab's rate limit runs low (rate-limit.ts). */
  readonly throttle?: RequestThrottle;
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
      let response: Response;
      let parsed: GitbeakerResponse | undefined;
      await env.throttle?.beforeRequest();
      try {
        response = await fetch(url, {
          method,
          headers: options.headers,
          body: options.body ?? null,
          // A change may take GitLab longer than a read; giving up early turns a success into an unknown outcome.
          signal: AbortSignal.timeout(env.policy.attemptTimeoutMs * (retryable ? 1 : 2)),
        });
        // A 2xx whose body breaks off or is not JSON is an answer lost, not a refusal: the change may have happened.
        // Read it here, so that it fails like a lost connection (and never carries the body's text).
        if (response.ok) parsed = await parseResponse(response);
      } catch (error) {
        const failure = toNetworkError(method, shownEndpoint, error);
        env.log.debug(`${method} ${shownEndpoint}${url.search} -> no answer (${failure.reason})`);
        const decision = retryable
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
      const serverDate = response.headers.get('date');
      if (serverDate && env.onServerDate) {
        const parsed = new Date(serverDate);
        if (!Number.isNaN(parsed.getTime())) env.onServerDate(parsed);
      }
      env.throttle?.afterResponse(response.status, (name) => response.headers.get(name));
      env.log.debug(
        `${method} ${shownEndpoint}${url.search} -> ${response.status} (${env.nowMs() - attemptStarted} ms)`,
      );
      if (parsed) return parsed;

      const answer = await readAnswer(response);
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), serverDate);
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
        );
      }
      throw new GitlabHttpError(method, shownEndpoint, response.status, answer, retryAfterSeconds, undefined);
    }
  };
}

function toNetworkError(method: string, endpoint: string, error: unknown): GitlabNetworkError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new GitlabNetworkError(method, endpoint, 'timeout', 'no answer in time');
  }
  if (error instanceof SyntaxError) {
    // Its message quotes the body, which may hold a new token: never pass it on.
    return new GitlabNetworkError(method, endpoint, 'connection', 'the answer could not be read');
  }
  // fetch wraps the socket error in `cause`; keep only its code, never the object.
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail =
    typeof cause?.code === 'string'
      ? cause.code
      : typeof cause?.message === 'string' && cause.message !== ''
        ? cause.message.slice(0, 120)
        : 'connection failed';
  return new GitlabNetworkError(method, endpoint, 'connection', detail);
}

async function readAnswer(response: Response): Promise<GitlabAnswer> {
  const text = await response.text().catch(() => '');
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    return text.trim() === '' ? {} : { message: text.trim().slice(0, 300) };
  }
  try {
    return answerFromJson(JSON.parse(text));
  } catch {
    return { message: text.trim().slice(0, 300) };
  }
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

async function parseResponse(response: Response): Promise<GitbeakerResponse> {
  const headers = Object.fromEntries(response.headers.entries());
  if (response.status === 204) return { body: null, headers, status: response.status };
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  const text = await response.text();
  let body: unknown = text;
  if (contentType === 'application/json') body = text === '' ? {} : (JSON.parse(text) as unknown);
  return { body, headers, status: response.status };
}
