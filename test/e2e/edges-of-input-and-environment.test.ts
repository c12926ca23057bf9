/**
 * Issue 7, parts 5c and 6, through the built CLI and Action: durations refused before the first request, job-wide
 * environment defaults that do not apply, a server `Date` nobody should believe, a runner without an output file, and
 * the post step's revoke checked against GitLab's state.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { ACTION_MAIN, ACTION_POST, runAction, runCli } from '../support/run-dist.js';

const TODAY = '2026-11-27';
let gitlab: GitlabEmulator;
let admin: { id: number; token: string };
let service: { id: number; token: string };

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
});
afterEach(async () => gitlab.close());

describe('6. durations are refused before the first request, saying why', () => {
  it.each([
    [
      ['--rotate-before', '999y'],
      'Input rotate-before: 999y is as long as the longest lifetime a token can have',
    ],
    [['--rotate-before', '13m'], 'Input rotate-before: 13m is as long as the longest lifetime'],
    [
      ['--rotate-before', '400d', '--max-lifetime-days', '400'],
      'Input rotate-before: 400d is as long as the longest lifetime a token can have (400 days',
    ],
    [['--rotate-before', '0d'], 'Input rotate-before: expected a duration such as 30d'],
    [['--rotate-before', '0d'], 'got "0d" (a duration of zero)'],
    [['--expires-in', '0w'], 'got "0w" (a duration of zero)'],
    [['--expires-in', '5q'], 'unknown unit "q"'],
  ])('rotate %j', async (args, message) => {
    const run = await runCli(['rotate', ...args, '--print-token'], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('unknown unit "d"');
    expect(gitlab.requests).toEqual([]);
  });
});

describe('6. environment variables set for a whole job are defaults, and one that does not apply is left out', () => {
  it.each([
    ['GITLAB_PAT_EXPIRES_IN', '90d'],
    ['GITLAB_PAT_ROTATE_BEFORE', '30d'],
    ['GITLAB_RECOVERY_TOKEN', 'glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm'],
    ['GITLAB_PAT_RECOVERY_TOKEN', 'glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm'],
    ['GITLAB_PAT_VARIABLE_KEY', 'DEPLOY_TOKEN'],
  ])('list with %s set', async (variable, value) => {
    const run = await runCli(['list'], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
      [variable]: value,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ operation: 'list', count: 1 });
  });

  it('but a flag given to the wrong operation is still an error', async () => {
    const run = await runCli(['list', '--expires-in', '90d'], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Input expires-in does not apply to operation list');
  });
});

describe('6. a server Date nobody should believe', () => {
  it('is ignored (said in debug): a token expiring in days is not "10200 days left"', async () => {
    gitlab.faults.inject({ path: /.*/, times: 50, headers: { date: 'Fri, 31 Dec 1999 23:59:59 GMT' } });
    const run = await runCli(['get', '--debug'], { GITLAB_TOKEN: service.token, GITLAB_URL: gitlab.url });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain("debug: Ignoring the server's Date header (Fri, 31 Dec 1999 23:59:59 GMT)");
    const daysLeft = (run.json as { details?: { days_left?: number } }).details?.days_left ?? 99_999;
    expect(daysLeft).toBeLessThan(30);
  });
});

/** The built Action with a runner environment, but without GITHUB_OUTPUT (an old runner, or a cleared step env). */
function runActionWithoutOutputFile(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-no-output-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    GITHUB_STATE: join(dir, 'state'),
  };
  writeFileSync(join(dir, 'state'), '');
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return new Promise<{ exitCode: number; stdout: string }>((done) => {
    execFile(process.execPath, [ACTION_MAIN], { env, timeout: 30_000 }, (error, stdout) => {
      const code = (error as { code?: unknown } | null)?.code;
      rmSync(dir, { recursive: true, force: true });
      done({ exitCode: typeof code === 'number' ? code : error ? 1 : 0, stdout });
    });
  });
}

describe('6. a runner without GITHUB_OUTPUT', () => {
  it('refuses to rotate before anything changes, instead of reporting the token stored in an output that holds ***', async () => {
    const run = await runActionWithoutOutputFile({ 'gitlab-url': gitlab.url, 'gitlab-token': service.token });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::the masked step output "token" cannot be set');
    expect(run.stdout).not.toContain('Stored the new token');
    expect(gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(gitlab.token(service.id)?.revoked).toBe(false);
  });

  it('still runs operations that make no token', async () => {
    const run = await runActionWithoutOutputFile({
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      operation: 'get',
    });
    expect(run.exitCode, run.stdout).toBe(0);
  });
});

describe("5c. the post step's revoke is done when GitLab's state says so", () => {
  async function createForTheJob() {
    const run = await runAction({
      operation: 'create',
      'gitlab-url': gitlab.url,
      'gitlab-token': admin.token,
      user: 'svc-deploy',
      name: 'ci-job',
      scopes: 'read_api',
      'expires-in': '1d',
      'revoke-after-job': 'true',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    return gitlab.tokenByValue(run.outputs.token ?? '');
  }

  it('a DELETE answered 404 while the token is still active: a warning that says to revoke it, not "already revoked"', async () => {
    const created = await createForTheJob();
    gitlab.faults.inject({
      method: 'DELETE',
      path: '/api/v4/personal_access_tokens/*',
      times: 10,
      respond: { status: 404, body: { message: '404 Not found' } },
    });
    const post = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': admin.token, operation: 'create' },
      { script: ACTION_POST, state: { 'revoke-token-id': String(created?.id) } },
    );

    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`::warning::revoke-after-job could not revoke token ${created?.id}`);
    expect(post.stdout).not.toContain('already revoked');
    expect(gitlab.token(created?.id ?? 0)?.revoked).toBe(false);
  });

  it('a DELETE answered 404 after GitLab revoked it: done', async () => {
    const created = await createForTheJob();
    gitlab.faults.inject({
      method: 'DELETE',
      path: '/api/v4/personal_access_tokens/*',
      afterCommit: { status: 404, body: { message: '404 Not found' } },
    });
    const post = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': admin.token, operation: 'create' },
      { script: ACTION_POST, state: { 'revoke-token-id': String(created?.id) } },
    );

    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('already revoked');
    expect(post.stdout).not.toContain('::warning::');
    expect(gitlab.token(created?.id ?? 0)?.revoked).toBe(true);
  });
});
