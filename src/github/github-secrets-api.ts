/**
 * The GitHub REST calls behind the github-secret destination (https://docs.github.com/rest/actions/secrets),
 * through @actions/github's Octokit and its typed endpoint methods. Part of the dist/github-secrets bundle, which
 * only runs that write a GitHub secret load.
 *
 * Retries: every call here is idempotent (GET, or PUT of a whole secret), and one loop below retries each after a
 * 5xx, a lost answer or a rate limit, bounded in attempts and in time, waiting as GitHub asks ("Rate limits for the
 * REST API"): `retry-after` when sent, else until `x-ratelimit-reset` when `x-ratelimit-remaining` is 0, else at
 * least a minute for a secondary rate limit; else a jittered backoff (src/core/retry-policy.ts, shared with GitLab).
 * @octokit/plugin-retry is not used: it has no time budget and ignores Retry-After, and as a second layer it would
 * multiply the attempts. @octokit/plugin-throttling sits beside the loop as the scheduler GitHub's best practices
 * ask for: mutating requests one at a time and a second apart, per token, across the process. Its own rate-limit
 * retries are declined (its handlers answer false), so that every wait is decided once, here.
 */
import { createHash } from 'node:crypto';
import { getOctokit } from '@actions/github';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '../core/logger.js';
import { excerpt } from '../core/redact.js';
import type { GithubRepositoryRef } from './github-secret-options.js';
import { decideRetry, parseRetryAfter, type RetryPolicy } from '../core/retry-policy.js';
import { VERSION } from '../version.js';
import { createGithubFetch, GithubRedirectRefused } from './github-fetch.js';
import { GithubRequestError, type GithubRetryHeaders } from './github-request-error.js';

/** Where a secret lives, with the repository known. */
export type GithubSecretPlace =
  | { readonly kind: 'repository'; readonly repository: GithubRepositoryRef }
  | { readonly kind: 'environment'; readonly repository: GithubRepositoryRef; readonly environment: string }
  | { readonly kind: 'organization'; readonly org: string };

/** GitHub's own numbers: fewer attempts than for GitLab, as only one secret write hangs on them. */
export const DEFAULT_GITHUB_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  budgetMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
  attemptTimeoutMs: 30_000,
};

export interface GithubApiEnvironment {
  /** The REST root: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  readonly apiUrl: string;
  readonly token: string;
  readonly log: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  readonly nowMs: () => number;
  readonly random: () => number;
  readonly policy: RetryPolicy;
}

export interface GithubPublicKey {
  readonly keyId: string;
  /** Base64, as GitHub sends it. */
  readonly key: string;
  /** A classic token's scopes (`X-OAuth-Scopes`); undefined for fine-grained and app tokens, which send none. */
  readonly classicScopes: readonly string[] | undefined;
}

export type OrgSecretVisibility = 'all' | 'private' | 'selected';
export interface OrgSecretAccess {
  readonly visibility: OrgSecretVisibility;
  /** For `selected`: the repositories that may read it, which a PUT without them would clear. */
  readonly selectedRepositoryIds?: readonly number[];
}

export interface GithubSecretsApi {
  publicKey(place: GithubSecretPlace): Promise<GithubPublicKey>;
  /** Undefined when the organization has no such secret. */
  orgSecretAccess(org: string, name: string): Promise<OrgSecretAccess | undefined>;
  /** Creates or replaces the secret. `access` is required for organization secrets (GitHub requires visibility). */
  putSecret(
    place: GithubSecretPlace,
    name: string,
    sealed: { readonly encryptedValue: string; readonly keyId: string },
    access?: OrgSecretAccess,
  ): Promise<'created' | 'updated'>;
}

/** The secrets collection of a place, URL-encoded as Octokit sends it: environment names may contain slashes. */
export function secretsPath(place: GithubSecretPlace): string {
  const segment = encodeURIComponent;
  switch (place.kind) {
    case 'repository':
      return `/repos/${segment(place.repository.owner)}/${segment(place.repository.name)}/actions/secrets`;
    case 'environment':
      return `/repos/${segment(place.repository.owner)}/${segment(place.repository.name)}/environments/${segment(place.environment)}/secrets`;
    case 'organization':
      return `/orgs/${segment(place.org)}/actions/secrets`;
  }
}

const PAGE_SIZE = 100;
/** 100 pages of 100 repositories: more than any organization secret is shared with. */
const MAX_PAGES = 100;
/** GitHub's advice for a secondary rate limit that names no time: "wait for at least one minute". */
const SECONDARY_RATE_LIMIT_WAIT_SECONDS = 60;
const API_VERSION = { 'x-github-api-version': '2022-11-28' };

export function createGithubSecretsApi(env: GithubApiEnvironment): GithubSecretsApi {
  const octokit = getOctokit(
    env.token,
    {
      baseUrl: env.apiUrl,
      userAgent: `gitlab-pat/${VERSION}`,
      // Replaces @actions/github's default fetch, which has the same proxy rules but for GITHUB_API_URL only.
      request: { fetch: createGithubFetch(env.apiUrl, env.policy.attemptTimeoutMs) },
      throttle: {
        // Keyed by token (a digest, never the value): GitHub counts limits per user or app.
        id: createHash('sha256').update(env.token).digest('hex').slice(0, 16),
        onRateLimit: () => false,
        onSecondaryRateLimit: () => false,
      },
      // Octokit writes deprecation notices to the console by default; they go to the debug log instead.
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => env.log.debug(`GitHub: ${message}`),
        error: (message: string) => env.log.debug(`GitHub: ${message}`),
      },
    },
    throttling,
  );
  const { actions } = octokit.rest;
  const call = createCaller(env);

  return {
    async publicKey(place) {
      const path = `${secretsPath(place)}/public-key`;
      const { data, headers: answer } = await call('GET', path, () => {
        switch (place.kind) {
          case 'repository':
            return actions.getRepoPublicKey({ ...repo(place.repository), headers: API_VERSION });
          case 'environment':
            return actions.getEnvironmentPublicKey({
              ...repo(place.repository),
              environment_name: place.environment,
              headers: API_VERSION,
            });
          case 'organization':
            return actions.getOrgPublicKey({ org: place.org, headers: API_VERSION });
        }
      });
      if (typeof data?.key_id !== 'string' || typeof data.key !== 'string') {
        throw new GithubRequestError('GET', path, 200, 'no key_id and key in the answer');
      }
      const scopes = answer['x-oauth-scopes'];
      return {
        keyId: data.key_id,
        key: data.key,
        classicScopes:
          scopes === undefined || scopes.trim() === ''
            ? undefined
            : scopes
                .split(',')
                .map((scope) => scope.trim())
                .filter((scope) => scope !== ''),
      };
    },

    async orgSecretAccess(org, name) {
      const path = `${secretsPath({ kind: 'organization', org })}/${encodeURIComponent(name)}`;
      let visibility: OrgSecretVisibility;
      try {
        const { data } = await call('GET', path, () =>
          actions.getOrgSecret({ org, secret_name: name, headers: API_VERSION }),
        );
        visibility = data.visibility;
      } catch (error) {
        if (error instanceof GithubRequestError && error.status === 404) return undefined;
        throw error;
      }
      if (visibility !== 'selected') return { visibility };
      const ids: number[] = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const { data } = await call('GET', `${path}/repositories`, () =>
          actions.listSelectedReposForOrgSecret({
            org,
            secret_name: name,
            per_page: PAGE_SIZE,
            page,
            headers: API_VERSION,
          }),
        );
        ids.push(...data.repositories.map((repository) => repository.id));
        if (data.repositories.length < PAGE_SIZE || ids.length >= data.total_count) break;
      }
      return { visibility, selectedRepositoryIds: ids };
    },

    async putSecret(place, name, sealed, access) {
      const path = `${secretsPath(place)}/${encodeURIComponent(name)}`;
      const secret = {
        secret_name: name,
        encrypted_value: sealed.encryptedValue,
        key_id: sealed.keyId,
        headers: API_VERSION,
      };
      const { status } = await call('PUT', path, () => {
        switch (place.kind) {
          case 'repository':
            return actions.createOrUpdateRepoSecret({ ...repo(place.repository), ...secret });
          case 'environment':
            return actions.createOrUpdateEnvironmentSecret({
              ...repo(place.repository),
              environment_name: place.environment,
              ...secret,
            });
          case 'organization':
            if (!access) throw new Error('An organization secret needs its visibility.');
            return actions.createOrUpdateOrgSecret({
              org: place.org,
              ...secret,
              visibility: access.visibility,
              ...(access.visibility === 'selected'
                ? { selected_repository_ids: [...(access.selectedRepositoryIds ?? [])] }
                : {}),
            });
        }
      });
      return status === 201 ? 'created' : 'updated';
    },
  };
}

const repo = (repository: GithubRepositoryRef) => ({ owner: repository.owner, repo: repository.name });

interface Answer<T> {
  readonly status: number;
  readonly data: T;
  readonly headers: Record<string, string | number | undefined>;
}

/** One GitHub call with its retries; `path` (as sent) only names it in logs and errors. */
function createCaller(env: GithubApiEnvironment) {
  return async function call<A extends Answer<unknown>>(
    method: 'GET' | 'PUT',
    path: string,
    send: () => Promise<A>,
  ): Promise<A & { headers: Record<string, string | undefined> }> {
    const started = env.nowMs();
    for (let attempt = 1; ; attempt += 1) {
      const attemptStarted = env.nowMs();
      let failure: GithubRequestError;
      try {
        const answer = await send();
        env.log.debug(`GitHub ${method} ${path} -> ${answer.status} (${env.nowMs() - attemptStarted} ms)`);
        return { ...answer, headers: stringHeaders(answer.headers) };
      } catch (error) {
        failure = toRequestError(method, path, error, env.log);
      }
      env.log.debug(`GitHub ${method} ${path} -> ${failure.status ?? `no answer (${failure.detail})`}`);
      const retryable = failure.status === undefined || failure.status >= 500 || failure.rateLimited;
      if (!retryable) throw failure;
      const giveUp = (why: string) =>
        new GithubRequestError(failure.method, failure.endpoint, failure.status, failure.detail, {
          rateLimit: failure.rateLimit,
          retriesExhausted: why,
        });
      const asked = askedWait(failure, env.nowMs());
      // A wait GitHub implies (a reset time, or its minute for a secondary limit) is checked against the budget
      // here; decideRetry words its own refusal for Retry-After.
      const leftMs = env.policy.budgetMs - (env.nowMs() - started);
      if (asked && asked.source !== 'Retry-After' && attempt < env.policy.maxAttempts) {
        if (asked.seconds * 1000 > leftMs) {
          throw giveUp(
            `GitHub asked to wait ${asked.seconds} s (${asked.source}), more than the ${Math.max(0, Math.round(leftMs / 1000))} s left of the ${Math.round(env.policy.budgetMs / 1000)} s retry budget`,
          );
        }
      }
      const decision = decideRetry(
        env.policy,
        env,
        { attempt, startedMs: started, retryAfterSeconds: asked?.seconds },
        'GitHub',
      );
      if ('giveUp' in decision) throw giveUp(decision.giveUp);
      env.log.debug(`retrying GitHub ${method} ${path} in ${Math.round(decision.waitMs / 100) / 10} s`);
      await env.sleep(decision.waitMs);
    }
  };
}

/** How long GitHub asked to wait before the next attempt, in seconds, by its rules for rate limits. */
function askedWait(
  failure: GithubRequestError,
  nowMs: number,
): { seconds: number; source: string } | undefined {
  const { retryAfter, remaining, reset, date } = failure.rateLimit;
  const seconds = parseRetryAfter(retryAfter, date);
  if (seconds !== undefined) return { seconds, source: 'Retry-After' };
  if (!failure.rateLimited) return undefined;
  if (remaining === '0' && reset !== undefined && /^\d+$/.test(reset.trim())) {
    const serverNow = date ? Date.parse(date) : Number.NaN;
    const reference = Number.isNaN(serverNow) ? nowMs : serverNow;
    return { seconds: Math.max(0, Math.ceil(Number(reset) - reference / 1000)), source: 'x-ratelimit-reset' };
  }
  return {
    seconds: SECONDARY_RATE_LIMIT_WAIT_SECONDS,
    source: 'a secondary rate limit without Retry-After: at least a minute, by its rules',
  };
}

function stringHeaders(
  headers: Record<string, string | number | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, value === undefined ? undefined : String(value)]),
  );
}

/**
 * Only status, GitHub's message and the retry headers survive; Octokit's error (with the request) is dropped. The
 * message is redacted of every secret of the run before it is cut to 300 characters: cutting first could leave the
 * start of a secret that an error page echoed, which redaction would no longer recognise.
 */
function toRequestError(
  method: string,
  endpoint: string,
  error: unknown,
  log: Pick<Logger, 'redact'>,
): GithubRequestError {
  const redirect = causeOf(error, GithubRedirectRefused);
  if (redirect) {
    return new GithubRequestError(method, endpoint, redirect.status, '', {
      ...(redirect.location === undefined ? {} : { redirectTo: withoutQuery(redirect.location) }),
    });
  }
  const shaped = error as {
    name?: unknown;
    response?: { status?: unknown; data?: unknown; headers?: Record<string, string | number | undefined> };
  };
  const response = shaped?.response;
  if (response && typeof response.status === 'number') {
    const data = response.data as { message?: unknown } | string | undefined;
    const text = typeof data === 'string' ? data : typeof data?.message === 'string' ? data.message : '';
    const answer = stringHeaders(response.headers ?? {});
    const rateLimit: { -readonly [K in keyof GithubRetryHeaders]: GithubRetryHeaders[K] } = {};
    if (answer['x-ratelimit-remaining'] !== undefined) rateLimit.remaining = answer['x-ratelimit-remaining'];
    if (answer['x-ratelimit-reset'] !== undefined) rateLimit.reset = answer['x-ratelimit-reset'];
    if (answer['retry-after'] !== undefined) rateLimit.retryAfter = answer['retry-after'];
    if (answer.date !== undefined) rateLimit.date = answer.date;
    return new GithubRequestError(method, endpoint, response.status, excerpt(log.redact(text.trim()), 300), {
      rateLimit,
    });
  }
  const name = typeof shaped?.name === 'string' ? shaped.name : '';
  if (name === 'TimeoutError' || name === 'AbortError' || isTimeoutCause(error)) {
    return new GithubRequestError(method, endpoint, undefined, 'no answer in time');
  }
  // Octokit wraps fetch's failure; keep only the socket error's code, never the object.
  const cause = (error as { cause?: { cause?: { code?: unknown }; code?: unknown } } | undefined)?.cause;
  const code = cause?.cause?.code ?? cause?.code;
  return new GithubRequestError(
    method,
    endpoint,
    undefined,
    typeof code === 'string' ? code : 'connection failed',
  );
}

/** The error itself or, as Octokit wraps what fetch threw, its cause. */
function causeOf<T extends Error>(error: unknown, kind: new (...args: never[]) => T): T | undefined {
  if (error instanceof kind) return error;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof kind ? cause : undefined;
}

/** Origin and path of where a redirect pointed, without its query, which could carry anything. */
function withoutQuery(location: string): string {
  const url = new URL(location);
  return `${url.origin}${url.pathname}`;
}

function isTimeoutCause(error: unknown): boolean {
  const cause = (error as { cause?: { name?: unknown } } | undefined)?.cause;
  return cause?.name === 'TimeoutError' || cause?.name === 'AbortError';
}
