/**
 * Issue 8, kind 5: silent truncation. Every list reads every page (gitlab-client.ts `all`: at once when GitLab says
 * how many pages there are, one after another by x-next-page above 10,000 rows, where GitLab stops counting), or
 * stops loudly, saying how far it got and why. Selection by name never misses a match for a page limit, and the
 * CI/CD variables are read to their last page too.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { htmlErrorPage } from '../emulator/index.js';
import { runCore, type CoreRun } from '../support/run-core.js';
import { runCli } from '../support/run-dist.js';
import { KEY, PROJECT, useIssueSeed } from './issue-seed.js';

const seed = useIssueSeed();
const exitCodeOf = (run: CoreRun) => (run.error ? ((run.error as { exitCode?: number }).exitCode ?? -1) : 0);
const tokenPages = () =>
  seed.gitlab.requests.filter((request) => request.path === '/api/v4/personal_access_tokens');

/** The README's one-token-per-pipeline pattern, after a while: `revoked` revoked tokens, then the current one. */
function releaseBotWith(revoked: number): number {
  seed.gitlab.addUser({ username: 'release-bot' });
  seed.gitlab.issueTokens({
    user: 'release-bot',
    count: revoked,
    name: 'release',
    scopes: ['api'],
    revoked: true,
  });
  return seed.gitlab.issueToken({ user: 'release-bot', name: 'release', scopes: ['api'] }).id;
}

interface ListJson {
  count: number;
  tokens: { id: number; state: string }[];
}

describe('list reads every page', () => {
  it("5,051 tokens, the newest active one the 5,051st: the issue's command returns all of them", async () => {
    const newest = releaseBotWith(5_050);
    const run = await runCli(['list', '--user', 'release-bot', '--state', 'all'], seed.env());
    expect(run.exitCode, run.stderr).toBe(0);
    const json = run.json as ListJson;
    expect(json.count).toBe(5051);
    expect(json.tokens.filter((token) => token.state === 'active').map((token) => token.id)).toEqual([
      newest,
    ]);
    expect(tokenPages()).toHaveLength(51);
  });

  it('10,051 tokens, where GitLab leaves out x-total and x-total-pages: follows x-next-page to the end', async () => {
    const newest = releaseBotWith(10_050);
    const run = await runCli(['list', '--user', 'release-bot', '--state', 'all'], seed.env());
    expect(run.exitCode, run.stderr).toBe(0);
    const json = run.json as ListJson;
    expect(json.count).toBe(10051);
    expect(json.tokens.some((token) => token.id === newest && token.state === 'active')).toBe(true);
    expect(tokenPages().map((request) => Number(request.query['page']))).toEqual(
      Array.from({ length: 101 }, (_, index) => index + 1),
    );
  });
});

describe('selection by name never misses a match for a page limit', () => {
  it('finds "release" after 5,050 active tokens whose names start with it', async () => {
    seed.gitlab.addUser({ username: 'release-bot' });
    seed.gitlab.issueTokens({
      user: 'release-bot',
      count: 5_050,
      name: (index) => `release-${index + 1}`,
      scopes: ['api'],
    });
    const exact = seed.gitlab.issueToken({ user: 'release-bot', name: 'release', scopes: ['api'] });
    const get = await runCli(['get', '--user', 'release-bot', '--token-name', 'release'], seed.env());
    expect(get.exitCode, get.stderr).toBe(0);
    expect(get.json).toMatchObject({ 'token-id': exact.id });

    const revoke = await runCli(['revoke', '--user', 'release-bot', '--token-name', 'release'], seed.env());
    expect(revoke.exitCode, revoke.stderr).toBe(0);
    expect(seed.gitlab.token(exact.id)?.revoked).toBe(true);
    expect(seed.gitlab.activeTokens('release-bot')).toHaveLength(5_050);
  });
});

describe('a page that fails stops the run loudly', () => {
  it('exit 1, saying how many pages were read and which one failed, with no partial list', async () => {
    releaseBotWith(5_050);
    seed.gitlab.faults.inject({
      path: '/api/v4/personal_access_tokens',
      query: { page: '30' },
      respond: htmlErrorPage(403, { server: 'cloudflare' }),
    });
    const run = await runCli(['list', '--user', 'release-bot', '--state', 'all'], seed.env());
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toMatch(
      /Listing the tokens of user release-bot \(after \d+ of 51 pages, \d+ items\) at page 30 on http:\/\/127\.0\.0\.1:\d+ failed: GitLab answered 403/,
    );
    expect(run.stderr).toContain('The run stopped rather than go on with a partial list');
    expect(run.json).toEqual({ operation: 'list', 'exit-code': 1 });
  });

  it('says how far it got where GitLab does not count the pages, after the retries of a 500', async () => {
    releaseBotWith(10_050);
    seed.gitlab.faults.inject({
      path: '/api/v4/personal_access_tokens',
      query: { page: '60' },
      times: 10,
      respond: { status: 500, body: { message: '500 Internal Server Error' } },
    });
    const run = await runCore(seed.gitlab, {
      operation: 'list',
      'gitlab-token': seed.admin.token,
      user: 'release-bot',
      state: 'all',
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'Listing the tokens of user release-bot (after 59 pages, 5900 items) at page 60',
    );
    expect(run.error?.message).toContain('GitLab answered 500');
    expect(run.result).toBeUndefined();
  });

  it('a rotation selecting by name stops before changing anything when a page of the list fails', async () => {
    seed.gitlab.issueTokens({
      user: 'svc-deploy',
      count: 250,
      name: (index) => `deploy-${index}`,
      scopes: ['api'],
    });
    seed.gitlab.faults.inject({
      path: '/api/v4/personal_access_tokens',
      query: { page: '3' },
      respond: { status: 404, body: { message: '404 Not found' } },
    });
    const run = await runCore(seed.gitlab, {
      'gitlab-token': seed.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toMatch(/\(after \d of 3 pages, \d+ items\) at page 3/);
    expect(seed.changes()).toEqual([]);
  });
});

describe('CI/CD variables are read to the last page', () => {
  function manyVariables(count: number) {
    for (let index = 0; index < count; index += 1) {
      seed.gitlab.setVariable(
        { project: PROJECT },
        { key: `VAR_${String(index).padStart(3, '0')}`, value: 'x' },
      );
    }
  }

  it('updates a variable on the second page in place, instead of creating a second one', async () => {
    manyVariables(150);
    seed.gitlab.setVariable({ project: PROJECT }, { key: KEY, value: seed.deploy.token, hidden: true });
    const run = await runCore(seed.gitlab, {
      'gitlab-token': seed.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const pages = seed.gitlab.requests.filter((request) => request.path.endsWith('/variables'));
    expect(pages.map((request) => request.query['page'])).toEqual(['1', '2']);
    expect(
      seed.gitlab.requests.filter(
        (request) => request.method === 'POST' && request.path.endsWith('/variables'),
      ),
    ).toEqual([]);
    const copies = seed.gitlab.variables({ project: PROJECT }).filter((variable) => variable.key === KEY);
    expect(copies).toHaveLength(1);
    expect(seed.gitlab.tokenByValue(copies[0]?.value ?? '')).toMatchObject({ revoked: false });
  });

  it('stops before the rotation when a page of the variables cannot be read', async () => {
    manyVariables(150);
    seed.gitlab.faults.inject({
      path: `/api/v4/projects/${encodeURIComponent(PROJECT)}/variables`,
      query: { page: '2' },
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const run = await runCore(seed.gitlab, {
      'gitlab-token': seed.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'Checking that the credential may write CI/CD variable DEPLOY_TOKEN in project platform/deployer (environment scope *) (after 1 of 2 pages, 100 items) at page 2',
    );
    expect(run.error?.message).toContain('answered 403');
    expect(seed.changes()).toEqual([]);
  });
});
