/**
 * The GitHub REST calls behind the github-secret destination, through Octokit. Loaded only by runs that write a
 * GitHub secret (a dynamic import, so a chunk of its own in dist/), so that every other run starts as fast as before.
 *
 * Every call here is idempotent (GET, or PUT of a whole secret), so every one is retried after a 429, a 5xx or a lost
 * answer, bounded in attempts and time, with `Retry-After` honoured. Octokit has no retries of its own.
 */
import { Octokit } from '@octokit/core';
import type { Logger } from '../core/logger.js';
import { decideRetry, parseRetryAfter, type RetryPolicy } from '../core/retry-policy.js';
import type { GithubRepositoryRef } from './github-secret-options.js';
import { VERSION } from '../version.js';
import { GithubRequestError } from './github-request-error.js';

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

/** The secrets collection of a place, URL-encoded: environment names may contain slashes. */
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

export function createGithubSecretsApi(env: GithubApiEnvironment): GithubSecretsApi {
  const octokit = new Octokit({
    auth: env.token,
    baseUrl: env.apiUrl,
    userAgent: `gitlab-pat/${VERSION}`,
    // Octokit writes deprecation notices to the console by default; they go to the debug log instead.
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => env.log.debug(`GitHub: ${message}`),
      error: (message: string) => env.log.debug(`GitHub: ${message}`),
    },
  });
  const call = createCaller(octokit, env);

  return {
    async publicKey(place) {
      const { data, headers } = await call('GET', `${secretsPath(place)}/public-key`);
      const record = (data ?? {}) as { key_id?: unknown; key?: unknown };
      if (typeof record.key_id !== 'string' || typeof record.key !== 'string') {
        throw new GithubRequestError(
          'GET',
          `${secretsPath(place)}/public-key`,
          200,
          'no key_id and key in the answer',
        );
      }
      const scopes = headers['x-oauth-scopes'];
      return {
        keyId: record.key_id,
        key: record.key,
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
        const { data } = await call('GET', path);
        visibility = (data as { visibility: OrgSecretVisibility }).visibility;
      } catch (error) {
        if (error instanceof GithubRequestError && error.status === 404) return undefined;
        throw error;
      }
      if (visibility !== 'selected') return { visibility };
      const ids: number[] = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const { data } = await call('GET', `${path}/repositories`, { per_page: PAGE_SIZE, page });
        const answer = data as { total_count: number; repositories: { id: number }[] };
        ids.push(...answer.repositories.map((repository) => repository.id));
        if (answer.repositories.length < PAGE_SIZE || ids.length >= answer.total_count) break;
      }
      return { visibility, selectedRepositoryIds: ids };
    },

    async putSecret(place, name, sealed, access) {
      const body: Record<string, unknown> = { encrypted_value: sealed.encryptedValue, key_id: sealed.keyId };
      if (place.kind === 'organization') {
        if (!access) throw new Error('An organization secret needs its visibility.');
        body.visibility = access.visibility;
        if (access.visibility === 'selected')
          body.selected_repository_ids = access.selectedRepositoryIds ?? [];
      }
      const { status } = await call('PUT', `${secretsPath(place)}/${encodeURIComponent(name)}`, body);
      return status === 201 ? 'created' : 'updated';
    },
  };
}

interface Answer {
  readonly status: number;
  readonly data: unknown;
  readonly headers: Record<string, string | undefined>;
}

function createCaller(octokit: Octokit, env: GithubApiEnvironment) {
  return async function call(
    method: 'GET' | 'PUT',
    path: string,
    params: Record<string, unknown> = {},
  ): Promise<Answer> {
    const started = env.nowMs();
    for (let attempt = 1; ; attempt += 1) {
      const attemptStarted = env.nowMs();
      let failure: GithubRequestError;
      try {
        // The path is encoded here, so Octokit is given no {placeholders} to expand.
        const response = await octokit.request(`${method} ${path}`, {
          ...params,
          headers: { 'x-github-api-version': '2022-11-28' },
          request: { signal: AbortSignal.timeout(env.policy.attemptTimeoutMs) },
        });
        env.log.debug(`GitHub ${method} ${path} -> ${response.status} (${env.nowMs() - attemptStarted} ms)`);
        return {
          status: response.status,
          data: response.data,
          headers: response.headers as Record<string, string | undefined>,
        };
      } catch (error) {
        failure = toRequestError(method, path, error);
      }
      env.log.debug(`GitHub ${method} ${path} -> ${failure.status ?? `no answer (${failure.detail})`}`);
      const retryable = failure.status === undefined || failure.status >= 500 || failure.rateLimited;
      if (!retryable) throw failure;
      const retryAfterSeconds = parseRetryAfter(failure.rateLimit.retryAfter, undefined);
      const decision = decideRetry(
        env.policy,
        env,
        { attempt, startedMs: started, retryAfterSeconds },
        'GitHub',
      );
      if ('giveUp' in decision) {
        throw new GithubRequestError(
          failure.method,
          failure.endpoint,
          failure.status,
          failure.detail,
          failure.rateLimit,
          decision.giveUp,
        );
      }
      env.log.debug(`retrying GitHub ${method} ${path} in ${Math.round(decision.waitMs / 100) / 10} s`);
      await env.sleep(decision.waitMs);
    }
  };
}

/** Only status, GitHub's message and the rate-limit headers survive; Octokit's error (with the request) is dropped. */
function toRequestError(method: string, endpoint: string, error: unknown): GithubRequestError {
  const shaped = error as {
    name?: unknown;
    status?: unknown;
    message?: unknown;
    response?: { status?: unknown; data?: unknown; headers?: Record<string, string | undefined> };
  };
  const response = shaped?.response;
  if (response && typeof response.status === 'number') {
    const data = response.data as { message?: unknown } | string | undefined;
    const text = typeof data === 'string' ? data : typeof data?.message === 'string' ? data.message : '';
    const headers = response.headers ?? {};
    const rateLimit: { remaining?: string; retryAfter?: string } = {};
    if (headers['x-ratelimit-remaining'] !== undefined)
      rateLimit.remaining = headers['x-ratelimit-remaining'];
    if (headers['retry-after'] !== undefined) rateLimit.retryAfter = headers['retry-after'];
    return new GithubRequestError(method, endpoint, response.status, text.trim().slice(0, 300), rateLimit);
  }
  const name = typeof shaped?.name === 'string' ? shaped.name : '';
  if (name === 'TimeoutError' || name === 'AbortError' || isTimeoutCause(error)) {
    return new GithubRequestError(method, endpoint, undefined, 'no answer in time');
  }
  // Octokit wraps fetch's failure; keep only the socket error's code or short message, never the object.
  const cause = (error as { cause?: { cause?: { code?: unknown }; code?: unknown } } | undefined)?.cause;
  const code = cause?.cause?.code ?? cause?.code;
  return new GithubRequestError(
    method,
    endpoint,
    undefined,
    typeof code === 'string' ? code : 'connection failed',
  );
}

function isTimeoutCause(error: unknown): boolean {
  const cause = (error as { cause?: { name?: unknown } } | undefined)?.cause;
  return cause?.name === 'TimeoutError' || cause?.name === 'AbortError';
}
