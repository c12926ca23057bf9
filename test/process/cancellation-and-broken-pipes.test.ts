/**
 * Issue 7, part 2: from the rotate request until the new value is stored, nothing local may lose the token: not a
 * cancelled job's signals, not a pipe whose reader went away, not a log that cannot be written. The built CLI and
 * Action run as child processes with real pipes and real signals, against the emulator in this process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import { ACTION_MAIN, CLI, parseFileCommands } from '../support/run-dist.js';

const TODAY = '2026-11-27';
const PROJECT = 'platform/deployer';
const KEY = 'DEPLOY_TOKEN';
const ROTATE_SELF = '/api/v4/personal_access_tokens/self/rotate';
let gitlab: GitlabEmulator;
let service: { id: number; token: string };
let dir: string;

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${TODAY}T06:00:00Z` });
  gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
  gitlab.addProject({ path: PROJECT, members: [{ user: 'svc-deploy', accessLevel: 40 }] });
  service = gitlab.issueToken({
    user: 'svc-deploy',
    name: 'deploy',
    scopes: ['api'],
    createdAt: '2026-08-29T00:00:00Z',
    expiresAt: '2026-12-02',
  });
  gitlab.setVariable({ project: PROJECT }, { key: KEY, value: service.token, hidden: true });
  dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-signals-'));
});
afterEach(async () => {
  await gitlab.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child with real pipes; what it wrote is collected until it ends. */
function start(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // A stream the test closed on purpose may still report the child's end as an error.
  child.stdout.on('error', () => undefined);
  child.stderr.on('error', () => undefined);
  const finished = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void finished.then(() => clearTimeout(killer));
  return { child, finished };
}

const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'C.UTF-8',
});

function startCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return start(process.execPath, [CLI, ...args], { ...baseEnv(), GITLAB_TOKEN: service.token, ...env });
}

const rotateIntoVariable = ['rotate', '--variable-key', KEY, '--variable-project', PROJECT];

/** Resolves once GitLab has received the rotate request (it is then in flight: the fault delays its handling). */
async function rotateReachedGitlab(): Promise<void> {
  for (const started = Date.now(); !gitlab.requests.some((request) => request.path === ROTATE_SELF);) {
    if (Date.now() - started > 15_000) throw new Error('the rotate request never reached the emulator');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const variable = () => gitlab.variables({ project: PROJECT }).find((each) => each.key === KEY);
const successor = () => gitlab.activeTokens('svc-deploy')[0];

function expectTokenSafeInVariable(): void {
  expect(gitlab.token(service.id)?.revoked).toBe(true);
  const stored = gitlab.tokenByValue(variable()?.value ?? '');
  expect(stored?.id).toBe(successor()?.id);
  expect(stored?.revoked).toBe(false);
}

describe('a cancelled job', () => {
  it('SIGTERM 300 ms after the rotate reached GitLab, which answers after 2.5 s: the token is stored, then the CLI stops', async () => {
    gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 2_500 });
    const { child, finished } = startCli([...rotateIntoVariable, '--gitlab-url', gitlab.url]);
    await rotateReachedGitlab();
    await sleep(300);
    child.kill('SIGTERM');
    const run = await finished;

    expectTokenSafeInVariable();
    // It ends by the signal it was sent, once the token was safe.
    expect(run.signal).toBe('SIGTERM');
    expect(run.stderr).toContain('Received SIGTERM while the token is being replaced: finishing that first');
    expect(run.stderr).toContain(`Stored the new token in CI/CD variable ${KEY}`);
    expect(run.stderr).toContain(
      `Stopping for SIGTERM: the new token ${successor()?.id} is stored in CI/CD variable ${KEY}`,
    );
    expect(findLeaks(run.stdout + run.stderr, gitlab.issuedTokenValues())).toEqual([]);
  });

  it('the Action, cancelled as GitHub does (SIGINT, then SIGTERM): the token reaches the masked output and the variable', async () => {
    gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 2_500 });
    const output = join(dir, 'output');
    writeFileSync(output, '');
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(),
      GITHUB_ACTIONS: 'true',
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: output,
      'INPUT_GITLAB-URL': gitlab.url,
      'INPUT_GITLAB-TOKEN': service.token,
      'INPUT_VARIABLE-KEY': KEY,
      'INPUT_VARIABLE-PROJECT': PROJECT,
    };
    const { child, finished } = start(process.execPath, [ACTION_MAIN], env);
    await rotateReachedGitlab();
    await sleep(300);
    child.kill('SIGINT');
    await sleep(1_000);
    child.kill('SIGTERM');
    const run = await finished;

    expectTokenSafeInVariable();
    expect(parseFileCommands(readFileSync(output, 'utf8')).token).toBe(variable()?.value);
    expect(run.signal).toBe('SIGINT');
    expect(run.stdout).toContain('Received SIGTERM too; still storing the new token');
    expect(findLeaks(run.stdout + run.stderr, gitlab.issuedTokenValues())).toEqual([]);
  });

  it('when GitLab takes longer than the grace period: exit 4 with recovery steps before the platform kills it', async () => {
    gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 9_000 });
    const { child, finished } = startCli([...rotateIntoVariable, '--gitlab-url', gitlab.url]);
    await rotateReachedGitlab();
    await sleep(300);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const run = await finished;

    // Within GitHub's 7.5 s before its SIGTERM and docker's 10 s before SIGKILL.
    expect(Date.now() - signalled).toBeLessThan(7_000);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('The run stopped while GitLab was rotating token');
    expect(run.stderr).toContain('To recover:');
    expect(run.stderr).toContain('Do not rerun this rotation with the old token');
    expect(JSON.parse(run.stdout)).toMatchObject({ operation: 'rotate', 'exit-code': 4 });
  }, 20_000);

  it('a signal before the rotate stops the run at once, nothing changed', async () => {
    gitlab.faults.inject({ method: 'GET', path: '/api/v4/personal_access_tokens/self', delayMs: 2_000 });
    const { child, finished } = startCli([...rotateIntoVariable, '--gitlab-url', gitlab.url]);
    for (const started = Date.now(); gitlab.requests.length === 0 && Date.now() - started < 10_000;)
      await sleep(10);
    child.kill('SIGTERM');
    const run = await finished;

    expect(run.signal).toBe('SIGTERM');
    expect(gitlab.requests.filter((request) => request.method === 'POST')).toEqual([]);
    expect(gitlab.token(service.id)?.revoked).toBe(false);
  });
});

describe('a pipe whose reader went away', () => {
  /** `gitlab-pat rotate --print-token ... | jq -r .token` in bash, where jq is not installed (PATH has nothing). */
  function pipeIntoMissingJq(args: string[]) {
    const empty = mkdtempSync(join(dir, 'empty-path-'));
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${args.map((arg) => JSON.stringify(arg)).join(' ')} | jq -r .token; echo "gitlab-pat exited \${PIPESTATUS[0]}" >&2`;
    return start('/bin/bash', ['-c', command], {
      PATH: empty,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      GITLAB_TOKEN: service.token,
    });
  }

  it('rotate --print-token | jq -r .token, jq missing: stdout failed as a destination, exit 4, never "stored in stdout"', async () => {
    gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 300 });
    const run = await pipeIntoMissingJq(['rotate', '--gitlab-url', gitlab.url, '--print-token']).finished;

    expect(run.stderr).toContain('jq: command not found');
    expect(run.stderr).toContain('gitlab-pat exited 4');
    expect(run.stderr).toContain(
      'Could not store the new token in stdout (--print-token). stdout could not be written (EPIPE)',
    );
    expect(run.stderr).not.toContain('Stored the new token in stdout');
    expect(run.stderr).toContain('could not be stored anywhere');
    expect(run.stderr).toContain('To recover:');
  });

  it('with a variable as well: the variable holds the token, exit 3 names stdout as what failed', async () => {
    gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 300 });
    const run = await pipeIntoMissingJq([...rotateIntoVariable, '--gitlab-url', gitlab.url, '--print-token'])
      .finished;

    expect(run.stderr).toContain('gitlab-pat exited 3');
    expect(run.stderr).toMatch(
      /is stored in CI\/CD variable DEPLOY_TOKEN .*, but not in: stdout \(--print-token\)/,
    );
    expectTokenSafeInVariable();
  });

  it('with jq there, the same pipeline delivers the token (the document is one JSON, token first)', async () => {
    const run = await start(
      '/bin/bash',
      [
        '-c',
        `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} rotate --gitlab-url ${gitlab.url} --print-token | jq -r .token`,
      ],
      { ...baseEnv(), GITLAB_TOKEN: service.token },
    ).finished;

    expect(run.code).toBe(0);
    expect(gitlab.tokenByValue(run.stdout.trim())?.revoked).toBe(false);
  });

  it.each([
    ['kept alive', {}],
    ['not kept alive', { connection: 'close' }],
  ])(
    "stderr's reader goes away mid-rotation, connections %s: the variable write still leaves, exit 0",
    async (_, headers) => {
      if (Object.keys(headers).length > 0) gitlab.faults.inject({ path: /.*/, times: 50, headers });
      gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 500 });
      const { child, finished } = startCli([...rotateIntoVariable, '--gitlab-url', gitlab.url, '--debug']);
      await rotateReachedGitlab();
      child.stderr?.destroy();
      const run = await finished;

      expect(run.code).toBe(0);
      expectTokenSafeInVariable();
      expect(JSON.parse(run.stdout)).toMatchObject({ operation: 'rotate', rotated: true });
      expect(
        gitlab.requests.filter((request) => request.method === 'PUT').map((request) => request.status),
      ).toEqual([200]);
    },
  );
});

describe('a crash inside the change', () => {
  /** A script with the process guards the entries install, crashing while a change is in progress. */
  function crashDuring(stage: 'before the answer' | 'after storing') {
    const script = join(dir, 'crash.mts');
    const src = join(import.meta.dirname, '../../src');
    writeFileSync(
      script,
      `
import { OutcomeUnknown, DestinationFailure } from ${JSON.stringify(`${src}/core/errors.js`)};
import { SecretRegistry } from ${JSON.stringify(`${src}/core/redact.js`)};
import { createProcessChangeGuard } from ${JSON.stringify(`${src}/process/change-guard.js`)};
import { guardCrashes } from ${JSON.stringify(`${src}/process/guard-output.js`)};
const changes = createProcessChangeGuard();
guardCrashes(new SecretRegistry(), 1, changes);
const stored = ${JSON.stringify(stage === 'after storing')};
const ifStopped = () => stored
  ? new DestinationFailure('The new token 7 is stored in CI/CD variable X.', ['Check it works.'], { id: 7, name: 'deploy', expiresAt: null, storedIn: ['CI/CD variable X'] })
  : new OutcomeUnknown('Stopped while GitLab was rotating token 6.', ['List the tokens named deploy.']);
await changes.protect(async () => {
  if (!stored) setTimeout(() => { throw new Error('boom'); }, 10);
  await new Promise((resolve) => setTimeout(resolve, stored ? 0 : 1000));
}, ifStopped);
if (stored) setTimeout(() => { throw new Error('boom'); }, 10);
`,
    );
    return start(process.execPath, ['--import', 'tsx', script], baseEnv()).finished;
  }

  it('during the rotate: exit 4 with the recovery steps, not 1 ("nothing changed")', async () => {
    const run = await crashDuring('before the answer');
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain('gitlab-pat crashed: Error: boom');
    expect(run.stderr).toContain('Stopped while GitLab was rotating token 6.');
    expect(run.stderr).toContain('1. List the tokens named deploy.');
  });

  it('after the token was stored: exit 3 saying where it is', async () => {
    const run = await crashDuring('after storing');
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain('The new token 7 is stored in CI/CD variable X.');
  });
});
