/**
 * The bundled Action writing the new token to a GitHub Actions secret, run as a child process exactly as a runner
 * runs it, against both emulators: GitLab (test/emulator) and GitHub (test/github-emulator, via GITHUB_API_URL). The
 * last test scans everything every run here wrote for every GitLab token, every GitHub token and every sealed value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { startForwardProxy, startGithubEmulator, type GithubEmulator } from '../github-emulator/index.js';
import { findLeaks, withoutMaskCommands } from '../support/leak-scan.js';
import { ROOT, runAction, transcript } from '../support/run-dist.js';

const TODAY = '2026-11-27';
const REPOSITORY = 'octo-org/deployer';
let gitlab: GitlabEmulator;
let github: GithubEmulator;
let admin: { id: number; token: string };
let service: { id: number; token: string };
let githubToken: string;
const everySecret = new Set<string>();

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${TODAY}T06:00:00Z` });
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
  admin = gitlab.issueToken({ user: 'root', name: 'automation', scopes: ['api'], expiresAt: '2027-06-01' });
  service = gitlab.issueToken({
    user: 'svc-deploy',
    name: 'deploy',
    scopes: ['api'],
    createdAt: '2026-08-29T00:00:00Z',
    expiresAt: '2026-12-02',
  });
  github = await startGithubEmulator();
  github.addRepository(REPOSITORY, { environments: ['production'] });
  github.addOrganization('octo-org');
  githubToken = github.issueToken({
    grants: [
      { repository: REPOSITORY, secrets: 'write', environments: 'write' },
      { org: 'octo-org', secrets: 'write' },
    ],
  });
  // The secret the workflow reads gitlab-token from, as it is before the run.
  github.setSecret({ repository: REPOSITORY }, 'GITLAB_TOKEN', service.token);
});
afterEach(async () => {
  for (const value of gitlab.issuedTokenValues()) everySecret.add(value);
  for (const value of github.issuedTokenValues()) everySecret.add(value);
  for (const request of github.requests) {
    const sealed = (request.body as { encrypted_value?: unknown } | undefined)?.encrypted_value;
    if (typeof sealed === 'string') everySecret.add(sealed);
  }
  await gitlab.close();
  await github.close();
});

/** A runner's environment: the workflow's repository and the GitHub API root. */
const runner = (extra: NodeJS.ProcessEnv = {}) => ({
  env: { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: REPOSITORY, ...extra },
});
const gitlabChanges = () => gitlab.requests.filter((request) => request.method !== 'GET');

/** The commonest run here: the service account's token rotates itself into the repository secret GITLAB_TOKEN. */
const rotateIntoTheRepositorySecret = () =>
  runAction(
    {
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      'github-secret': 'GITLAB_TOKEN',
      'github-token': githubToken,
    },
    runner(),
  );

describe('the Action with github-secret', () => {
  it('rotates the token it runs with and writes the new one back to the secret it came from', async () => {
    const run = await runAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': service.token,
        'rotate-before': '30d',
        'github-secret': 'GITLAB_TOKEN',
        'github-token': githubToken,
      },
      runner(),
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const newValue = run.outputs.token ?? '';
    expect(gitlab.tokenByValue(newValue)).toMatchObject({ name: 'deploy', revoked: false });
    expect(gitlab.token(service.id)?.revoked).toBe(true);
    // What the next run reads: the new token, sealed for the repository's key.
    expect(github.secretValue({ repository: REPOSITORY }, 'GITLAB_TOKEN')).toBe(newValue);
    expect(github.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      `GET /repos/${REPOSITORY}/actions/secrets/public-key 200`,
      `PUT /repos/${REPOSITORY}/actions/secrets/GITLAB_TOKEN 204`,
    ]);
    expect(run.stdout).toContain(`::add-mask::${githubToken}`);
    expect(run.stdout).toContain(
      `Stored the new token in GitHub Actions secret GITLAB_TOKEN in repository ${REPOSITORY}.`,
    );
    expect(run.stdout).not.toContain('::warning::');
    expect(run.summary).toContain(
      `Stored in: the masked step output "token", GitHub Actions secret GITLAB_TOKEN in repository ${REPOSITORY}.`,
    );
  });

  it('stops before the rotation when GitHub refuses github-token at preflight (403: the workflow GITHUB_TOKEN)', async () => {
    const workflowToken = github.issueToken({ kind: 'actions' });
    const run = await runAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': service.token,
        'github-secret': 'GITLAB_TOKEN',
        'github-token': workflowToken,
      },
      runner(),
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      '::error::Checking that github-token may write GitHub Actions secret GITLAB_TOKEN in repository octo-org/deployer on',
    );
    expect(run.stdout).toContain('GitHub answered 403 "Resource not accessible by integration"');
    expect(run.stdout).toContain("The workflow's own GITHUB_TOKEN can never write secrets");
    expect(gitlabChanges()).toEqual([]);
    expect(gitlab.token(service.id)?.revoked).toBe(false);
    expect(run.outputs.token).toBeUndefined();
    expect(github.secretValue({ repository: REPOSITORY }, 'GITLAB_TOKEN')).toBe(service.token);
  });

  it('when the secret write fails after the rotation, fails with exit 3 naming the secret, the token in the step output', async () => {
    github.faults.inject({
      method: 'PUT',
      path: `/repos/${REPOSITORY}/actions/secrets/GITLAB_TOKEN`,
      times: 10,
      respond: { status: 403, body: { message: 'Resource not accessible by personal access token' } },
    });
    const run = await rotateIntoTheRepositorySecret();
    expect(run.exitCode).toBe(3);
    expect(gitlab.tokenByValue(run.outputs.token ?? '')?.revoked).toBe(false);
    expect(run.stdout).toContain(
      'is stored in the masked step output "token", but not in: GitHub Actions secret',
    );
    expect(run.stdout).toContain('"Secrets: Read and write"');
  });

  it('redacts an error message that echoes github-token before shortening it: no part of it is printed', async () => {
    // A proxy or WAF in front of GitHub that quotes the request's Authorization header deep in its message: cut at
    // 300 characters first, the token's first characters would survive redaction (issue 7, part 3, GitHub side).
    github.faults.inject({
      method: 'PUT',
      path: `/repos/${REPOSITORY}/actions/secrets/GITLAB_TOKEN`,
      times: 10,
      respond: {
        status: 403,
        body: {
          message: `${'Request blocked by policy. '.padEnd(274, '.')}token ${githubToken} was refused`,
        },
      },
    });
    const run = await rotateIntoTheRepositorySecret();
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain('Request blocked by policy.');
    const logged = withoutMaskCommands(`${run.stdout}\n${run.stderr}`);
    const random = githubToken.replace(/^(?:ghp_|ghs_|github_pat_)/, '');
    for (let at = 0; at + 8 <= random.length; at += 1) expect(logged).not.toContain(random.slice(at, at + 8));
  });

  it('retries the PUT after a 503 and still stores the token', async () => {
    github.faults.inject({
      method: 'PUT',
      path: `/repos/${REPOSITORY}/actions/secrets/GITLAB_TOKEN`,
      respond: { status: 503, headers: { 'retry-after': '0' }, body: { message: 'Service Unavailable' } },
    });
    const run = await rotateIntoTheRepositorySecret();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(github.secretValue({ repository: REPOSITORY }, 'GITLAB_TOKEN')).toBe(run.outputs.token);
  });

  it('writes through the proxy the runner names in HTTP_PROXY', async () => {
    await using proxy = await startForwardProxy({ 'api.github.test': '127.0.0.1' });
    const apiUrl = github.url.replace('127.0.0.1', 'api.github.test');
    const run = await runAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': service.token,
        'github-secret': 'GITLAB_TOKEN',
        'github-token': githubToken,
      },
      // GitLab calls decide by curl's rules, where loopback is proxied unless NO_PROXY names it (as a runner whose
      // GitLab is local does); GitHub calls by the runner's, where loopback is always direct.
      runner({ GITHUB_API_URL: apiUrl, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }),
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(new Set(proxy.requests.map((request) => `${request.method} ${request.target}`))).toEqual(
      new Set([`CONNECT ${new URL(apiUrl).host}`]),
    );
    expect(github.secretValue({ repository: REPOSITORY }, 'GITLAB_TOKEN')).toBe(run.outputs.token);
  });

  it('does not follow a redirect of the PUT: the server it points to receives nothing', async () => {
    await using elsewhere = await startGithubEmulator();
    elsewhere.addRepository(REPOSITORY);
    github.faults.inject({
      method: 'PUT',
      path: `/repos/${REPOSITORY}/actions/secrets/GITLAB_TOKEN`,
      respond: {
        status: 307,
        headers: { location: `${elsewhere.url}/repos/${REPOSITORY}/actions/secrets/GITLAB_TOKEN` },
      },
    });
    const run = await rotateIntoTheRepositorySecret();
    expect(run.exitCode, run.stdout + run.stderr).toBe(3);
    expect(elsewhere.requests).toEqual([]);
    expect(github.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
    expect(run.stdout).toContain(`GitHub answered 307, a redirect to ${elsewhere.url}/repos/`);
    expect(run.stdout).toContain('Check GITHUB_API_URL');
    expect(gitlab.tokenByValue(run.outputs.token ?? '')?.revoked).toBe(false);
  });

  it('creates a token for another user into an environment secret', async () => {
    const run = await runAction(
      {
        operation: 'create',
        'gitlab-url': gitlab.url,
        'gitlab-token': admin.token,
        user: 'svc-deploy',
        name: 'release',
        scopes: 'read_api',
        'github-secret': 'RELEASE_TOKEN',
        'github-secret-environment': 'production',
        'github-token': githubToken,
      },
      runner(),
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(github.secretValue({ repository: REPOSITORY, environment: 'production' }, 'RELEASE_TOKEN')).toBe(
      run.outputs.token,
    );
    expect(gitlab.tokenByValue(run.outputs.token ?? '')).toMatchObject({ name: 'release' });
  });

  it('keeps the selected repositories of an organization secret', async () => {
    github.addRepository('octo-org/other');
    github.setSecret({ org: 'octo-org' }, 'GITLAB_TOKEN', service.token, {
      visibility: 'selected',
      selectedRepositories: [REPOSITORY, 'octo-org/other'],
    });
    const run = await runAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': service.token,
        'github-secret': 'GITLAB_TOKEN',
        'github-secret-org': 'octo-org',
        'github-token': githubToken,
      },
      runner(),
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(github.secret({ org: 'octo-org' }, 'GITLAB_TOKEN')).toMatchObject({
      visibility: 'selected',
      selectedRepositoryIds: [github.repositoryId(REPOSITORY), github.repositoryId('octo-org/other')],
    });
    expect(github.secretValue({ org: 'octo-org' }, 'GITLAB_TOKEN')).toBe(run.outputs.token);
  });

  it.each<{ inputs: Record<string, string>; env?: NodeJS.ProcessEnv; message: string }>([
    { inputs: { 'github-secret': 'GITLAB_TOKEN' }, message: 'Input github-secret needs github-token' },
    {
      inputs: {
        'github-secret': 'GITLAB_TOKEN',
        'github-token': 'github_pat_ForContradictions0123456789',
        'github-secret-repository': REPOSITORY,
        'github-secret-org': 'octo-org',
      },
      message: 'Inputs github-secret-repository and github-secret-org',
    },
    {
      inputs: { 'github-secret': 'GITHUB_PAT', 'github-token': 'github_pat_ForContradictions0123456789' },
      message: 'Input github-secret: expected a GitHub secret name',
    },
    {
      inputs: { 'github-secret-environment': 'production' },
      message: 'Input github-secret-environment needs github-secret',
    },
    {
      inputs: { 'github-secret': 'GITLAB_TOKEN', 'github-token': 'github_pat_ForContradictions0123456789' },
      env: { GITHUB_REPOSITORY: '' },
      message: 'GITHUB_REPOSITORY, the default, is not set',
    },
  ])('refuses before any request to GitLab or GitHub: $message', async ({ inputs, env, message }) => {
    const run = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': service.token, ...inputs },
      runner(env),
    );
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain(message);
    expect(gitlab.requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });

  it('leaks nothing with step debug logging on, and logs the GitHub calls without values', async () => {
    const run = await runAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': service.token,
        'github-secret': 'GITLAB_TOKEN',
        'github-token': githubToken,
      },
      runner({ ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }),
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(
      `::debug::GitHub PUT /repos/${REPOSITORY}/actions/secrets/GITLAB_TOKEN -> 204`,
    );
  });
});

describe('the Action without a durable destination', () => {
  it('warns that a self-rotation left the secret with the revoked token', async () => {
    const run = await runAction({ 'gitlab-url': gitlab.url, 'gitlab-token': service.token }, runner());
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      /::warning::gitlab-token rotated itself; the new token is in the masked step output "token", but not in the secret gitlab-token came from/,
    );
    expect(run.stdout).toContain('set github-secret (with github-token) to that secret');
    expect(github.requests).toEqual([]);
  });

  it('warns also when the token rotated itself by name into a GitLab variable: the GitHub secret is still stale', async () => {
    gitlab.addProject({ path: 'platform/deployer', members: [{ user: 'svc-deploy', accessLevel: 40 }] });
    const run = await runAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': service.token,
        'token-name': 'deploy',
        'variable-key': 'DEPLOY_TOKEN',
        'variable-project': 'platform/deployer',
      },
      runner(),
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      /::warning::gitlab-token rotated itself; the new token is in .*CI\/CD variable DEPLOY_TOKEN/,
    );
  });

  it('warns on a dry run too, and not when nothing was due', async () => {
    const dry = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': service.token, 'dry-run': 'true' },
      runner(),
    );
    expect(dry.stdout).toMatch(/::warning::A real run would rotate gitlab-token itself/);
    const notDue = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': service.token, 'rotate-before': '2d' },
      runner(),
    );
    expect(notDue.exitCode).toBe(0);
    expect(notDue.stdout).not.toContain('::warning::');
  });
});

describe('the bundle', () => {
  const bundle = (path: string) => readFileSync(join(ROOT, 'dist', path), 'utf8');

  it('keeps Octokit, undici and libsodium out of the entries: dist/github-secrets has them, imported only for github-secret', () => {
    const githubSecrets = bundle('github-secrets/index.js');
    for (const entry of ['main', 'post', 'cli']) {
      const files = readdirSync(join(ROOT, 'dist', entry)).filter((name) => name.endsWith('.js'));
      const text = files.map((name) => bundle(`${entry}/${name}`)).join('\n');
      for (const marker of ['octokit-core.js', 'undici', 'libsodium']) {
        expect(text, `${entry} holds ${marker}`).not.toContain(marker);
        expect(githubSecrets).toContain(marker);
      }
    }
    // One dynamic import, left as written: from dist/main/ it reaches dist/github-secrets/index.js.
    expect(bundle('main/index.js').match(/import\("\.\.\/github-secrets\/index\.js"\)/g)).toHaveLength(1);
  });

  it("bundles the real @actions/http-client for GitHub, and the entries only @actions/core's OIDC client as a stub", () => {
    expect(bundle('main/index.js')).toContain('gitlab-pat does not bundle @actions/http-client');
    const githubSecrets = bundle('github-secrets/index.js');
    expect(githubSecrets).not.toContain('gitlab-pat does not bundle');
    expect(githubSecrets).toContain('https_proxy');
  });
});

describe('secrets', () => {
  it('no GitLab token, GitHub token or sealed value reached any output of any run above', () => {
    expect(everySecret.size).toBeGreaterThan(15);
    expect(transcript.length).toBeGreaterThan(20);
    expect(findLeaks(transcript.join('\n'), everySecret)).toEqual([]);
  });
});

afterAll(() => {
  transcript.length = 0;
});
