/**
 * Every entry point, as bundled (the CLI, the Action's main step and its post step), installs the output guard
 * before anything else runs, so that whatever a dependency prints passes through the run's redaction. A preload
 * stands in for a chatty dependency: while the run waits for GitLab, it prints the credential straight to stderr
 * and stdout, past our logger. output-guard.test.ts proves the guard itself; this proves the entries use it (with
 * the guard's installation removed from any one entry, its test here fails; issue 7, part 7).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { withoutMaskCommands } from '../support/leak-scan.js';
import { ACTION_POST, runAction, runCli } from '../support/run-dist.js';

const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-chatty-'));
const PRELOAD = join(dir, 'chatty-dependency.cjs');
writeFileSync(
  PRELOAD,
  `const value = process.env.GITLAB_TOKEN || process.env['INPUT_GITLAB-TOKEN'];
setTimeout(() => {
  console.error('a dependency says: ' + value);
  process.stdout.write('and also here: ' + value + '\\n');
}, 150);
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const chatty = { NODE_OPTIONS: `--require ${PRELOAD}` };

let gitlab: GitlabEmulator;
let admin: { id: number; token: string };
let scratch: { id: number; token: string };
beforeEach(async () => {
  gitlab = await startEmulator({ now: '2026-11-30T06:00:00Z' });
  gitlab.addUser({ username: 'root', admin: true });
  admin = gitlab.issueToken({ user: 'root', name: 'automation', scopes: ['api'], expiresAt: '2027-06-01' });
  scratch = gitlab.issueToken({
    user: 'root',
    name: 'job-only',
    scopes: ['read_api'],
    expiresAt: '2026-12-01',
  });
  // GitLab slow to answer: the run is still waiting when the dependency prints.
  gitlab.faults.inject({ method: 'GET', path: '/api/v4/personal_access_tokens/*', delayMs: 800, times: 10 });
});
afterEach(async () => gitlab.close());

/** The dependency's lines reached the output, and with the credential redacted. */
function expectRedactedChatter(stdout: string, stderr: string): void {
  const all = withoutMaskCommands(`${stdout}\n${stderr}`);
  expect(all).toContain('a dependency says: ***');
  expect(all).toContain('and also here: ***');
  expect(all).not.toContain(admin.token);
  expect(all).not.toContain(admin.token.slice('glpat-'.length));
}

describe('what a dependency prints goes through the redaction of the run', () => {
  it('the CLI', async () => {
    const run = await runCli(['get', '--token-id', String(scratch.id)], {
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: admin.token,
      ...chatty,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expectRedactedChatter(run.stdout, run.stderr);
  });

  it("the Action's main step", async () => {
    const run = await runAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': admin.token,
        operation: 'get',
        'token-id': String(scratch.id),
      },
      { env: chatty },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expectRedactedChatter(run.stdout, run.stderr);
  });

  it("the Action's post step, revoking a token made with revoke-after-job", async () => {
    const run = await runAction(
      { 'gitlab-url': gitlab.url, 'gitlab-token': admin.token },
      { script: ACTION_POST, state: { 'revoke-token-id': String(scratch.id) }, env: chatty },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(gitlab.token(scratch.id)?.revoked).toBe(true);
    expectRedactedChatter(run.stdout, run.stderr);
  });
});
