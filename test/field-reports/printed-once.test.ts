/**
 * Issue 8, kind 7: what a new user sees first says each thing once. A rotation's or creation's headline is
 * printed once (the rotation steps log their detail at debug level), and a usage error points at --help once.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runAction, runCli } from '../support/run-dist.js';
import { KEY, PROJECT, useIssueSeed } from './issue-seed.js';

const seed = useIssueSeed();
const count = (text: string, part: string) => text.split(part).length - 1;

describe('the headline of a change, once', () => {
  it('CLI rotate', async () => {
    seed.gitlab.setVariable({ project: PROJECT }, { key: KEY, value: seed.deploy.token, hidden: true });
    const run = await runCli(
      [
        'rotate',
        '--user',
        'svc-deploy',
        '--token-name',
        'deploy',
        '--variable-key',
        KEY,
        '--variable-project',
        PROJECT,
      ],
      seed.env(),
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(count(run.stderr, 'Rotated token 200')).toBe(1);
    expect(count(run.stderr, 'new id ')).toBe(1);
  });

  it('CLI create', async () => {
    const run = await runCli(
      ['create', '--user', 'svc-deploy', '--name', 'ci', '--scopes', 'read_api', '--print-token'],
      seed.env(),
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(count(run.stderr, 'Created ')).toBe(1);
  });

  it('CLI revoke, and the Action revoking', async () => {
    const cli = await runCli(['revoke', '--user', 'svc-deploy', '--token-name', 'deploy'], seed.env());
    expect(cli.exitCode, cli.stderr).toBe(0);
    expect(count(cli.stderr, 'Revoked token 200')).toBe(1);

    const other = seed.gitlab.issueToken({
      user: 'svc-deploy',
      name: 'other',
      scopes: ['api'],
      expiresAt: '2027-01-01',
    });
    const action = await runAction({
      'gitlab-url': seed.gitlab.url,
      'gitlab-token': seed.admin.token,
      operation: 'revoke',
      'token-id': String(other.id),
    });
    expect(action.exitCode, action.stdout).toBe(0);
    const shown = action.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::debug::'))
      .join('\n');
    expect(count(shown, `Revoked token ${other.id}`)).toBe(1);
  });

  it('the Action rotating itself', async () => {
    const run = await runAction({
      'gitlab-url': seed.gitlab.url,
      'gitlab-token': seed.deploy.token,
      'rotate-before': '30d',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    // What the runner shows: ::debug:: lines only with step debugging on.
    const shown = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::debug::'))
      .join('\n');
    expect(count(shown, 'Rotated token 200')).toBe(1);
  });

  it('the demo', async () => {
    const output = await new Promise<string>((done, fail) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'demo/rotate-demo.ts')],
        { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 },
        (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
      );
    });
    const firstRun = output.slice(0, output.indexOf('2. Next day'));
    expect(count(firstRun, 'Rotated token 1 ("deploy")')).toBe(1);
  }, 60_000);
});

describe('usage errors point at --help once', () => {
  it.each([
    [['bogus']],
    [['--bogus']],
    [['rotate', 'now', 'please']],
    [['list', '--expires-within', 'soon']],
  ])('gitlab-pat %j', async (args) => {
    const run = await runCli(args, { GITLAB_URL: seed.gitlab.url });
    expect(run.exitCode).toBe(2);
    expect(count(run.stderr, 'Run gitlab-pat --help')).toBe(1);
    expect(count(run.stdout, 'Run gitlab-pat --help')).toBe(0);
    expect(seed.gitlab.requests).toEqual([]);
  });
});
