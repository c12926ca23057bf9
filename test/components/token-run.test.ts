/**
 * The token component (and the rotate component where it shares the point) run for real with gitlab-ci-local
 * against the GitLab emulator: inputs full of shell metacharacters arrive as data, a token created in the first stage
 * is revoked by a job in the last one even after a failure in between, and no run writes a token value anywhere.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import {
  CLI_COMMAND,
  createComponentProject,
  includeOwn,
  runGitlabCiLocal,
  type ComponentProject,
  type PipelineRun,
} from './gitlab-ci-local.js';

const TODAY = '2026-11-27';
const PROJECT_ID = 4242;
const MAINTAINER = 40;
/** A token name that would run commands, or expand variables, if it ever became part of a shell line. */
const HOSTILE_NAME = `deploy "; touch pwned-1; echo " $(touch pwned-2) \`touch pwned-3\` '; touch pwned-4; ' $HOME $$ \\`;
const PWNED = ['pwned-1', 'pwned-2', 'pwned-3', 'pwned-4'];

let gitlab: GitlabEmulator;
let admin: { id: number; token: string };

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${TODAY}T06:00:00Z` });
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
  gitlab.addProject({
    path: 'acme/token-tools',
    id: PROJECT_ID,
    members: [{ user: 'root', accessLevel: MAINTAINER }],
  });
  admin = gitlab.issueToken({ user: 'root', name: 'automation', scopes: ['api'], expiresAt: '2027-06-01' });
});
afterEach(async () => {
  await gitlab.close();
});

function runPipeline(project: ComponentProject, variables: Record<string, string> = {}) {
  return runGitlabCiLocal(project, [], {
    variables: {
      ADMIN_TOKEN: admin.token,
      GITLAB_CI: 'true',
      CI_SERVER_URL: gitlab.url,
      CI_PROJECT_ID: String(PROJECT_ID),
      ...variables,
    },
  });
}

function expectNoLeak(run: PipelineRun) {
  expect(
    findLeaks(run.everything, gitlab.issuedTokenValues()),
    'token values in the job log or files',
  ).toEqual([]);
}

const mutating = () => gitlab.requests.filter((request) => request.method !== 'GET');

describe('inputs containing shell metacharacters', () => {
  it('are data, never executed: get and rotate find the token by its exact name, and no command runs', async () => {
    const hostile = gitlab.issueToken({
      user: 'svc-deploy',
      name: HOSTILE_NAME,
      scopes: ['api'],
      createdAt: '2026-10-28T00:00:00Z',
      expiresAt: '2026-12-01',
    });
    using project = createComponentProject({
      include: [
        includeOwn('token', {
          job_name: 'inspect',
          stage: 'build',
          operation: 'get',
          token_variable: 'ADMIN_TOKEN',
          user: 'svc-deploy',
          token_name: HOSTILE_NAME,
          command: CLI_COMMAND,
        }),
        includeOwn('rotate', {
          job_name: 'rotate',
          stage: 'test',
          rules: [{ when: 'on_success' }],
          token_variable: 'ADMIN_TOKEN',
          user: 'svc-deploy',
          token_name: HOSTILE_NAME,
          variable_key: 'DEPLOY_TOKEN',
          variable_environment_scope: 'review/$HOME ${CI_JOB_ID} $$',
          command: CLI_COMMAND,
        }),
      ],
    });

    const run = await runPipeline(project);
    expect(run.exitCode, run.log).toBe(0);
    for (const file of PWNED) expect(existsSync(join(project.dir, file)), file).toBe(false);
    // The name reached GitLab byte for byte: `$HOME`, `$$` and the backslash unexpanded.
    const searches = gitlab.requests
      .filter((request) => request.path === '/api/v4/personal_access_tokens')
      .map((request) => request.query.search);
    expect(searches).toEqual([HOSTILE_NAME, HOSTILE_NAME]);
    expect(run.log).toContain(`"token-id": ${hostile.id}`);
    const [rotated] = gitlab.activeTokens('svc-deploy');
    expect(rotated).toMatchObject({ name: HOSTILE_NAME });
    expect(gitlab.variables({ project: PROJECT_ID })).toEqual([
      expect.objectContaining({
        key: 'DEPLOY_TOKEN',
        value: rotated?.value,
        environmentScope: 'review/$HOME ${CI_JOB_ID} $$',
      }),
    ]);
    expectNoLeak(run);
  });
});

describe('the token component', () => {
  it('creates a token in .pre into a masked, hidden variable, and revokes it by name in .post after a failed job', async () => {
    using project = createComponentProject({
      include: [
        includeOwn('token', {
          stage: '.pre',
          job_name: 'create release token',
          operation: 'create',
          token_variable: 'ADMIN_TOKEN',
          user: 'svc-deploy',
          name: 'release',
          description: 'Release job "$CI_JOB_ID"',
          scopes: 'api, read_repository',
          expires_in: '1d',
          variable_key: 'RELEASE_TOKEN',
          variable_protected: false,
          command: CLI_COMMAND,
        }),
        includeOwn('token', {
          stage: '.post',
          job_name: 'revoke release token',
          operation: 'revoke',
          token_variable: 'ADMIN_TOKEN',
          user: 'svc-deploy',
          token_name: 'release',
          rules: [{ when: 'always' }],
          command: CLI_COMMAND,
        }),
      ],
      release: { stage: 'deploy', script: ['echo "the release fails"', 'exit 1'] },
    });

    const run = await runPipeline(project);
    expect(run.exitCode, 'the pipeline fails with its release job').not.toBe(0);
    expect(run.log).toContain('the release fails');
    const created = gitlab.requests.find(
      (request) => request.method === 'POST' && /\/users\/\d+\/personal_access_tokens$/.test(request.path),
    );
    expect(created?.body).toMatchObject({
      name: 'release',
      description: 'Release job "$CI_JOB_ID"',
      scopes: ['api', 'read_repository'],
      expires_at: '2026-11-29', // expires_in 1d: at least a day, so past tomorrow's midnight UTC
    });
    const variable = gitlab.variables({ project: PROJECT_ID }).find(({ key }) => key === 'RELEASE_TOKEN');
    expect(variable).toMatchObject({ masked: true, hidden: true, protected: false });
    const token = gitlab.tokenByValue(variable?.value ?? '');
    expect(token, 'the variable held the created token').toMatchObject({ name: 'release', revoked: true });
    expect(gitlab.activeTokens('svc-deploy').filter(({ name }) => name === 'release')).toEqual([]);
    expect(mutating().at(-1)).toMatchObject({
      method: 'DELETE',
      path: `/api/v4/personal_access_tokens/${token?.id}`,
      authTokenId: admin.id,
    });
    expectNoLeak(run);
  });

  it('lists tokens and changes nothing', async () => {
    gitlab.issueToken({ user: 'svc-deploy', name: 'deploy', scopes: ['api'], expiresAt: '2026-12-20' });
    gitlab.issueToken({ user: 'svc-deploy', name: 'backup', scopes: ['read_api'], expiresAt: '2027-10-01' });
    using project = createComponentProject({
      include: [
        includeOwn('token', {
          operation: 'list',
          token_variable: 'ADMIN_TOKEN',
          user: 'svc-deploy',
          expires_within: '60d',
          command: CLI_COMMAND,
        }),
      ],
    });
    const run = await runPipeline(project);
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toContain('"count": 1');
    expect(run.log).toContain('"name": "deploy"');
    expect(mutating()).toEqual([]);
    expectNoLeak(run);
  });

  it('fails with the CLI exit code, and a message naming the input, when an input is wrong for the operation', async () => {
    using project = createComponentProject({
      include: [
        includeOwn('token', {
          operation: 'list',
          token_variable: 'ADMIN_TOKEN',
          variable_key: 'NOT_FOR_LIST',
          command: CLI_COMMAND,
        }),
      ],
    });
    const run = await runPipeline(project);
    expect(run.exitCode).not.toBe(0);
    expect(run.log).toContain('variable-key does not apply to operation list');
    expect(gitlab.requests).toEqual([]);
  });
});
