/**
 * GitHub's local runner for actions, `@github/local-action`, runs the Action's TypeScript entries the way the README's
 * Development section says (`npx @github/local-action run . src/github/main.ts .env --post src/github/post.ts`),
 * against the GitLab emulator: it imports src/github/main.ts and src/github/post.ts, replaces @actions/core with its
 * own, and calls their exported `run()`. Slow-ish (local-action starts tsx and asks npm where @actions/core is):
 * about four seconds a run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import { ROOT } from '../support/run-dist.js';

const LOCAL_ACTION = join(ROOT, 'node_modules/@github/local-action/bin/local-action.js');

let gitlab: GitlabEmulator;
let dir: string;
let deploy: { id: number; token: string };
let admin: { id: number; token: string };

beforeEach(async () => {
  gitlab = await startEmulator({ now: '2026-11-27T06:00:00Z' });
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
  gitlab.addProject({ path: 'acme/deployer', members: [{ user: 'svc-deploy', accessLevel: 40 }] });
  admin = gitlab.issueToken({ user: 'root', name: 'automation', scopes: ['api'], expiresAt: '2027-06-01' });
  deploy = gitlab.issueToken({
    user: 'svc-deploy',
    name: 'deploy',
    scopes: ['api'],
    createdAt: '2026-08-29T00:00:00Z',
    expiresAt: '2026-12-02',
  });
  dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-local-action-'));
});
afterEach(async () => {
  await gitlab.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the .env local-action reads (INPUT_<NAME>, hyphens kept, as the runner names them) and runs it. */
function runLocalAction(inputs: Record<string, string>, entries: string[]) {
  const dotenv = join(dir, '.env');
  writeFileSync(
    dotenv,
    Object.entries(inputs)
      .map(([name, value]) => `INPUT_${name.toUpperCase()}=${value}\n`)
      .join(''),
  );
  // A clean environment: no INPUT_* or GITHUB_* of whatever runs this test.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', NO_COLOR: '1' };
  return new Promise<{ exitCode: number; log: string }>((done) => {
    execFile(
      process.execPath,
      [LOCAL_ACTION, 'run', '.', ...entries, dotenv],
      { cwd: ROOT, env, timeout: 90_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        done({ exitCode: code, log: stdout + stderr });
      },
    );
  });
}

describe('npx @github/local-action run . src/github/main.ts .env', () => {
  it('rotates the token into a CI/CD variable with the Action source, and leaks no token', async () => {
    const run = await runLocalAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': deploy.token,
        'rotate-before': '30d',
        'variable-key': 'DEPLOY_TOKEN',
        'variable-project': 'acme/deployer',
      },
      ['src/github/main.ts'],
    );
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).not.toContain('does not export a run() function');
    expect(run.log).not.toContain('gitlab-pat crashed');

    const [fresh] = gitlab.activeTokens('svc-deploy');
    expect(gitlab.token(deploy.id)?.revoked).toBe(true);
    expect(fresh).toMatchObject({ name: 'deploy', previousTokenId: deploy.id });
    const variable = gitlab.variables({ project: 'acme/deployer' }).find((v) => v.key === 'DEPLOY_TOKEN');
    expect(variable?.value).toBe(fresh?.value);
    expect(gitlab.requests.filter((request) => request.path.endsWith('/rotate'))).toHaveLength(1);
    // local-action prints the outputs it was given; `token` is not one of them, since it was registered a secret.
    expect(run.log).toMatch(/'rotated'\s*│\s*'true'/);
    expect(run.log).toMatch(new RegExp(`'token-id'\\s*│\\s*'${fresh?.id}'`));
    expect(findLeaks(run.log, gitlab.issuedTokenValues())).toEqual([]);
  }, 120_000);

  it('runs the post step too: a token created with revoke-after-job is revoked', async () => {
    const run = await runLocalAction(
      {
        operation: 'create',
        'gitlab-url': gitlab.url,
        'gitlab-token': admin.token,
        user: 'svc-deploy',
        name: 'job-only',
        scopes: 'read_api',
        'expires-in': '1d',
        'revoke-after-job': 'true',
      },
      ['src/github/main.ts', '--post', 'src/github/post.ts'],
    );
    expect(run.exitCode, run.log).toBe(0);
    const created = gitlab.issuedTokenValues().map((value) => gitlab.tokenByValue(value));
    const jobOnly = created.find((token) => token?.name === 'job-only');
    expect(jobOnly?.revoked).toBe(true);
    expect(run.log).toContain(`revoke-after-job: `);
    expect(findLeaks(run.log, gitlab.issuedTokenValues())).toEqual([]);
  }, 120_000);
});
