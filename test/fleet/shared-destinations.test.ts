/**
 * One place holds one token: two entries of a sync that deliver to the same place (a CI/CD variable, a fallback
 * variable, a GitHub secret) would overwrite each other, and the first one's new token would be lost while both
 * report where it is. What the file shows is refused before any request (exit 2); a project or group named by path
 * in one entry and by id in another is caught at run time, before the second entry changes anything, while the
 * first runs. Through the built CLI against the emulators.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncReport } from '../../src/core/report/fleet-report.js';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { startGithubEmulator } from '../github-emulator/index.js';
import { FLEET_TODAY, inventoryFiles, seedFleet, type FleetTokens } from '../support/fleet-fixture.js';
import { runCli } from '../support/run-dist.js';

let gitlab: GitlabEmulator;
let tokens: FleetTokens;
let files: ReturnType<typeof inventoryFiles>;
/** svc-b's token "deploy", due like svc-a's. */
let dueB: { id: number; token: string };

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${FLEET_TODAY}T06:00:00Z` });
  tokens = seedFleet(gitlab);
  dueB = gitlab.issueToken({
    user: 'svc-b',
    name: 'deploy',
    scopes: ['api'],
    createdAt: '2026-09-02T00:00:00Z',
    expiresAt: '2026-12-02',
  });
  files = inventoryFiles();
});
afterEach(async () => {
  files[Symbol.dispose]();
  await gitlab.close();
});

const sync = (inventory: object, env: Record<string, string> = {}, flags: string[] = []) =>
  runCli(['sync', '--inventory', files.write(inventory), '--concurrency', '1', ...flags], {
    GITLAB_TOKEN: tokens.admin.token,
    GITLAB_URL: gitlab.url,
    ...env,
  });

const entry = (key: string, user: string, extra: object) => ({ key, user, 'token-name': 'deploy', ...extra });
const activeIds = (user: string) => gitlab.activeTokens(user).map((token) => token.id);
const variableValue = (owner: { project: string } | { group: string }, key: string, scope = '*') =>
  gitlab.variables(owner).find((each) => each.key === key && each.environmentScope === scope)?.value;

describe('two entries, one place, as the file shows: refused before any request', () => {
  async function refusedWithGithub(
    places: [object, object],
    environments: readonly string[] = [],
  ): Promise<{ stderr: string; githubRequests: number }> {
    await using github = await startGithubEmulator();
    github.addRepository('octo-org/deployer', { environments });
    const githubToken = github.issueToken({
      grants: [{ repository: 'octo-org/deployer', secrets: 'write', environments: 'write' }],
    });
    const run = await sync(
      {
        tokens: [
          entry('a', 'svc-a', { 'github-secrets': [places[0]] }),
          entry('b', 'svc-b', { 'github-secrets': [places[1]] }),
        ],
      },
      { GITHUB_API_URL: github.url, GITLAB_PAT_GITHUB_TOKEN: githubToken },
    );
    expect(run.exitCode).toBe(2);
    return { stderr: run.stderr, githubRequests: github.requests.length };
  }

  it('the same GitHub secret of one repository', async () => {
    const { stderr, githubRequests } = await refusedWithGithub([
      { name: 'SHARED', repository: 'octo-org/deployer' },
      { name: 'shared', repository: 'Octo-Org/Deployer' },
    ]);
    expect(stderr).toContain(
      "tokens[1] (b): github-secrets[0]: GitHub Actions secret shared in repository Octo-Org/Deployer is also written by tokens[0] (a) (github-secrets[0]); one place holds one token, or one entry's new token would overwrite the other's and be lost. Give one of them another name.",
    );
    expect(githubRequests).toBe(0);
    expect(gitlab.requests).toEqual([]);
    expect(activeIds('svc-a')).toEqual([tokens.due.id]);
  });

  it('the same GitHub secret of one environment', async () => {
    const { stderr } = await refusedWithGithub(
      [
        { name: 'SHARED', repository: 'octo-org/deployer', environment: 'production' },
        { name: 'SHARED', repository: 'octo-org/deployer', environment: 'Production' },
      ],
      ['production'],
    );
    expect(stderr).toContain(
      'tokens[1] (b): github-secrets[0]: GitHub Actions secret SHARED in environment "Production" of repository octo-org/deployer is also written by tokens[0] (a) (github-secrets[0])',
    );
    expect(gitlab.requests).toEqual([]);
  });

  it("one entry's variable is another entry's fallback", async () => {
    const run = await sync({
      tokens: [
        entry('a', 'svc-a', { variables: [{ key: 'DEPLOY', project: 'platform/a' }] }),
        entry('b', 'svc-b', { variables: [{ key: 'DEPLOY_FALLBACK', project: 'platform/a' }] }),
      ],
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'tokens[1] (b): variables[0]: CI/CD variable DEPLOY_FALLBACK in project platform/a (environment scope *) is also the fallback of tokens[0] (a) (variables[0].fallback-key), where its new token goes when a write fails',
    );
    expect(run.stderr).toContain('Give tokens[0] (a) variables[0] another fallback-key');
    expect(gitlab.requests).toEqual([]);
    expect(activeIds('svc-a')).toEqual([tokens.due.id]);
    expect(activeIds('svc-b')).toEqual([dueB.id]);
  });
});

describe('a project or group named by path in one entry and by id in another: the second entry is left alone', () => {
  const sharedBy = (first: object, second: object, key = 'SHARED') => ({
    tokens: [
      entry('a', 'svc-a', { variables: [{ key, ...first }] }),
      entry('b', 'svc-b', { variables: [{ key, ...second }] }),
    ],
  });

  it('one project variable: the first entry rotates into it, the second changes nothing and says why', async () => {
    const id = gitlab.project('platform/a')?.id;
    const run = await sync(sharedBy({ project: 'platform/a' }, { project: String(id) }));
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as SyncReport;
    const [a, b] = report.tokens;
    expect(a).toMatchObject({ key: 'a', result: 'rotated', 'exit-code': 0 });
    expect(b).toMatchObject({
      key: 'b',
      result: 'failed',
      'exit-code': 1,
      'token-id': null,
      'stored-in': [],
    });
    expect(b?.error).toBe(
      `tokens[1] (b) was left alone: its variables[0], CI/CD variable SHARED in project ${id} (environment scope *), is the same variable as CI/CD variable SHARED in project platform/a (environment scope *) (both are project id ${id}), which tokens[0] (a) writes (variables[0]). One variable holds one token: tokens[1] (b) would overwrite the other's new token, which would be lost. Name the project the same way in both entries (path or id) and give one of them another key.`,
    );
    const [newA] = gitlab.activeTokens('svc-a');
    expect(variableValue({ project: 'platform/a' }, 'SHARED')).toBe(newA?.value);
    expect(activeIds('svc-b')).toEqual([dueB.id]);
    // One read told the path's id, and the create's own look above the project used the same answer.
    expect(
      gitlab.requests.filter(
        (request) => request.method === 'GET' && /^\/api\/v4\/projects\/[^/]+$/.test(request.path),
      ),
    ).toHaveLength(1);
  });

  it('whichever way comes first: by id first, the path second is left alone', async () => {
    const id = gitlab.project('platform/a')?.id;
    const run = await sync(sharedBy({ project: String(id) }, { project: 'PLATFORM/A' }));
    expect(run.exitCode).toBe(1);
    const [a, b] = (JSON.parse(run.stdout) as SyncReport).tokens;
    expect(a?.result).toBe('rotated');
    expect(b?.result).toBe('failed');
    expect(b?.error).toContain(`(both are project id ${id}), which tokens[0] (a) writes (variables[0])`);
    expect(activeIds('svc-b')).toEqual([dueB.id]);
  });

  it('one group variable', async () => {
    const id = gitlab.group('platform')?.id;
    const run = await sync(sharedBy({ group: 'platform' }, { group: String(id) }));
    expect(run.exitCode).toBe(1);
    const [a, b] = (JSON.parse(run.stdout) as SyncReport).tokens;
    expect(a?.result).toBe('rotated');
    expect(b?.error).toContain(
      `CI/CD variable SHARED in group ${id} (environment scope *), is the same variable as CI/CD variable SHARED in group platform (environment scope *) (both are group id ${id})`,
    );
    expect(b?.error).toContain('Name the group the same way in both entries');
    expect(variableValue({ group: 'platform' }, 'SHARED')).toBe(gitlab.activeTokens('svc-a')[0]?.value);
    expect(activeIds('svc-b')).toEqual([dueB.id]);
  });

  it("one entry's variable is the other's fallback, by path and by id: refused on a dry run too", async () => {
    const id = gitlab.project('platform/a')?.id;
    const run = await sync(
      sharedBy({ project: 'platform/a' }, { project: String(id), key: 'SHARED_FALLBACK' }),
      {},
      ['--dry-run'],
    );
    expect(run.exitCode).toBe(1);
    const [a, b] = (JSON.parse(run.stdout) as SyncReport).tokens;
    expect(a?.result).toBe('would-rotate');
    expect(b?.error).toContain(
      'is the same variable as CI/CD variable SHARED_FALLBACK in project platform/a (environment scope *)',
    );
    expect(b?.error).toContain('the fallback of tokens[0] (a) (variables[0].fallback-key)');
    expect(gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('different environment scopes of one key are two variables: both rotate, without a read to tell', async () => {
    const id = gitlab.project('platform/a')?.id;
    for (const environmentScope of ['production', 'staging']) {
      gitlab.setVariable(
        { project: 'platform/a' },
        { key: 'SHARED', value: 'x'.repeat(20), environmentScope, masked: true },
      );
    }
    const run = await sync(
      sharedBy(
        { project: 'platform/a', 'environment-scope': 'production' },
        { project: String(id), 'environment-scope': 'staging' },
      ),
    );
    expect(run.exitCode).toBe(0);
    expect(variableValue({ project: 'platform/a' }, 'SHARED', 'production')).toBe(
      gitlab.activeTokens('svc-a')[0]?.value,
    );
    expect(variableValue({ project: 'platform/a' }, 'SHARED', 'staging')).toBe(
      gitlab.activeTokens('svc-b')[0]?.value,
    );
    expect(
      gitlab.requests.filter(
        (request) => request.method === 'GET' && /^\/api\/v4\/projects\/[^/]+$/.test(request.path),
      ),
    ).toEqual([]);
  });
});
