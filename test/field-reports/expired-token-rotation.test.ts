/**
 * Issue 8, kind 3: refusing what GitLab allows. GitLab's rotate refuses only a revoked token
 * (PersonalAccessTokens::RotateService); an expired one is rotated for a credential that may manage it, which is how
 * teams recover after a weekend of expiries. The refusals left in the tool are GitLab's own rules said early
 * (a revoked token, a self-rotation without api or self_rotate, an expiry date that is already past); everything
 * else is left to GitLab's answer, explained.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { runCore, type CoreRun } from '../support/run-core.js';
import { runCli } from '../support/run-dist.js';
import { KEY, PROJECT, useIssueSeed } from './issue-seed.js';

// Token 200 expired yesterday: it stopped working at 2026-11-29 00:00 UTC.
const seed = useIssueSeed({ deployExpiresAt: '2026-11-29' });
const exitCodeOf = (run: CoreRun) => (run.error ? ((run.error as { exitCode?: number }).exitCode ?? -1) : 0);
const rotations = () => seed.gitlab.requests.filter((request) => request.path.endsWith('/rotate'));

function holdDeployTokenInVariable() {
  seed.gitlab.setVariable({ project: PROJECT }, { key: KEY, value: seed.deploy.token, hidden: true });
}

describe('an administrator rotates an expired, unrevoked token', () => {
  it("by id, the issue's command: GitLab rotates it and the variable gets the new token", async () => {
    holdDeployTokenInVariable();
    const run = await runCli(
      [
        'rotate',
        '--token-id',
        '200',
        '--expires-in',
        '90d',
        '--variable-key',
        'DEPLOY_TOKEN',
        '--variable-project',
        'platform/deployer',
      ],
      seed.env(),
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(rotations().map((request) => [request.path, request.status])).toEqual([
      ['/api/v4/personal_access_tokens/200/rotate', 200],
    ]);
    const [variable] = seed.gitlab.variables({ project: PROJECT });
    expect(seed.gitlab.tokenByValue(variable?.value ?? '')).toMatchObject({
      name: 'deploy',
      revoked: false,
      expiresAt: '2027-03-01',
    });
    expect(seed.gitlab.token(200)?.revoked).toBe(true);
    expect(run.json).toMatchObject({ rotated: true, 'previous-token-id': 200 });
  });

  it('by name: the expired token is found, and the run says so', async () => {
    holdDeployTokenInVariable();
    const run = await runCli(
      [
        'rotate',
        '--user',
        'svc-deploy',
        '--token-name',
        'deploy',
        '--expires-in',
        '90d',
        '--variable-key',
        'DEPLOY_TOKEN',
        '--variable-project',
        'platform/deployer',
      ],
      seed.env(),
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'token 200 ("deploy") expired on 2026-11-29 and is not revoked, so GitLab lets a credential that may manage it rotate it',
    );
    expect(rotations()).toHaveLength(1);
    expect(seed.gitlab.token(200)?.revoked).toBe(true);
  });

  it('by name with rotate-before: an expired token is due', async () => {
    const run = await runCore(seed.gitlab, {
      'gitlab-token': seed.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
      'rotate-before': '30d',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.result).toMatchObject({ rotated: true, previousTokenId: 200 });
  });

  it("by name without user: says that the name was looked for among the credential's own tokens", async () => {
    const run = await runCli(['rotate', '--token-name', 'deploy', '--print-token'], seed.env());
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain('belongs to the caller');
    expect(run.stderr).toContain("Without user, token-name looks among the credential's own tokens");
    expect(rotations()).toEqual([]);
  });

  it('get by name shows the expired token instead of saying there is none', async () => {
    const run = await runCli(['get', '--user', 'svc-deploy', '--token-name', 'deploy'], seed.env());
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ 'token-id': 200, details: { state: 'expired' } });
  });

  it('lists the ids when several expired tokens share the name, newest first', async () => {
    const older = seed.gitlab.issueToken({
      user: 'svc-deploy',
      name: 'deploy',
      scopes: ['api'],
      expiresAt: '2026-10-01',
    });
    const run = await runCore(seed.gitlab, {
      'gitlab-token': seed.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(`ids ${older.id} (expired 2026-10-01), 200 (expired 2026-11-29)`);
    expect(rotations()).toEqual([]);
  });
});

describe('everything expired over the weekend: rotate them all', () => {
  it('rotates every expired token of several service accounts by name, and refuses only the revoked one', async () => {
    const accounts = ['svc-build', 'svc-release', 'svc-docs'];
    for (const username of accounts) {
      seed.gitlab.addUser({ username, serviceAccount: true });
      seed.gitlab.issueToken({ user: username, name: 'ci', scopes: ['api'], expiresAt: '2026-11-28' });
    }
    seed.gitlab.addUser({ username: 'svc-gone', serviceAccount: true });
    const gone = seed.gitlab.issueToken({
      user: 'svc-gone',
      name: 'ci',
      scopes: ['api'],
      expiresAt: '2026-11-28',
      revoked: true,
    });

    for (const username of accounts) {
      const run = await runCli(
        [
          'rotate',
          '--user',
          username,
          '--token-name',
          'ci',
          '--rotate-before',
          '30d',
          '--expires-in',
          '90d',
          '--print-token',
        ],
        seed.env(),
      );
      expect(run.exitCode, `${username}: ${run.stderr}`).toBe(0);
      const [fresh, ...others] = seed.gitlab.activeTokens(username);
      expect(others).toEqual([]);
      expect(fresh).toMatchObject({ name: 'ci', expiresAt: '2027-03-01' });
    }

    const revokedRun = await runCore(seed.gitlab, {
      'gitlab-token': seed.admin.token,
      'token-id': String(gone.id),
      'expires-in': '90d',
    });
    expect(exitCodeOf(revokedRun)).toBe(ExitCode.failedUnchanged);
    expect(revokedRun.error?.message).toContain('is revoked, so it cannot be rotated');
    expect(rotations().filter((request) => request.path.includes(`/${gone.id}/`))).toEqual([]);
  });
});

describe('refusals left to GitLab', () => {
  it('a credential selected by name rotates itself through `self`, which GitLab allows with only self_rotate', async () => {
    const own = seed.gitlab.issueToken({
      user: 'svc-deploy',
      name: 'self-rotating',
      scopes: ['self_rotate', 'read_api'],
      expiresAt: '2026-12-05',
    });
    const run = await runCore(seed.gitlab, {
      'gitlab-token': own.token,
      user: 'svc-deploy',
      'token-name': 'self-rotating',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(rotations().map((request) => [request.path, request.status])).toEqual([
      ['/api/v4/personal_access_tokens/self/rotate', 200],
    ]);
  });

  it("a project token's refused scope is GitLab's answer, explained with the likely rule", async () => {
    seed.gitlab.addMember({ project: PROJECT }, 'root', 50);
    const run = await runCore(seed.gitlab, {
      operation: 'create',
      'gitlab-token': seed.admin.token,
      'token-kind': 'project',
      project: PROJECT,
      name: 'reader',
      scopes: 'read_user',
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('answered 400');
    expect(run.error?.message).toContain('Project access tokens cannot have the scope read_user');
    expect(seed.gitlab.resourceTokens({ project: PROJECT })).toEqual([]);
  });
});
