/**
 * The components' own shell, run by gitlab-ci-local with stand-ins for npx and the CLI that record how they were
 * called: which command the job picks (the release matching the component, or the command input), how it reads
 * the recovery credential, and that a create runs the CLI once and nothing after it.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createComponentProject,
  includeOwn,
  runGitlabCiLocal,
  type ComponentProject,
} from './gitlab-ci-local.js';

/** One call of a stand-in: its arguments and the GITLAB_PAT_* environment it saw. */
interface Call {
  readonly program: string;
  readonly args: string;
  readonly env: Record<string, string>;
}

let bin: string;
let record: string;

const STAND_IN = `#!/bin/sh
{
  echo "program: $(basename "$0")"
  echo "args: $*"
  env | grep '^GITLAB_PAT_' | sort
  echo '---'
} >> "$STAND_IN_RECORD"
`;

beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'gitlab-pat-stand-ins-'));
  record = join(bin, 'calls.log');
  for (const program of ['npx', 'fake-gitlab-pat']) {
    writeFileSync(join(bin, program), STAND_IN);
    chmodSync(join(bin, program), 0o755);
  }
});
afterEach(() => rmSync(bin, { recursive: true, force: true }));

function calls(): Call[] {
  if (!existsSync(record)) return [];
  return readFileSync(record, 'utf8')
    .split('---\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.trim().split('\n');
      const env = Object.fromEntries(
        lines
          .filter((line) => line.startsWith('GITLAB_PAT_'))
          .map((line) => line.split(/=(.*)/s).slice(0, 2)),
      ) as Record<string, string>;
      return {
        program: lines[0]?.replace('program: ', '') ?? '',
        args: lines[1]?.replace(/^args: ?/, '') ?? '',
        env,
      };
    });
}

function run(project: ComponentProject, variables: Record<string, string> = {}) {
  return runGitlabCiLocal(project, [], {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, STAND_IN_RECORD: record },
    variables: { GITLAB_TOKEN: 'glpat-not-a-real-token-000', GITLAB_CI: 'true', ...variables },
  });
}

const rotate = (inputs: Record<string, unknown> = {}) =>
  createComponentProject({
    include: [
      includeOwn('rotate', { variable_key: 'GITLAB_TOKEN', rules: [{ when: 'on_success' }], ...inputs }),
    ],
  });

describe('the command a job runs', () => {
  it('is npx with the gitlab-pat release that matches the component release', async () => {
    using project = rotate();
    // GitLab sets component.version to the release an include resolved to (@1, @~latest, @1.2.3).
    const result = await run(project, { GITLAB_PAT_COMPONENT_VERSION: '1.2.3' });
    expect(result.exitCode, result.log).toBe(0);
    expect(calls()).toEqual([expect.objectContaining({ program: 'npx', args: '--yes gitlab-pat@1.2.3' })]);
    expect(calls()[0]?.env).toMatchObject({
      GITLAB_PAT_OPERATION: 'rotate',
      GITLAB_PAT_VARIABLE_KEY: 'GITLAB_TOKEN',
    });
  });

  it('is refused, with what to do, when the component is included by SHA or branch and no command is given', async () => {
    using project = rotate();
    // GitLab leaves component.version empty for an include by SHA or branch (gitlab-ci-local sets the SHA).
    const result = await run(project, { GITLAB_PAT_COMPONENT_VERSION: '' });
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toContain(`is included at '${project.sha}', which is not a release`);
    expect(result.log).toContain('set the command input');
    expect(calls()).toEqual([]);
  });

  it('is the command input when one is given, run as a shell command', async () => {
    using project = rotate({ command: `'${join(bin, 'fake-gitlab-pat')}' --debug` });
    const result = await run(project);
    expect(result.exitCode, result.log).toBe(0);
    expect(calls()).toEqual([expect.objectContaining({ program: 'fake-gitlab-pat', args: '--debug' })]);
  });
});

describe('the recovery credential', () => {
  it('is named to the CLI by variable, never copied into the job script', async () => {
    using project = rotate({ command: 'fake-gitlab-pat', recovery_token_variable: 'GITLAB_ADMIN_TOKEN' });
    const result = await run(project, { GITLAB_ADMIN_TOKEN: 'glpat-recovery-stand-in-0000' });
    expect(result.exitCode, result.log).toBe(0);
    expect(calls()[0]?.env.GITLAB_PAT_RECOVERY_TOKEN_VARIABLE).toBe('GITLAB_ADMIN_TOKEN');
    expect(calls()[0]?.env.GITLAB_PAT_RECOVERY_TOKEN).toBeUndefined();
    expect(result.log).not.toContain('glpat-recovery-stand-in-0000');
  });
});

describe('the token component script', () => {
  it('runs the CLI once for create and nothing after it: the new token outlives the job, for later jobs', async () => {
    using project = createComponentProject({
      include: [
        includeOwn('token', {
          command: 'fake-gitlab-pat',
          operation: 'create',
          token_variable: 'ADMIN_TOKEN',
          user: 'svc-release',
          name: 'release',
          scopes: 'api',
          expires_in: '1d',
          variable_key: 'RELEASE_TOKEN',
        }),
      ],
    });
    const result = await run(project, { ADMIN_TOKEN: 'glpat-admin-stand-in-00000' });
    expect(result.exitCode, result.log).toBe(0);
    expect(calls()).toEqual([expect.objectContaining({ program: 'fake-gitlab-pat' })]);
    expect(calls()[0]?.env).toMatchObject({ GITLAB_PAT_OPERATION: 'create', GITLAB_PAT_NAME: 'release' });
  });

  it('passes the variable_* defaults only together with variable_key', async () => {
    using project = createComponentProject({
      include: [includeOwn('token', { command: 'fake-gitlab-pat', operation: 'list' })],
    });
    const result = await run(project);
    expect(result.exitCode, result.log).toBe(0);
    expect(
      Object.keys(calls()[0]?.env ?? {}).filter((name) => name.startsWith('GITLAB_PAT_VARIABLE_')),
    ).toEqual(['GITLAB_PAT_VARIABLE_GROUP', 'GITLAB_PAT_VARIABLE_KEY', 'GITLAB_PAT_VARIABLE_PROJECT']);
  });
});
