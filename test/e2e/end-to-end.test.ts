/**
 * The bundled Action and CLI, run as child processes exactly as a runner runs them, against the emulator. The last
 * test scans everything every run here wrote for every token value any emulator issued.
 */
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import { ACTION_POST, runAction, runCli, transcript } from '../support/run-dist.js';

const TODAY = '2026-11-27';
let gitlab: GitlabEmulator;
let admin: { id: number; token: string };
let service: { id: number; token: string };
const everyIssuedValue = new Set<string>();

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
afterEach(async () => {
  for (const value of gitlab.issuedTokenValues()) everyIssuedValue.add(value);
  await gitlab.close();
});

const mutating = () => gitlab.requests.filter((request) => request.method !== 'GET');

describe('the Action', () => {
  it('rotates an expiring service-account token, masks it first and sets every output', async () => {
    const run = await runAction({
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      'rotate-before': '30d',
    });
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    const newToken = gitlab.tokenByValue(run.outputs.token ?? '');
    expect(newToken).toMatchObject({ name: 'deploy', revoked: false, expiresAt: '2027-03-02' });
    expect(run.outputs).toMatchObject({
      'token-id': String(newToken?.id),
      'token-name': 'deploy',
      'expires-at': '2027-03-02',
      'previous-token-id': String(service.id),
      rotated: 'true',
    });
    // The first thing the run writes that mentions the value is the mask command.
    const firstMention = run.stdout.indexOf(run.outputs.token ?? '');
    expect(run.stdout.slice(0, firstMention)).toMatch(/::add-mask::$/);
    expect(run.summary).toContain('### gitlab-pat rotate');
    expect(run.summary).toContain('| deploy |');
  });

  it('does nothing while the token is not due, with rotated=false and no mutating request', async () => {
    const run = await runAction({
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      'rotate-before': '2d',
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ rotated: 'false', 'token-id': String(service.id) });
    expect(run.outputs.token).toBeUndefined();
    expect(mutating()).toEqual([]);
  });

  it('lists tokens with a job summary that flags the ones expiring soon', async () => {
    gitlab.issueToken({
      user: 'svc-deploy',
      name: 'registry',
      scopes: ['read_registry'],
      expiresAt: '2027-10-01',
    });
    const run = await runAction({
      operation: 'list',
      'gitlab-url': gitlab.url,
      'gitlab-token': admin.token,
      user: 'svc-deploy',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.count).toBe('2');
    const tokens = JSON.parse(run.outputs.tokens ?? '[]') as { name: string; days_left: number }[];
    expect(tokens.map((token) => [token.name, token.days_left])).toEqual([
      ['deploy', 5],
      ['registry', 308],
    ]);
    expect(run.summary).toMatch(/\| deploy \| \d+ \| api \| 2026-12-02 \| ⚠️ \*\*5\*\* \|/);
    expect(run.summary).toContain('1 token expires within 30 days');
    expect(run.summary).toContain('| name | id | scopes | expires | days left | last used | state |');
  });

  it('gets a token by name', async () => {
    const run = await runAction({
      operation: 'get',
      'gitlab-url': gitlab.url,
      'gitlab-token': admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
    });
    expect(run.outputs).toMatchObject({ 'token-id': String(service.id), 'expires-at': '2026-12-02' });
  });

  it('creates a token for another user and revokes it in the post step', async () => {
    const run = await runAction({
      operation: 'create',
      'gitlab-url': gitlab.url,
      'gitlab-token': admin.token,
      user: 'svc-deploy',
      name: 'ci-job',
      scopes: 'read_api, read_repository',
      'expires-in': '1d',
      'revoke-after-job': 'true',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const created = gitlab.tokenByValue(run.outputs.token ?? '');
    expect(created).toMatchObject({
      name: 'ci-job',
      scopes: ['read_api', 'read_repository'],
      // At least a day from 06:00: GitLab ends a token at 00:00 UTC of its date, so 1d is the day after tomorrow.
      expiresAt: '2026-11-29',
    });
    expect(run.state['revoke-token-id']).toBe(String(created?.id));

    const post = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': admin.token, operation: 'create' },
      { script: ACTION_POST, state: { 'revoke-token-id': String(created?.id) } },
    );
    expect(post.exitCode, post.stdout).toBe(0);
    expect(gitlab.token(created?.id ?? 0)?.revoked).toBe(true);
  });

  it('runs the post step after every job, and without a token to revoke it does nothing at all', async () => {
    gitlab.clearRequests();
    const post = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': admin.token, operation: 'rotate' },
      { script: ACTION_POST },
    );
    expect(post).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(gitlab.requests).toEqual([]);
  });

  it('refuses revoke-after-job with variable-key, whose variable would hold a revoked token', async () => {
    const run = await runAction({
      operation: 'create',
      'gitlab-url': gitlab.url,
      'gitlab-token': admin.token,
      name: 'job-only',
      scopes: 'read_api',
      'variable-key': 'JOB_TOKEN',
      'variable-project': 'platform/deployer',
      'revoke-after-job': 'true',
    });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('Inputs variable-key and revoke-after-job contradict each other');
    expect(gitlab.requests).toEqual([]);
  });

  it('revokes a token, and treats an already revoked one as done', async () => {
    const first = await runAction({
      operation: 'revoke',
      'gitlab-url': gitlab.url,
      'gitlab-token': admin.token,
      'token-id': String(service.id),
    });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(gitlab.token(service.id)?.revoked).toBe(true);
    const again = await runAction({
      operation: 'revoke',
      'gitlab-url': gitlab.url,
      'gitlab-token': admin.token,
      'token-id': String(service.id),
    });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('already revoked');
  });

  it('fails on bad input before the first request, naming the input and never echoing the token', async () => {
    const run = await runAction({
      operation: 'rotate',
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      'expires-in': '3 months',
    });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(/::error::Input expires-in: expected a duration such as 30d/);
    expect(gitlab.requests).toEqual([]);
  });

  it('explains a revoked credential', async () => {
    const revoked = gitlab.issueToken({ user: 'svc-deploy', name: 'old', scopes: ['api'], revoked: true });
    const run = await runAction({ 'gitlab-url': gitlab.url, 'gitlab-token': revoked.token });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /::error::Reading the credential \(gitlab-token\) on http:\/\/127\.0\.0\.1:\d+ failed: GitLab answered 401/,
    );
    expect(run.stdout).toContain('has been revoked');
  });

  it('explains a missing scope', async () => {
    const readOnly = gitlab.issueToken({ user: 'svc-deploy', name: 'ro', scopes: ['read_api'] });
    const run = await runAction({
      operation: 'create',
      'gitlab-url': gitlab.url,
      'gitlab-token': readOnly.token,
      name: 'x',
      scopes: 'api',
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::');
    // GitLab's own refusal answers (a refused create changes nothing): no token was made.
    expect(mutating().map((request) => request.status)).toEqual([403]);
    expect(run.stdout).toContain('insufficient_scope');
    expect(gitlab.activeTokens('svc-deploy').map((token) => token.name)).not.toContain('x');
  });

  it('explains a token id that does not exist', async () => {
    const run = await runAction({
      operation: 'get',
      'gitlab-url': gitlab.url,
      'gitlab-token': admin.token,
      'token-id': '999',
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/Token 999 does not exist/);
  });

  it('reports a dry run without changing anything', async () => {
    const run = await runAction({
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      'dry-run': 'true',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ rotated: 'false' });
    expect(run.stdout).toContain('Dry run: would rotate token');
    expect(mutating()).toEqual([]);
  });

  it('rotates into a masked, hidden GitLab CI/CD variable', async () => {
    gitlab.addProject({ path: 'platform/deployer', members: [{ user: 'svc-deploy', accessLevel: 40 }] });
    const run = await runAction({
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      'variable-key': 'DEPLOY_TOKEN',
      'variable-project': 'platform/deployer',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const [variable] = gitlab.variables({ project: 'platform/deployer' });
    expect(variable).toMatchObject({ key: 'DEPLOY_TOKEN', masked: true, hidden: true, protected: true });
    expect(variable?.value).toBe(run.outputs.token);
    expect(run.summary).toContain('CI/CD variable DEPLOY_TOKEN in project platform/deployer');
  });

  it('when the variable write fails after the rotation, the token is in the masked output and the fallback, exit 3', async () => {
    gitlab.addProject({ path: 'platform/deployer', members: [{ user: 'svc-deploy', accessLevel: 40 }] });
    gitlab.setVariable(
      { project: 'platform/deployer' },
      { key: 'DEPLOY_TOKEN', value: service.token, hidden: true },
    );
    gitlab.faults.inject({
      method: 'PUT',
      path: '/api/v4/projects/*/variables/DEPLOY_TOKEN',
      times: 20,
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const run = await runAction({
      'gitlab-url': gitlab.url,
      'gitlab-token': service.token,
      'variable-key': 'DEPLOY_TOKEN',
      'variable-project': 'platform/deployer',
    });
    expect(run.exitCode).toBe(3);
    expect(gitlab.tokenByValue(run.outputs.token ?? '')?.revoked).toBe(false);
    expect(run.stdout).toContain('::error::The new token');
    expect(run.stdout).toContain('is stored in the masked step output "token"');
    // The step output lives only as long as the workflow run; the fallback variable outlives it.
    const fallback = gitlab
      .variables({ project: 'platform/deployer' })
      .find((variable) => variable.key === 'DEPLOY_TOKEN_FALLBACK');
    expect(fallback).toMatchObject({ hidden: true, masked: true, value: run.outputs.token });
    expect(run.stdout).toContain('CI/CD variable DEPLOY_TOKEN_FALLBACK in project platform/deployer');
  });

  it('leaks nothing with step debug logging on', async () => {
    const run = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': service.token },
      { env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('::debug::POST /personal_access_tokens/self/rotate -> 200');
  });
});

describe('the CLI', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: gitlab-pat <operation> [options]');
    expect(help.stdout).toContain('--rotate-before');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rotates and prints the token only when asked to', async () => {
    const run = await runCli(['rotate', '--gitlab-url', gitlab.url, '--print-token'], {
      GITLAB_TOKEN: service.token,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const json = run.json as Record<string, unknown>;
    expect(gitlab.tokenByValue(String(json.token))?.id).toBe(json['token-id']);
    expect(json).toMatchObject({ operation: 'rotate', rotated: true, 'previous-token-id': service.id });
  });

  it('refuses to make a token it could not deliver', async () => {
    const run = await runCli(['rotate', '--gitlab-url', gitlab.url], { GITLAB_TOKEN: service.token });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('nowhere to put it');
    expect(gitlab.requests).toEqual([]);
  });

  it('refuses --print-token inside GitLab CI, where the job log cannot mask it', async () => {
    const run = await runCli(['rotate', '--print-token'], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
      GITLAB_CI: 'true',
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--print-token is refused in GitLab CI');
    expect(gitlab.requests).toEqual([]);
  });

  it('lists as JSON on stdout', async () => {
    const run = await runCli(['list', '--expires-within', '30d'], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      operation: 'list',
      count: 1,
      tokens: [{ id: service.id, days_left: 5 }],
    });
  });

  it.each([
    [['rotat'], 2, 'Unknown operation "rotat"'],
    [['get', '--token-id', 'abc'], 2, 'Input token-id'],
    [['get', '--tokenid', '1'], 2, 'Did you mean --token-id?'],
    [['get', '--token-id'], 2, '--token-id needs a value'],
    [
      ['rotate', '--dry-run', 'false'],
      2,
      'follows a flag that takes no value: write --flag to turn it on, or --flag=false',
    ],
  ])('exits %j with %i and says why', async (args, code, message) => {
    const run = await runCli(args, { GITLAB_TOKEN: service.token, GITLAB_URL: gitlab.url });
    expect(run.exitCode).toBe(code);
    expect(run.stderr).toContain(message);
    expect(gitlab.requests).toEqual([]);
  });

  it('warns about a GITLAB_PAT_ variable that names no option', async () => {
    const run = await runCli(['get'], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
      GITLAB_PAT_ROTATE_BEFOR: '30d',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'The environment variable GITLAB_PAT_ROTATE_BEFOR names no option and is ignored',
    );
  });

  it('exits 1 when GitLab refuses, and leaks nothing in debug mode', async () => {
    const run = await runCli(['get', '--token-id', String(admin.id), '--debug'], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('debug: GET /personal_access_tokens/');
    expect(run.stderr).toContain('401');
  });

  it('treats shell metacharacters in inputs as data', async () => {
    const marker = `/tmp/gitlab-pat-pwned-${process.pid}`;
    const run = await runCli(['get', '--token-name', `$(touch ${marker}); \`touch ${marker}\``], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`token named "$(touch ${marker}); \`touch ${marker}\`" belongs to`);
    expect(existsSync(marker)).toBe(false);
  });

  it('prints a failure as JSON too, with the token that changed, when a destination failed after the rotation', async () => {
    gitlab.addProject({ path: 'platform/deployer', members: [{ user: 'svc-deploy', accessLevel: 40 }] });
    gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/projects/*/variables',
      times: 20,
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const run = await runCli(
      [
        'rotate',
        '--variable-key',
        'DEPLOY_TOKEN',
        '--variable-project',
        'platform/deployer',
        '--print-token',
      ],
      { GITLAB_TOKEN: service.token, GITLAB_URL: gitlab.url },
    );
    expect(run.exitCode).toBe(3);
    const fresh = gitlab.activeTokens('svc-deploy')[0];
    expect(run.json).toEqual({
      operation: 'rotate',
      'exit-code': 3,
      'token-id': fresh?.id,
      'token-name': 'deploy',
      'expires-at': fresh?.expiresAt,
      'stored-in': ['stdout (--print-token)'],
      // Where the message says the token is, it is.
      token: fresh?.value,
    });
  });

  it('reads the recovery credential from the variable named by --recovery-token-variable', async () => {
    const run = await runCli(
      ['rotate', '--recovery-token-variable', 'ADMIN_TOKEN', '--print-token', '--dry-run'],
      {
        GITLAB_TOKEN: service.token,
        GITLAB_URL: gitlab.url,
        ADMIN_TOKEN: admin.token,
      },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    // The recovery credential was checked in preflight: it read the managed token.
    expect(gitlab.requests.some((request) => request.authTokenId === admin.id)).toBe(true);
    const missing = await runCli(['rotate', '--recovery-token-variable', 'NOPE', '--print-token'], {
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(
      'Input recovery-token-variable names NOPE, but no such environment variable is set',
    );
  });

  it('warns in GitLab CI when the credential rotated itself into another variable than its own', async () => {
    gitlab.addProject({ path: 'platform/deployer', members: [{ user: 'svc-deploy', accessLevel: 40 }] });
    const run = await runCli(['rotate', '--variable-key', 'DEPLOY_TOKEN'], {
      GITLAB_CI: 'true',
      CI_PROJECT_ID: String(gitlab.project('platform/deployer')?.id),
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'warning: gitlab-token rotated itself (it came from GITLAB_TOKEN), and the new token went to the variable DEPLOY_TOKEN; GITLAB_TOKEN still holds the old token',
    );
  });

  it('masks the new token for a GitHub runner when run from a run: step with --print-token', async () => {
    const run = await runCli(['rotate', '--print-token'], {
      GITHUB_ACTIONS: 'true',
      GITLAB_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const value = String((run.json as { token?: unknown }).token);
    expect(run.stderr.split('\n')[0]).toBe(`::add-mask::${value}`);
  });

  it('reads the credential from the variable named by --gitlab-token-variable', async () => {
    const run = await runCli(['get', '--gitlab-token-variable', 'DEPLOY_TOKEN'], {
      DEPLOY_TOKEN: service.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ 'token-id': service.id });
  });
});

describe('secrets', () => {
  it('no token value, raw or encoded, reached any output of any run above', () => {
    expect(everyIssuedValue.size).toBeGreaterThan(10);
    expect(transcript.length).toBeGreaterThan(20);
    expect(findLeaks(transcript.join('\n'), everyIssuedValue)).toEqual([]);
  });
});

afterAll(() => {
  transcript.length = 0;
});
