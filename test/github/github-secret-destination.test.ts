/**
 * The github-secret destination against the GitHub emulator, through the real Octokit client: what it sends, what it
 * stores, what it says when GitHub refuses, and that no message carries the value, its sealed form or github-token.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Destination } from '../../src/core/destinations/destination.js';
import { DestinationFailure, InputError, UnchangedFailure } from '../../src/core/errors.js';
import type { NewAccessToken } from '../../src/core/tokens/access-token.js';
import { createLogger } from '../../src/core/logger.js';
import type { GithubSecretScope } from '../../src/github/github-secret-options.js';
import { SecretRegistry } from '../../src/core/redact.js';
import { githubApiUrl, githubSecretDestination } from '../../src/github/github-secret-destination.js';
import type { RetryPolicy } from '../../src/core/retry-policy.js';
import { proxyDispatcher } from '../../src/github/github-fetch.js';
import { startForwardProxy, startGithubEmulator, type GithubEmulator } from '../github-emulator/index.js';

/** A GitHub secret's preflight needs nothing the GitLab side knows. */
const NO_FACTS = { tokenResource: null, writerScopes: undefined } as const;

const NEW_TOKEN: NewAccessToken = {
  kind: 'personal',
  accessLevel: null,
  resource: null,
  id: 42,
  name: 'deploy',
  description: null,
  revoked: false,
  active: true,
  scopes: ['api'],
  userId: 7,
  createdAt: '2026-11-27T06:00:00Z',
  lastUsedAt: null,
  expiresAt: '2027-02-25',
  token: 'glpat-NewTokenValue-0123456789ab',
};

let github: GithubEmulator;
let lines: string[];
let sleeps: number[];

beforeEach(async () => {
  github = await startGithubEmulator();
  github.addRepository('octo-org/deployer', { environments: ['production', 'eu/west'] });
  github.addOrganization('octo-org');
  lines = [];
  sleeps = [];
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await github.close();
});

function destination(
  token: string,
  scope: GithubSecretScope = { kind: 'repository', repository: undefined },
  options: {
    name?: string;
    apiUrl?: string;
    defaultRepository?: string | undefined;
    retryPolicy?: RetryPolicy;
  } = {},
): Destination {
  const secrets = new SecretRegistry();
  const log = createLogger(
    {
      info: (line) => lines.push(`info: ${line}`),
      warn: (line) => lines.push(`warn: ${line}`),
      error: (line) => lines.push(`error: ${line}`),
      debug: (line) => lines.push(`debug: ${line}`),
      mask: () => undefined,
    },
    secrets,
  );
  return githubSecretDestination(
    { name: options.name ?? 'GITLAB_TOKEN', scope, token },
    {
      apiUrl: options.apiUrl ?? github.url,
      defaultRepository: 'defaultRepository' in options ? options.defaultRepository : 'octo-org/deployer',
      log,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
      ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    },
  );
}

const repoWriter = () =>
  github.issueToken({ grants: [{ repository: 'octo-org/deployer', secrets: 'write' }] });
const puts = () => github.requests.filter((request) => request.method === 'PUT');

/** The error a call threw, after checking that no secret of the run is in its message or in any log line. */
async function failure(call: Promise<unknown>, secrets: string[]): Promise<Error> {
  const error = await call.then(
    () => expect.fail('expected a failure'),
    (caught: unknown) => caught as Error,
  );
  const everything = [error.message, ...lines].join('\n');
  for (const secret of [...secrets, NEW_TOKEN.token]) expect(everything).not.toContain(secret);
  for (const request of puts()) {
    expect(everything).not.toContain((request.body as { encrypted_value: string }).encrypted_value);
  }
  return error;
}

describe('a repository secret', () => {
  it('reads the public key at preflight, then PUTs the sealed value with its key_id, which GitHub opens to the token', async () => {
    const token = repoWriter();
    const target = destination(token);
    expect(target.description).toBe('GitHub Actions secret GITLAB_TOKEN in repository octo-org/deployer');
    expect(target.durable).toBe(true);

    await target.preflight(NO_FACTS);
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /repos/octo-org/deployer/actions/secrets/public-key',
    ]);
    await target.write(NEW_TOKEN);

    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
    const [put] = puts();
    expect(put).toMatchObject({
      path: '/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN',
      status: 201,
      scheme: 'token',
      body: { key_id: github.publicKey({ repository: 'octo-org/deployer' }).keyId },
    });
    expect(Object.keys(put?.body as object).sort()).toEqual(['encrypted_value', 'key_id']);
    expect(lines.join('\n')).not.toContain(token);
  });

  it('updates an existing secret in place (204) and a second write replaces the value', async () => {
    github.setSecret({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN', 'glpat-old-value-000000000000');
    const target = destination(repoWriter());
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(puts().map((request) => request.status)).toEqual([204]);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('writes to another repository named by github-secret-repository', async () => {
    github.addRepository('octo-org/other');
    const token = github.issueToken({ grants: [{ repository: 'octo-org/other', secrets: 'write' }] });
    const target = destination(token, {
      kind: 'repository',
      repository: { owner: 'octo-org', name: 'other' },
    });
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(github.secretValue({ repository: 'octo-org/other' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('works with a GitHub Enterprise Server API root (/api/v3)', async () => {
    const target = destination(repoWriter(), undefined, { apiUrl: `${github.url}/api/v3` });
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('without GITHUB_REPOSITORY and without github-secret-repository, is an input error before any request', () => {
    expect(() => destination(repoWriter(), undefined, { defaultRepository: undefined })).toThrow(InputError);
    expect(() => destination(repoWriter(), undefined, { defaultRepository: undefined })).toThrow(
      /needs github-secret-repository \(owner\/name\) or github-secret-org: GITHUB_REPOSITORY, the default, is not set/,
    );
    expect(github.requests).toEqual([]);
  });
});

describe('an environment secret', () => {
  it('goes to the environment, its name URL-encoded', async () => {
    const token = github.issueToken({
      grants: [{ repository: 'octo-org/deployer', secrets: 'write', environments: 'write' }],
    });
    const target = destination(token, { kind: 'environment', repository: undefined, environment: 'eu/west' });
    expect(target.description).toBe(
      'GitHub Actions secret GITLAB_TOKEN in environment "eu/west" of repository octo-org/deployer',
    );
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(puts()[0]?.path).toBe('/repos/octo-org/deployer/environments/eu%2Fwest/secrets/GITLAB_TOKEN');
    expect(
      github.secretValue({ repository: 'octo-org/deployer', environment: 'eu/west' }, 'GITLAB_TOKEN'),
    ).toBe(NEW_TOKEN.token);
    expect(github.secret({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBeUndefined();
  });

  it('that does not exist stops at preflight, naming the environment', async () => {
    const token = github.issueToken({
      grants: [{ repository: 'octo-org/deployer', secrets: 'write', environments: 'write' }],
    });
    const error = await failure(
      destination(token, { kind: 'environment', repository: undefined, environment: 'staging' }).preflight(
        NO_FACTS,
      ),
      [token],
    );
    expect(error).toBeInstanceOf(UnchangedFailure);
    expect(error.message).toContain('GitHub answered 404');
    expect(error.message).toContain('its environment "staging" does not exist');
  });
});

describe('an organization secret', () => {
  const orgWriter = () => github.issueToken({ grants: [{ org: 'octo-org', secrets: 'write' }] });

  it('keeps "selected" visibility and every selected repository, across pages', async () => {
    const names = Array.from({ length: 130 }, (_, index) => `octo-org/app-${index}`);
    for (const name of names) github.addRepository(name);
    github.setSecret({ org: 'octo-org' }, 'GITLAB_TOKEN', 'glpat-old-value-000000000000', {
      visibility: 'selected',
      selectedRepositories: names,
    });
    const target = destination(orgWriter(), { kind: 'organization', org: 'octo-org' });
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);

    const stored = github.secret({ org: 'octo-org' }, 'GITLAB_TOKEN');
    expect(stored?.visibility).toBe('selected');
    expect(stored?.selectedRepositoryIds).toEqual(names.map((name) => github.repositoryId(name)));
    expect(github.secretValue({ org: 'octo-org' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
    expect(
      github.requests.filter((request) => request.path.endsWith('/repositories')).map((r) => r.query.page),
    ).toEqual(['1', '2']);
  });

  it('keeps "private" visibility', async () => {
    github.setSecret({ org: 'octo-org' }, 'GITLAB_TOKEN', 'glpat-old-value-000000000000', {
      visibility: 'private',
    });
    const target = destination(orgWriter(), { kind: 'organization', org: 'octo-org' });
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(puts()[0]?.body).toMatchObject({ visibility: 'private' });
    expect(puts()[0]?.body).not.toHaveProperty('selected_repository_ids');
    expect(github.secret({ org: 'octo-org' }, 'GITLAB_TOKEN')?.visibility).toBe('private');
  });

  it('that does not exist yet stops at preflight: gitlab-pat never chooses who may read a token', async () => {
    const token = orgWriter();
    const error = await failure(
      destination(token, { kind: 'organization', org: 'octo-org' }).preflight(NO_FACTS),
      [token],
    );
    expect(error).toBeInstanceOf(UnchangedFailure);
    expect(error.message).toContain('organization octo-org has no secret GITLAB_TOKEN');
    expect(error.message).toContain('create GITLAB_TOKEN once');
    expect(puts()).toEqual([]);
  });
});

describe('refusals say what to fix, and never carry a secret', () => {
  it("the workflow's GITHUB_TOKEN: 403 at preflight, saying it can never write secrets", async () => {
    const token = github.issueToken({ kind: 'actions' });
    const error = await failure(destination(token).preflight(NO_FACTS), [token]);
    expect(error).toBeInstanceOf(UnchangedFailure);
    expect(error.message).toContain(
      `Checking that github-token may write GitHub Actions secret GITLAB_TOKEN in repository octo-org/deployer on ${github.url} failed: GitHub answered 403 "Resource not accessible by integration".`,
    );
    expect(error.message).toContain('"Secrets: Read and write" on octo-org/deployer');
    expect(error.message).toContain("The workflow's own GITHUB_TOKEN can never write secrets");
  });

  it('a token that cannot see the repository: 404 naming the repository and github-secret-repository', async () => {
    const token = github.issueToken({ grants: [{ repository: 'octo-org/elsewhere', secrets: 'write' }] });
    const error = await failure(destination(token).preflight(NO_FACTS), [token]);
    expect(error.message).toContain('GitHub answered 404 "Not Found"');
    expect(error.message).toContain(
      'Repository octo-org/deployer does not exist or github-token cannot see it: check github-secret-repository',
    );
  });

  it('an unknown token: 401, saying to replace it', async () => {
    const token = 'github_pat_NotIssuedByTheEmulator0123456789';
    const error = await failure(destination(token).preflight(NO_FACTS), [token]);
    expect(error.message).toContain('GitHub answered 401 "Bad credentials"');
    expect(error.message).toContain('github-token was refused: it is expired, revoked or mistyped');
  });

  it('a classic token without the repo scope stops at preflight even where it may read the key', async () => {
    github.addRepository('octo-org/public-app', { visibility: 'public' });
    const token = github.issueToken({ kind: 'classic', scopes: ['public_repo', 'workflow'] });
    const error = await failure(
      destination(token, {
        kind: 'repository',
        repository: { owner: 'octo-org', name: 'public-app' },
      }).preflight(NO_FACTS),
      [token],
    );
    expect(error).toBeInstanceOf(UnchangedFailure);
    expect(error.message).toContain(
      'github-token is a classic token with the scopes public_repo, workflow, but writing repository secrets needs the repo scope',
    );
  });

  it('a classic token with repo passes', async () => {
    const target = destination(github.issueToken({ kind: 'classic', scopes: ['repo'] }));
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('a fine-grained token that may only read secrets passes preflight (GitHub cannot tell), and the write says why it failed', async () => {
    const token = github.issueToken({ grants: [{ repository: 'octo-org/deployer', secrets: 'read' }] });
    const target = destination(token);
    await target.preflight(NO_FACTS);
    const error = await failure(target.write(NEW_TOKEN), [token]);
    expect(error).toBeInstanceOf(DestinationFailure);
    expect(error.message).toContain(
      'Writing GitHub Actions secret GITLAB_TOKEN in repository octo-org/deployer on',
    );
    expect(error.message).toContain('GitHub answered 403 "Resource not accessible by personal access token"');
    expect(error.message).toContain('"Secrets: Read and write"');
  });

  it('a key that changed between preflight and write: 422, saying to run again', async () => {
    const token = repoWriter();
    const target = destination(token);
    await target.preflight(NO_FACTS);
    github.rotateKey({ repository: 'octo-org/deployer' });
    const error = await failure(target.write(NEW_TOKEN), [token]);
    expect(error).toBeInstanceOf(DestinationFailure);
    expect(error.message).toContain('GitHub answered 422');
    expect(error.message).toContain('public key for repository octo-org/deployer may have changed');
  });
});

describe('retries', () => {
  it('resends the PUT (idempotent) after 502 and 503, with backoff, and stores the value once', async () => {
    github.faults.inject({
      method: 'PUT',
      path: '/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN',
      times: 2,
      respond: { status: 502, body: { message: 'Server Error' } },
    });
    const target = destination(repoWriter());
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(puts().map((request) => request.status)).toEqual([502, 502, 201]);
    expect(sleeps).toEqual([600, 1100]);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('honours Retry-After on a 429 and on a secondary rate limit (403 with Retry-After)', async () => {
    github.faults.inject({
      method: 'GET',
      path: '/repos/octo-org/deployer/actions/secrets/public-key',
      respond: { status: 429, headers: { 'retry-after': '3' }, body: { message: 'Too Many Requests' } },
    });
    github.faults.inject({
      method: 'PUT',
      path: '/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN',
      respond: {
        status: 403,
        headers: { 'retry-after': '2' },
        body: { message: 'You have exceeded a secondary rate limit.' },
      },
    });
    const target = destination(repoWriter());
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(sleeps).toEqual([3000, 2000]);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('retries a lost answer to the PUT: the secret is written once more, with the same result', async () => {
    github.faults.inject({
      method: 'PUT',
      path: '/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN',
      afterCommit: 'drop',
    });
    const target = destination(repoWriter());
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(puts().map((request) => request.status)).toEqual([0, 204]);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('resends a PUT whose answer never came, after its attempt timed out', async () => {
    github.faults.inject({
      method: 'PUT',
      path: '/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN',
      afterCommit: 'hang',
    });
    const target = destination(repoWriter(), undefined, {
      retryPolicy: {
        maxAttempts: 4,
        budgetMs: 60_000,
        baseDelayMs: 1_000,
        maxDelayMs: 10_000,
        attemptTimeoutMs: 300,
      },
    });
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(puts().map((request) => request.status)).toEqual([0, 204]);
    expect(lines.join('\n')).toContain(
      'debug: GitHub PUT /repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN -> no answer (no answer in time)',
    );
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('gives up after 4 attempts and says so', async () => {
    github.faults.inject({
      method: 'PUT',
      path: '/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN',
      times: 10,
      respond: { status: 503, body: { message: 'Service Unavailable' } },
    });
    const token = repoWriter();
    const target = destination(token);
    await target.preflight(NO_FACTS);
    const error = await failure(target.write(NEW_TOKEN), [token]);
    expect(error).toBeInstanceOf(DestinationFailure);
    expect(puts()).toHaveLength(4);
    expect(error.message).toContain('GitHub answered 503 "Service Unavailable" (gave up after 4 attempts)');
    expect(error.message).toContain('GitHub had a problem; run again later.');
  });

  it('does not retry a refusal', async () => {
    const token = github.issueToken({ kind: 'actions' });
    await failure(destination(token).preflight(NO_FACTS), [token]);
    expect(github.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('rate limits, waited out as GitHub asks', () => {
  const putPath = '/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN';
  const serverDate = 'Fri, 27 Nov 2026 06:00:00 GMT';
  const serverSeconds = Date.parse(serverDate) / 1000;

  it('waits until x-ratelimit-reset (by the server clock) when x-ratelimit-remaining is 0', async () => {
    github.faults.inject({
      method: 'PUT',
      path: putPath,
      respond: {
        status: 403,
        headers: {
          date: serverDate,
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(serverSeconds + 7),
        },
        body: { message: 'API rate limit exceeded for user ID 1.' },
      },
    });
    const target = destination(repoWriter());
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(sleeps).toEqual([7000]);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('stops at once when the reset is beyond the retry budget, and says when', async () => {
    github.faults.inject({
      method: 'GET',
      path: '/repos/octo-org/deployer/actions/secrets/public-key',
      respond: {
        status: 429,
        headers: {
          date: serverDate,
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(serverSeconds + 2400),
        },
        body: { message: 'API rate limit exceeded for user ID 1.' },
      },
    });
    const token = repoWriter();
    const error = await failure(destination(token).preflight(NO_FACTS), [token]);
    expect(error).toBeInstanceOf(UnchangedFailure);
    expect(github.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(error.message).toContain(
      'GitHub answered 429 "API rate limit exceeded for user ID 1." (GitHub asked to wait 2400 s (x-ratelimit-reset), more than the 60 s left of the 60 s retry budget). GitHub rate-limited github-token; run again later.',
    );
  });

  it('stops at once after a secondary rate limit that names no time, as GitHub asks for a minute', async () => {
    github.faults.inject({
      method: 'PUT',
      path: putPath,
      respond: { status: 403, body: { message: 'You have exceeded a secondary rate limit.' } },
    });
    const token = repoWriter();
    const target = destination(token);
    await target.preflight(NO_FACTS);
    const error = await failure(target.write(NEW_TOKEN), [token]);
    expect(error).toBeInstanceOf(DestinationFailure);
    expect(puts()).toHaveLength(1);
    expect(error.message).toContain(
      'GitHub answered 403 "You have exceeded a secondary rate limit." (GitHub asked to wait 60 s (a secondary rate limit without Retry-After: at least a minute, by its rules), more than the 60 s left of the 60 s retry budget). GitHub rate-limited github-token; run again later.',
    );
  });

  it('waits a minute after a secondary rate limit that names no time, when the budget allows', async () => {
    github.faults.inject({
      method: 'PUT',
      path: putPath,
      respond: { status: 403, body: { message: 'You have exceeded a secondary rate limit.' } },
    });
    const target = destination(repoWriter(), undefined, {
      retryPolicy: {
        maxAttempts: 4,
        budgetMs: 120_000,
        baseDelayMs: 1_000,
        maxDelayMs: 10_000,
        attemptTimeoutMs: 30_000,
      },
    });
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    expect(sleeps).toEqual([60_000]);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('sends the writes of one token a second apart (@octokit/plugin-throttling), across destinations', async () => {
    github.addRepository('octo-org/other');
    const token = github.issueToken({
      grants: [
        { repository: 'octo-org/deployer', secrets: 'write' },
        { repository: 'octo-org/other', secrets: 'write' },
      ],
    });
    const first = destination(token);
    const second = destination(token, {
      kind: 'repository',
      repository: { owner: 'octo-org', name: 'other' },
    });
    await Promise.all([first.preflight(NO_FACTS), second.preflight(NO_FACTS)]);
    const started = performance.now();
    await Promise.all([first.write(NEW_TOKEN), second.write(NEW_TOKEN)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(puts()).toHaveLength(2);
  });
});

describe('redirects, never followed: every call carries github-token', () => {
  let elsewhere: GithubEmulator;
  beforeEach(async () => {
    elsewhere = await startGithubEmulator();
    elsewhere.addRepository('octo-org/deployer');
  });
  afterEach(async () => {
    await elsewhere.close();
  });

  it('a redirect to another server at preflight: that server receives nothing, and the message points at GITHUB_API_URL', async () => {
    github.faults.inject({
      method: 'GET',
      path: '/repos/octo-org/deployer/actions/secrets/public-key',
      respond: {
        status: 307,
        headers: {
          location: `${elsewhere.url}/repos/octo-org/deployer/actions/secrets/public-key?from=redirect`,
        },
      },
    });
    const token = repoWriter();
    const error = await failure(destination(token).preflight(NO_FACTS), [token]);
    expect(error).toBeInstanceOf(UnchangedFailure);
    expect(elsewhere.requests).toEqual([]);
    expect(github.requests).toHaveLength(1);
    expect(error.message).toContain(
      `failed: GitHub answered 307, a redirect to ${elsewhere.url}/repos/octo-org/deployer/actions/secrets/public-key, which gitlab-pat does not follow`,
    );
    expect(error.message).not.toContain('from=redirect');
    expect(error.message).toContain(`Check GITHUB_API_URL (${github.url})`);
  });

  it('a redirect of the PUT (308, which would resend the sealed token): not sent on, not retried', async () => {
    const token = repoWriter();
    const target = destination(token);
    await target.preflight(NO_FACTS);
    github.faults.inject({
      method: 'PUT',
      path: '/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN',
      respond: {
        status: 308,
        headers: { location: `${elsewhere.url}/repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN` },
      },
    });
    const error = await failure(target.write(NEW_TOKEN), [token]);
    expect(error).toBeInstanceOf(DestinationFailure);
    expect(elsewhere.requests).toEqual([]);
    expect(puts()).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(error.message).toContain('GitHub answered 308, a redirect to');
  });

  it('a renamed repository (301 to its new place on the same host) says to name it by its current name', async () => {
    github.renameRepository('octo-org/deployer', 'octo-org/deployer-v2');
    const token = repoWriter();
    const error = await failure(destination(token).preflight(NO_FACTS), [token]);
    expect(error).toBeInstanceOf(UnchangedFailure);
    expect(error.message).toContain(`GitHub answered 301, a redirect to ${github.url}/repositories/`);
    expect(error.message).toContain(
      'Repository octo-org/deployer was renamed or transferred: set github-secret-repository to its current owner/name.',
    );
    expect(github.requests).toHaveLength(1);
  });
});

describe('proxies, as the runner uses them (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)', () => {
  it('sends every call through HTTP_PROXY, and the proxy reaches GitHub', async () => {
    await using proxy = await startForwardProxy({ 'api.github.test': '127.0.0.1' });
    vi.stubEnv('HTTP_PROXY', proxy.url);
    const apiUrl = github.url.replace('127.0.0.1', 'api.github.test');
    const target = destination(repoWriter(), undefined, { apiUrl });
    await target.preflight(NO_FACTS);
    await target.write(NEW_TOKEN);
    // undici's ProxyAgent tunnels plain http too: the proxy sees where, GitHub what.
    const tunnels = new Set(proxy.requests.map((request) => `${request.method} ${request.target}`));
    expect([...tunnels]).toEqual([`CONNECT ${new URL(apiUrl).host}`]);
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /repos/octo-org/deployer/actions/secrets/public-key',
      'PUT /repos/octo-org/deployer/actions/secrets/GITLAB_TOKEN',
    ]);
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_TOKEN')).toBe(NEW_TOKEN.token);
  });

  it('tunnels https through HTTPS_PROXY, with the credentials of the proxy URL', async () => {
    await using proxy = await startForwardProxy();
    vi.stubEnv('HTTPS_PROXY', proxy.url.replace('http://', 'http://runner:s3cret@'));
    const token = repoWriter();
    const error = await failure(
      destination(token, undefined, { apiUrl: 'https://api.github.com' }).preflight(NO_FACTS),
      [token],
    );
    // The test proxy refuses every tunnel, so that nothing leaves the machine.
    expect(proxy.requests[0]).toEqual({
      method: 'CONNECT',
      target: 'api.github.com:443',
      proxyAuthorization: true,
    });
    expect(error.message).toContain('GitHub did not answer');
    expect(error.message).toContain('HTTPS_PROXY');
    expect(error.message).not.toContain('s3cret');
  });

  it('goes direct for hosts in NO_PROXY and for loopback addresses, as @actions/http-client decides', () => {
    vi.stubEnv('HTTP_PROXY', 'http://proxy.example:3128');
    vi.stubEnv('HTTPS_PROXY', 'http://proxy.example:3128');
    vi.stubEnv('NO_PROXY', 'ghe.example.com,.internal.example');
    expect(proxyDispatcher('https://api.github.com')).toBeDefined();
    expect(proxyDispatcher('http://api.github.test:8080')).toBeDefined();
    expect(proxyDispatcher('https://ghe.example.com/api/v3')).toBeUndefined();
    expect(proxyDispatcher('https://github.internal.example/api/v3')).toBeUndefined();
    expect(proxyDispatcher(github.url)).toBeUndefined();
  });
});

describe('GITHUB_API_URL', () => {
  it('is the API root when set (GitHub Enterprise Server), without a trailing slash', () => {
    expect(githubApiUrl({ GITHUB_API_URL: 'https://ghe.example.com/api/v3/' })).toBe(
      'https://ghe.example.com/api/v3',
    );
    expect(githubApiUrl({})).toBe('https://api.github.com');
  });
});
