/**
 * The rotate component run for real: gitlab-ci-local (shell executor) runs the job a scheduled pipeline would get,
 * with the CLI of this checkout, against the GitLab emulator. What a user relies on: the variable ends up holding
 * the new token, masked, hidden and protected; nothing the run writes shows a token; a second run is a no-op.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import {
  CLI_COMMAND,
  createComponentProject,
  includeOwn,
  runGitlabCiLocal,
  type PipelineRun,
} from './gitlab-ci-local.js';

const TODAY = '2026-11-27';
const PROJECT_ID = 4242;
const MAINTAINER = 40;

let gitlab: GitlabEmulator;
let deployToken: { id: number; token: string };

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${TODAY}T06:00:00Z` });
  gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
  gitlab.addProject({
    path: 'acme/token-tools',
    id: PROJECT_ID,
    members: [{ user: 'svc-deploy', accessLevel: MAINTAINER }],
  });
  // A 90-day token that expires in 13 days: due under the default rotate_before of 30d.
  deployToken = gitlab.issueToken({
    user: 'svc-deploy',
    name: 'deploy',
    scopes: ['api'],
    createdAt: '2026-09-10T00:00:00Z',
    expiresAt: '2026-12-10',
  });
  gitlab.setVariable(
    { project: PROJECT_ID },
    { key: 'GITLAB_TOKEN', value: deployToken.token, masked: true, hidden: true, protected: true },
  );
});
afterEach(async () => {
  await gitlab.close();
});

/** A scheduled pipeline of the project, as GitLab would start it: its variables, its server, its project. */
function runScheduledPipeline(project: ReturnType<typeof createComponentProject>, credential: string) {
  return runGitlabCiLocal(project, [], {
    variables: {
      GITLAB_TOKEN: credential,
      GITLAB_CI: 'true',
      CI_SERVER_URL: gitlab.url,
      CI_PROJECT_ID: String(PROJECT_ID),
      CI_PIPELINE_SOURCE: 'schedule',
    },
  });
}

const storedToken = () =>
  gitlab.variables({ project: PROJECT_ID }).find((variable) => variable.key === 'GITLAB_TOKEN');

function expectNoLeak(run: PipelineRun) {
  expect(
    findLeaks(run.everything, gitlab.issuedTokenValues()),
    'token values in the job log or files',
  ).toEqual([]);
}

describe('the rotate component in a scheduled pipeline', () => {
  it('rotates the token it runs with into its own masked, hidden, protected variable, then does nothing until due', async () => {
    using project = createComponentProject({
      include: [includeOwn('rotate', { variable_key: 'GITLAB_TOKEN', command: CLI_COMMAND })],
    });

    const first = await runScheduledPipeline(project, deployToken.token);
    expect(first.exitCode, first.log).toBe(0);
    const [fresh, ...others] = gitlab.activeTokens('svc-deploy');
    expect(others).toEqual([]);
    expect(fresh).toMatchObject({ name: 'deploy', expiresAt: '2027-02-26' });
    expect(gitlab.token(deployToken.id)?.revoked).toBe(true);
    expect(storedToken()).toMatchObject({
      value: fresh?.value,
      masked: true,
      hidden: true,
      protected: true,
      environmentScope: '*',
    });
    // What happened, in the job log: the token, its new id and expiry, and where it went.
    expect(first.log).toContain(`new token ${fresh?.id}`);
    expect(first.log).toContain('expiring 2027-02-26');
    expect(first.log).toMatch(/GITLAB_TOKEN/);
    expectNoLeak(first);

    // The next day's schedule, with the variable's new value: not due, so nothing changes.
    gitlab.clearRequests();
    const second = await runScheduledPipeline(project, fresh?.value ?? '');
    expect(second.exitCode, second.log).toBe(0);
    expect(second.log).toContain('not rotated');
    expect(gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(gitlab.activeTokens('svc-deploy').map((token) => token.id)).toEqual([fresh?.id]);
    expect(storedToken()?.value).toBe(fresh?.value);
    expectNoLeak(second);
  });

  it('keeps a project access token alive in its own project: token_kind project, the project found from the token, its bot kept', async () => {
    // The commonest case: a project access token (its bot a Maintainer) kept in its own project's GITLAB_TOKEN.
    const projectToken = gitlab.issueResourceToken({
      project: PROJECT_ID,
      name: 'ci-bot',
      scopes: ['api'],
      accessLevel: MAINTAINER,
      createdAt: '2026-09-10T00:00:00Z',
      expiresAt: '2026-12-10',
    });
    gitlab.setVariable(
      { project: PROJECT_ID },
      { key: 'GITLAB_TOKEN', value: projectToken.token, masked: true, hidden: true, protected: true },
    );
    using project = createComponentProject({
      include: [
        includeOwn('rotate', { token_kind: 'project', variable_key: 'GITLAB_TOKEN', command: CLI_COMMAND }),
      ],
    });

    const first = await runScheduledPipeline(project, projectToken.token);
    expect(first.exitCode, first.log).toBe(0);
    const [fresh, ...others] = gitlab.activeTokens(projectToken.userId);
    expect(others).toEqual([]);
    expect(fresh).toMatchObject({ name: 'ci-bot', expiresAt: '2027-02-26' });
    expect(gitlab.token(projectToken.id)?.revoked).toBe(true);
    expect(storedToken()).toMatchObject({ value: fresh?.value, masked: true, hidden: true, protected: true });
    expect(
      gitlab.requests
        .filter((request) => request.method !== 'GET')
        .map((request) => `${request.method} ${request.path} ${request.status}`),
    ).toEqual([
      `POST /api/v4/projects/${PROJECT_ID}/access_tokens/self/rotate 200`,
      `PUT /api/v4/projects/${PROJECT_ID}/variables/GITLAB_TOKEN 200`,
    ]);
    expect(first.log).toContain(`new token ${fresh?.id}`);
    expect(first.log).toContain(`CI/CD variable GITLAB_TOKEN in project ${PROJECT_ID}`);
    expect(first.log).not.toContain('still holds the old token');
    expectNoLeak(first);

    // The next schedule: one request, nothing changes.
    gitlab.clearRequests();
    const second = await runScheduledPipeline(project, fresh?.value ?? '');
    expect(second.exitCode, second.log).toBe(0);
    expect(second.log).toContain('not rotated');
    expect(gitlab.requests.map((request) => request.path)).toEqual(['/api/v4/personal_access_tokens/self']);
    expectNoLeak(second);
  });

  it('does not run in a pipeline that is neither scheduled nor started from the web UI', async () => {
    using project = createComponentProject({
      include: [includeOwn('rotate', { variable_key: 'GITLAB_TOKEN', command: CLI_COMMAND })],
    });
    const run = await runGitlabCiLocal(project, [], {
      variables: {
        GITLAB_TOKEN: deployToken.token,
        GITLAB_CI: 'true',
        CI_SERVER_URL: gitlab.url,
        CI_PIPELINE_SOURCE: 'push',
      },
    });
    expect(run.log).not.toContain('gitlab-pat-rotate starting');
    expect(gitlab.requests).toEqual([]);
  });

  it('changes nothing on a dry run, and says what it would do', async () => {
    using project = createComponentProject({
      include: [includeOwn('rotate', { variable_key: 'GITLAB_TOKEN', command: CLI_COMMAND, dry_run: true })],
    });
    const run = await runScheduledPipeline(project, deployToken.token);
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toContain('Dry run: would rotate');
    expect(gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(storedToken()?.value).toBe(deployToken.token);
    expectNoLeak(run);
  });
});
