/**
 * Issue 8, kind 1: a value stays behind in a destination the run did not write. Whenever the variable the user
 * named is not the one jobs read the token from today (the key in other environment scopes, a group variable that
 * a project's own overrides, a project variable that would hide its group's), preflight stops before any change
 * and names every copy and how to select it. An update in place costs no extra request.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { runCore, type CoreRun } from '../support/run-core.js';
import { runCli } from '../support/run-dist.js';
import { KEY, MAINTAINER, OWNER, PROJECT, useIssueSeed } from './issue-seed.js';

const seed = useIssueSeed();
const exitCodeOf = (run: CoreRun) => (run.error ? ((run.error as { exitCode?: number }).exitCode ?? -1) : 0);
const variablesOf = (owner: { project: string } | { group: string }) =>
  seed.gitlab.variables(owner).map(({ key, environmentScope, value }) => ({ key, environmentScope, value }));

/** The issue's command, word for word. */
const ISSUE_COMMAND = [
  'rotate',
  '--user',
  'svc-deploy',
  '--token-name',
  'deploy',
  '--rotate-before',
  '30d',
  '--expires-in',
  '90d',
  '--variable-key',
  'DEPLOY_TOKEN',
  '--variable-project',
  'platform/deployer',
];

function rotateDeploy(extra: Record<string, string> = {}): Promise<CoreRun> {
  return runCore(seed.gitlab, {
    'gitlab-token': seed.admin.token,
    user: 'svc-deploy',
    'token-name': 'deploy',
    'expires-in': '90d',
    'variable-key': KEY,
    'variable-project': PROJECT,
    ...extra,
  });
}

describe('the key exists only in other environment scopes', () => {
  it("the issue's seed: stops before any change and says how to name the production variable", async () => {
    seed.gitlab.setVariable(
      { project: PROJECT },
      { key: KEY, value: seed.deploy.token, environmentScope: 'production', masked: true },
    );
    const run = await runCli(ISSUE_COMMAND, seed.env());
    expect(run.exitCode, run.stderr).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain(
      'CI/CD variable DEPLOY_TOKEN in project platform/deployer (environment scope *) does not exist',
    );
    expect(run.stderr).toContain('environment scope production');
    expect(run.stderr).toContain('Give variable-environment-scope "production"');
    expect(run.stderr).toContain('Nothing was changed');
    expect(seed.changes()).toEqual([]);
    expect(seed.gitlab.token(200)?.revoked).toBe(false);
    expect(variablesOf({ project: PROJECT })).toEqual([
      { key: KEY, environmentScope: 'production', value: seed.deploy.token },
    ]);

    // Named as the message says, the rotation updates the one jobs read.
    const fixed = await runCli([...ISSUE_COMMAND, '--variable-environment-scope', 'production'], seed.env());
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    const [variable, ...others] = variablesOf({ project: PROJECT });
    expect(others).toEqual([]);
    expect(variable?.environmentScope).toBe('production');
    expect(seed.gitlab.tokenByValue(variable?.value ?? '')).toMatchObject({ name: 'deploy', revoked: false });
    expect(seed.gitlab.token(200)?.revoked).toBe(true);
  });

  it('names every scope when the key lives in several, and changes nothing', async () => {
    for (const scope of ['production', 'staging']) {
      seed.gitlab.setVariable(
        { project: PROJECT },
        { key: KEY, value: seed.deploy.token, environmentScope: scope, masked: true },
      );
    }
    const run = await rotateDeploy();
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('environment scopes production, staging');
    expect(seed.changes()).toEqual([]);
  });

  it('stops a dry run the same way', async () => {
    seed.gitlab.setVariable(
      { project: PROJECT },
      { key: KEY, value: seed.deploy.token, environmentScope: 'production', masked: true },
    );
    const run = await rotateDeploy({ 'dry-run': 'true' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('variable-environment-scope "production"');
  });

  it('updates the requested scope and warns about the copies in other scopes', async () => {
    for (const scope of ['*', 'production']) {
      seed.gitlab.setVariable(
        { project: PROJECT },
        { key: KEY, value: seed.deploy.token, environmentScope: scope, masked: true },
      );
    }
    const run = await rotateDeploy();
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.lines.join('\n')).toMatch(/warn: .*also exists .*environment scope production; only scope \*/);
    const byScope = Object.fromEntries(
      variablesOf({ project: PROJECT }).map((each) => [each.environmentScope, each.value]),
    );
    expect(byScope['production']).toBe(seed.deploy.token);
    expect(seed.gitlab.tokenByValue(byScope['*'] ?? '')?.revoked).toBe(false);
  });
});

describe('the key exists in the group above the project named', () => {
  it("stops instead of creating a project variable that would hide the group's", async () => {
    seed.gitlab.setVariable({ group: 'platform' }, { key: KEY, value: seed.deploy.token, masked: true });
    const run = await runCli(ISSUE_COMMAND, seed.env());
    expect(run.exitCode, run.stderr).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain(
      'project platform/deployer inherits DEPLOY_TOKEN from group platform (environment scope *)',
    );
    expect(run.stderr).toContain('give variable-group platform');
    expect(run.stderr).toContain('create it there once by hand');
    expect(seed.changes()).toEqual([]);
    expect(variablesOf({ project: PROJECT })).toEqual([]);

    const fixed = await runCli(
      ISSUE_COMMAND.map((word) => (word === '--variable-project' ? '--variable-group' : word)).map((word) =>
        word === 'platform/deployer' ? 'platform' : word,
      ),
      seed.env(),
    );
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    const [groupVariable] = variablesOf({ group: 'platform' });
    expect(seed.gitlab.tokenByValue(groupVariable?.value ?? '')).toMatchObject({ revoked: false });
  });

  it('looks at every ancestor, and names the scope the copy has', async () => {
    seed.gitlab.addProject({ path: 'acme/platform/app' });
    seed.gitlab.setVariable(
      { group: 'acme' },
      { key: KEY, value: seed.deploy.token, environmentScope: 'production', masked: true },
    );
    const run = await rotateDeploy({ 'variable-project': 'acme/platform/app' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'inherits DEPLOY_TOKEN from group acme (environment scope production)',
    );
    expect(run.error?.message).toContain(
      'give variable-group acme and variable-environment-scope "production"',
    );
    expect(seed.changes()).toEqual([]);
  });

  it('creates the project variable when no group above has the key', async () => {
    seed.gitlab.setVariable({ group: 'platform' }, { key: 'OTHER_TOKEN', value: 'unrelated-value-1' });
    const run = await rotateDeploy();
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(variablesOf({ project: PROJECT }).map((each) => each.key)).toEqual([KEY]);
  });

  it('warns, and creates, when the groups above cannot be read (a project Maintainer is not their Owner)', async () => {
    seed.gitlab.setVariable({ group: 'platform' }, { key: KEY, value: 'unrelated-value-1', masked: true });
    const maintainer = seed.gitlab.issueToken({ user: 'svc-deploy', name: 'ci', scopes: ['api'] });
    const run = await runCore(seed.gitlab, {
      'gitlab-token': maintainer.token,
      'token-id': 'self',
      'variable-key': 'SELF_TOKEN',
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.lines.join('\n')).toMatch(
      /warn: .*SELF_TOKEN .* will be created, but whether SELF_TOKEN also exists in group platform \(its variables need the Owner role to read\) was not checked/,
    );
  });
});

describe('the key exists below the group named', () => {
  it("stops instead of creating a group variable that the project's own would override", async () => {
    seed.gitlab.setVariable({ project: PROJECT }, { key: KEY, value: seed.deploy.token, hidden: true });
    const run = await rotateDeploy({ 'variable-project': '', 'variable-group': 'platform' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'project platform/deployer (environment scope *) has its own DEPLOY_TOKEN, which overrides a group variable in its jobs',
    );
    expect(run.error?.message).toContain('give variable-project platform/deployer');
    expect(seed.changes()).toEqual([]);
    expect(variablesOf({ group: 'platform' })).toEqual([]);
  });

  it('finds the key in a subgroup and in a project of a subgroup', async () => {
    seed.gitlab.addGroup({ path: 'team', parent: 'platform' });
    for (let index = 0; index < 30; index += 1)
      seed.gitlab.addProject({ path: `platform/team/app-${index}` });
    seed.gitlab.setVariable(
      { group: 'platform/team' },
      { key: KEY, value: 'team-token-value', masked: true },
    );
    seed.gitlab.setVariable(
      { project: 'platform/team/app-29' },
      { key: KEY, value: 'app-token-value', environmentScope: 'review/*', masked: true },
    );
    const run = await rotateDeploy({ 'variable-project': '', 'variable-group': 'platform' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('group platform/team (environment scope *)');
    expect(run.error?.message).toContain('project platform/team/app-29 (environment scope review/*)');
    expect(seed.changes()).toEqual([]);
  });

  it('reads every page of what is below, checks the first 100 places, and warns about the rest', async () => {
    seed.gitlab.addMember({ group: 'platform' }, 'svc-deploy', OWNER);
    seed.gitlab.addGroup({ path: 'team', parent: 'platform' });
    for (let index = 0; index < 120; index += 1)
      seed.gitlab.addProject({ path: `platform/team/app-${index}` });
    const run = await rotateDeploy({
      'variable-project': '',
      'variable-group': 'platform',
      'variable-key': 'GROUP_TOKEN',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const projectPages = seed.gitlab.requests.filter((request) =>
      request.path.endsWith('/groups/platform/projects'),
    );
    expect(projectPages.map((request) => request.query['page'])).toEqual(['1', '2']);
    expect(run.lines.join('\n')).toContain(
      'whether GROUP_TOKEN also exists in 22 more projects and subgroups below group platform was not checked',
    );
  });

  it('creates the group variable when nothing below has the key', async () => {
    seed.gitlab.addMember({ group: 'platform' }, 'svc-deploy', OWNER);
    const run = await rotateDeploy({
      'variable-project': '',
      'variable-group': 'platform',
      'variable-key': 'GROUP_TOKEN',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(variablesOf({ group: 'platform' }).map((each) => each.key)).toEqual(['GROUP_TOKEN']);
  });
});

describe('the request budget', () => {
  it('costs nothing extra to update a variable in place: self-rotation stays at 5 requests', async () => {
    seed.gitlab.addMember({ project: PROJECT }, 'svc-deploy', MAINTAINER);
    seed.gitlab.setVariable({ group: 'platform' }, { key: KEY, value: 'group-copy-value', masked: true });
    seed.gitlab.setVariable({ project: PROJECT }, { key: KEY, value: seed.deploy.token, hidden: true });
    const run = await runCore(seed.gitlab, {
      'gitlab-token': seed.deploy.token,
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(seed.gitlab.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/v4/personal_access_tokens/self',
      'GET /api/v4/projects/platform%2Fdeployer/variables',
      'POST /api/v4/personal_access_tokens/self/rotate',
      'PUT /api/v4/projects/platform%2Fdeployer/variables/DEPLOY_TOKEN',
      'GET /api/v4/personal_access_tokens/self',
    ]);
  });

  it('spends the look-ups above only on the way to a create: the project, then each group above', async () => {
    const run = await rotateDeploy({ 'variable-key': 'NEW_TOKEN' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const lookups = seed.gitlab.requests
      .filter((request) => request.method === 'GET' && !request.path.includes('personal_access_tokens'))
      .map((request) => request.path);
    expect(lookups).toEqual([
      '/api/v4/users',
      '/api/v4/projects/platform%2Fdeployer/variables',
      '/api/v4/projects/platform%2Fdeployer',
      '/api/v4/groups/platform/variables',
    ]);
  });
});
