/**
 * Every token kind through the bundled Action and the CLI as child processes, exactly as a runner runs them,
 * against the GitLab and GitHub emulators: one representative path per kind and front door, plus what only a child
 * process shows (exit codes, the mask before the value, outputs, stderr). The matrix of operations and selectors
 * runs in-process in test/tokens/; personal tokens through the child processes are in end-to-end.test.ts and
 * github-secret.test.ts. The last test scans everything every run here wrote for every token value issued.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCESS_LEVELS,
  startEmulator,
  type GitlabEmulator,
  type IssuedResourceToken,
} from '../emulator/index.js';
import { startGithubEmulator, type GithubEmulator } from '../github-emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import { runAction, runCli, transcript } from '../support/run-dist.js';

const TODAY = '2026-11-27';
const GROUP = 'platform';
const PROJECT = 'platform/deployer';
const PROJECT_ID = 4242;
const REPOSITORY = 'octo-org/deployer';
let gitlab: GitlabEmulator;
let github: GithubEmulator;
let githubToken: string;
let owner: { id: number; token: string };
let maintainer: { id: number; token: string };
let projectToken: IssuedResourceToken;
let groupToken: IssuedResourceToken;
const everySecret = new Set<string>();

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${TODAY}T06:00:00Z`, tier: 'premium' });
  gitlab.addUser({ username: 'alice' });
  gitlab.addUser({ username: 'max' });
  gitlab.addGroup({ path: GROUP, id: 10, members: [{ user: 'alice', accessLevel: ACCESS_LEVELS.owner }] });
  gitlab.addProject({
    path: PROJECT,
    id: PROJECT_ID,
    members: [{ user: 'max', accessLevel: ACCESS_LEVELS.maintainer }],
  });
  // A public project the bot can see but does not belong to: finding its own project must not trip over it.
  gitlab.addProject({ path: 'platform/handbook', visibility: 'public' });
  const expiring = { createdAt: '2026-08-29T00:00:00Z', expiresAt: '2026-12-02' };
  projectToken = gitlab.issueResourceToken({
    project: PROJECT,
    name: 'deploy',
    scopes: ['api'],
    ...expiring,
  });
  groupToken = gitlab.issueResourceToken({ group: GROUP, name: 'release', scopes: ['api'], ...expiring });
  owner = gitlab.issueToken({ user: 'alice', name: 'owner', scopes: ['api'] });
  maintainer = gitlab.issueToken({ user: 'max', name: 'maintainer', scopes: ['api'] });
  gitlab.setVariable({ project: PROJECT }, { key: 'DEPLOY_TOKEN', value: projectToken.token, hidden: true });
  github = await startGithubEmulator();
  github.addRepository(REPOSITORY);
  githubToken = github.issueToken({ grants: [{ repository: REPOSITORY, secrets: 'write' }] });
  github.setSecret({ repository: REPOSITORY }, 'DEPLOY_TOKEN', projectToken.token);
});
afterEach(async () => {
  for (const value of [...gitlab.issuedTokenValues(), ...github.issuedTokenValues()]) everySecret.add(value);
  for (const request of github.requests) {
    const sealed = (request.body as { encrypted_value?: unknown } | undefined)?.encrypted_value;
    if (typeof sealed === 'string') everySecret.add(sealed);
  }
  await gitlab.close();
  await github.close();
});

/** A runner's environment: the workflow's repository and the GitHub API root. */
const withGithub = () => ({ env: { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: REPOSITORY } });
const gitlabChanges = () =>
  gitlab.requests
    .filter((request) => request.method !== 'GET')
    .map((request) => `${request.method} ${request.path} ${request.status}`);
const variable = (key: string, where: { project: string } | { group: string } = { project: PROJECT }) =>
  gitlab.variables(where).find((each) => each.key === key);

describe('project access tokens', () => {
  it('Action: the token rotates itself, finding its own project, into its variable and a GitHub secret', async () => {
    const run = await runAction(
      {
        'gitlab-url': gitlab.url,
        'gitlab-token': projectToken.token,
        'token-kind': 'project',
        'rotate-before': '30d',
        'variable-key': 'DEPLOY_TOKEN',
        'github-secret': 'DEPLOY_TOKEN',
        'github-token': githubToken,
      },
      withGithub(),
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const value = run.outputs.token ?? '';
    const fresh = gitlab.tokenByValue(value);
    expect(fresh).toMatchObject({ name: 'deploy', revoked: false, userId: projectToken.userId });
    expect(variable('DEPLOY_TOKEN')?.value).toBe(value);
    expect(github.secretValue({ repository: REPOSITORY }, 'DEPLOY_TOKEN')).toBe(value);
    expect(run.stdout.slice(0, run.stdout.indexOf(value))).toMatch(/::add-mask::$/);
    expect(run.outputs).toMatchObject({
      'token-kind': 'project',
      'token-name': 'deploy',
      'previous-token-id': String(projectToken.id),
      rotated: 'true',
    });
    expect(gitlabChanges()).toEqual([
      `POST /api/v4/projects/${PROJECT_ID}/access_tokens/self/rotate 200`,
      `PUT /api/v4/projects/${PROJECT_ID}/variables/DEPLOY_TOKEN 200`,
    ]);
    expect(run.summary).toContain(`CI/CD variable DEPLOY_TOKEN in project ${PROJECT_ID}`);
  });

  it("CLI: a Maintainer creates one at an access level into the project's variable, then lists the project's tokens", async () => {
    const env = { GITLAB_TOKEN: maintainer.token, GITLAB_URL: gitlab.url };
    const created = await runCli(
      [
        'create',
        '--token-kind',
        'project',
        '--project',
        PROJECT,
        '--name',
        'reader',
        '--scopes',
        'read_api',
        '--access-level',
        'reporter',
        '--variable-key',
        'READER_TOKEN',
      ],
      env,
    );
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.json).toMatchObject({
      operation: 'create',
      'token-name': 'reader',
      // The same field as the Action's step output of that name.
      'token-kind': 'project',
      details: { token_kind: 'project', access_level: ACCESS_LEVELS.reporter, resource_id: PROJECT_ID },
    });
    expect(gitlab.tokenByValue(variable('READER_TOKEN')?.value ?? '')?.name).toBe('reader');
    const list = await runCli(['list', '--token-kind', 'project', '--project', PROJECT], env);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.json).toMatchObject({
      count: 2,
      tokens: [
        { name: 'deploy', token_kind: 'project', access_level: 40, days_left: 5 },
        { name: 'reader', token_kind: 'project', access_level: ACCESS_LEVELS.reporter },
      ],
    });
  });

  it('CLI: token-kind project with a personal credential exits 1 with what to do, and nothing changed', async () => {
    const run = await runCli(['rotate', '--token-kind', 'project', '--project', PROJECT, '--print-token'], {
      GITLAB_TOKEN: maintainer.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('GitLab answered 405 (405 Method Not Allowed)');
    expect(run.stderr).toContain('gitlab-token is not a project access token');
    expect(run.stderr).toContain('give token-kind personal (the default)');
    expect(gitlab.token(maintainer.id)?.revoked).toBe(false);
  });

  it('CLI: an input error of the kinds exits 2 before any request', async () => {
    const run = await runCli(['list', '--token-kind', 'project', '--user', 'max'], {
      GITLAB_TOKEN: maintainer.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('token-kind project needs project');
    expect(run.stderr).toContain('Input user does not apply to token-kind project');
    expect(gitlab.requests).toEqual([]);
  });
});

describe('group access tokens', () => {
  it("Action: an Owner rotates one by name into the group's variable, and the summary says where", async () => {
    const run = await runAction({
      'gitlab-url': gitlab.url,
      'gitlab-token': owner.token,
      'token-kind': 'group',
      group: GROUP,
      'token-name': 'release',
      'variable-key': 'RELEASE_TOKEN',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(variable('RELEASE_TOKEN', { group: GROUP })?.value).toBe(run.outputs.token);
    expect(run.outputs).toMatchObject({ 'token-kind': 'group', 'previous-token-id': String(groupToken.id) });
    expect(run.summary).toContain(`CI/CD variable RELEASE_TOKEN in group ${GROUP}`);
  });

  it('CLI: the group token gets itself, its group found from the credential', async () => {
    const run = await runCli(['get', '--token-kind', 'group'], {
      GITLAB_TOKEN: groupToken.token,
      GITLAB_URL: gitlab.url,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      'token-id': groupToken.id,
      'expires-at': '2026-12-02',
      details: { token_kind: 'group', resource_type: 'group', resource_id: 10 },
    });
  });
});

describe('group service-account tokens', () => {
  it("CLI: the issue's case, a group Owner on GitLab.com runs rotate --token-id 400 and it answers 200 through the group", async () => {
    const account = gitlab.addServiceAccount({ group: 10 });
    gitlab.issueToken({ user: account.id, name: 'ci', scopes: ['api'], id: 400, expiresAt: '2026-12-05' });
    const run = await runCli(
      [
        'rotate',
        '--token-id',
        '400',
        '--token-kind',
        'service-account',
        '--group',
        '10',
        '--user',
        account.username,
        '--variable-key',
        'CI_TOKEN',
      ],
      { GITLAB_TOKEN: owner.token, GITLAB_URL: gitlab.url },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(gitlabChanges()).toEqual([
      `POST /api/v4/groups/10/service_accounts/${account.id}/personal_access_tokens/400/rotate 200`,
      'POST /api/v4/groups/10/variables 201',
    ]);
    expect(run.json).toMatchObject({
      'previous-token-id': 400,
      rotated: true,
      details: { token_kind: 'service-account', user_id: account.id },
    });
    expect(gitlab.tokenByValue(variable('CI_TOKEN', { group: '10' })?.value ?? '')?.userId).toBe(account.id);
  });

  it("Action: an Owner revokes the account's token by name; on the Free tier the same run explains why it cannot", async () => {
    const account = gitlab.addServiceAccount({ group: 10, username: 'svc-release' });
    const token = gitlab.issueToken({ user: account.id, name: 'publish', scopes: ['api'] });
    const inputs = {
      operation: 'revoke',
      'gitlab-url': gitlab.url,
      'gitlab-token': owner.token,
      'token-kind': 'service-account',
      group: GROUP,
      user: 'svc-release',
      'token-name': 'publish',
    };
    gitlab.setTier('free');
    const free = await runAction(inputs);
    expect(free.exitCode).toBe(1);
    expect(free.stdout).toContain('::error::Listing the service accounts of group platform');
    expect(free.stdout).toContain('needs GitLab Premium or Ultimate');
    gitlab.setTier('premium');
    const run = await runAction(inputs);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(gitlab.token(token.id)?.revoked).toBe(true);
    expect(run.outputs).toMatchObject({ 'token-kind': 'service-account', 'token-id': String(token.id) });
  });
});

describe('secrets', () => {
  it('no token value, raw or encoded, reached any output of any run above', () => {
    expect(everySecret.size).toBeGreaterThan(10);
    expect(transcript.length).toBeGreaterThan(10);
    expect(findLeaks(transcript.join('\n'), everySecret)).toEqual([]);
  });
});

afterAll(() => {
  transcript.length = 0;
});
