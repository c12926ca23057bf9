/**
 * audit in-process against the emulator: what each credential can see (an administrator the whole instance, a group
 * Owner their own tokens and their groups', or one user, group or project), each token's findings, exit 5 on what
 * fail-on names, and the JUnit file as a JUnit reader (junit2json) reads it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/report/fleet-report.js';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { FLEET_TODAY, inventoryFiles } from '../support/fleet-fixture.js';
import { findLeaks } from '../support/leak-scan.js';
import { everythingWritten, runCore } from '../support/run-core.js';

let gitlab: GitlabEmulator;
let files: ReturnType<typeof inventoryFiles>;
let admin: { id: number; token: string };
let owner: { id: number; token: string };

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${FLEET_TODAY}T06:00:00Z` });
  files = inventoryFiles();
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'olga' });
  gitlab.addUser({ username: 'svc-old', serviceAccount: true });
  gitlab.addGroup({ path: 'acme', members: [{ user: 'olga', accessLevel: 50 }] });
  gitlab.addProject({ path: 'acme/app' });
  gitlab.addProject({ path: 'other/app' });
  admin = gitlab.issueToken({
    user: 'root',
    name: 'auditor',
    scopes: ['api', 'sudo'],
    expiresAt: '2027-06-01',
  });
  owner = gitlab.issueToken({ user: 'olga', name: 'olga-cli', scopes: ['api'], expiresAt: '2027-05-01' });
  gitlab.issueToken({ user: 'svc-old', name: 'expired', scopes: ['api'], expiresAt: '2026-11-20' });
  gitlab.issueToken({ user: 'svc-old', name: 'soon', scopes: ['api'], expiresAt: '2026-12-10' });
  gitlab.issueToken({
    user: 'svc-old',
    name: 'forever',
    scopes: ['read_api'],
    expiresAt: null,
    createdAt: '2025-01-01T00:00:00Z',
  });
  gitlab.issueToken({
    user: 'svc-old',
    name: 'gone',
    scopes: ['api'],
    expiresAt: '2027-01-10',
    revoked: true,
  });
  gitlab.issueResourceToken({
    project: 'acme/app',
    name: 'deploy',
    scopes: ['api'],
    expiresAt: '2026-12-01',
  });
  gitlab.issueResourceToken({
    group: 'acme',
    name: 'group-ci',
    scopes: ['read_api'],
    expiresAt: '2027-08-01',
  });
  gitlab.issueResourceToken({
    project: 'other/app',
    name: 'elsewhere',
    scopes: ['api'],
    expiresAt: '2027-08-01',
  });
});
afterEach(async () => {
  files[Symbol.dispose]();
  await gitlab.close();
});

async function audit(token: string, raw: Record<string, string> = {}) {
  const run = await runCore(gitlab, { operation: 'audit', 'gitlab-token': token, ...raw }, { outputs: [] });
  expect(findLeaks(everythingWritten(run), gitlab.issuedTokenValues())).toEqual([]);
  const report = run.result?.report as AuditReport | undefined;
  const findings = Object.fromEntries((report?.tokens ?? []).map((row) => [row['token-name'], row.findings]));
  return { run, report, findings };
}

describe('audit', () => {
  it('as an administrator, sees every token on the instance with its findings, and exits 5 on expired and expiring', async () => {
    const inventory = files.write({
      tokens: [{ key: 'soon', user: 'svc-old', 'token-name': 'soon' }],
    });
    const junit = join(files.dir, 'audit.xml');
    const { run, report, findings } = await audit(admin.token, { inventory, 'junit-file': junit });
    expect(run.error).toBeUndefined();
    expect(run.result?.exitCode).toBe(5);
    expect(Object.keys(findings).sort()).toEqual(
      ['auditor', 'deploy', 'elsewhere', 'expired', 'forever', 'group-ci', 'olga-cli', 'soon'].sort(),
    );
    expect(findings).toMatchObject({
      expired: ['expired', 'unmanaged'],
      soon: ['expiring'],
      forever: ['never-expires', 'unused', 'unmanaged'],
      deploy: ['expiring', 'unmanaged'],
      auditor: ['unmanaged', 'admin-scopes'],
    });
    expect(report?.summary).toMatchObject({
      total: 8,
      failing: 3,
      expired: 1,
      expiring: 2,
      'admin-scopes': 1,
    });
    expect(report?.tokens[0]?.['token-name']).toBe('expired');
    expect(report?.tokens.find((row) => row['token-name'] === 'soon')?.['managed-by']).toBe('soon');

    // A JUnit reader sees one test case per token, the failing ones failed.
    const parsed = (await parseJunit(readFileSync(junit, 'utf8'))) as {
      tests?: number;
      failures?: number;
      testsuite?: { testcase?: { name?: string; failure?: { message?: string }[] }[] }[];
    };
    expect(parsed).toMatchObject({ tests: 8, failures: 3 });
    const cases = parsed.testsuite?.[0]?.testcase ?? [];
    expect(cases).toHaveLength(8);
    const failed = cases
      .filter((testcase) => testcase.failure !== undefined)
      .map((testcase) => testcase.name);
    expect(failed.sort()).toEqual(
      [
        expect.stringMatching(/^deploy /),
        expect.stringMatching(/^expired /),
        expect.stringMatching(/^soon /),
      ].sort(),
    );
  });

  it('fails on nothing with fail-on none, and on what fail-on names', async () => {
    expect((await audit(admin.token, { 'fail-on': 'none' })).run.result?.exitCode).toBe(0);
    expect((await audit(admin.token, { 'fail-on': 'admin-scopes' })).run.result?.exitCode).toBe(5);
    const { run } = await audit(admin.token, { 'fail-on': 'expired,bogus' });
    expect(run.error?.message).toContain('fail-on: expected findings separated by commas');
  });

  it("as a group Owner, sees their own tokens and the group's and its projects', not other people's", async () => {
    const { findings, report } = await audit(owner.token);
    expect(Object.keys(findings).sort()).toEqual(['deploy', 'group-ci', 'olga-cli']);
    expect(report?.tokens.find((row) => row['token-name'] === 'deploy')).toMatchObject({
      'token-kind': 'project',
      owner: 'project acme/app',
    });
    expect(report?.scope).toContain('1 owned group');
  });

  it('narrows to one project, group or user', async () => {
    expect(Object.keys((await audit(admin.token, { project: 'other/app' })).findings)).toEqual(['elsewhere']);
    expect(Object.keys((await audit(admin.token, { group: 'acme' })).findings).sort()).toEqual([
      'deploy',
      'group-ci',
    ]);
    expect(Object.keys((await audit(admin.token, { user: 'svc-old' })).findings).sort()).toEqual([
      'expired',
      'forever',
      'soon',
    ]);
  });

  it('reads every page of thousands of tokens concurrently once GitLab says how many', async () => {
    gitlab.issueTokens({ user: 'svc-old', count: 2_500, scopes: ['read_api'], expiresAt: '2027-09-01' });
    gitlab.clearRequests();
    const { report } = await audit(admin.token, { 'fail-on': 'none' });
    expect(report?.summary.total).toBe(2_508);
    const lists = gitlab.requests.filter((request) => request.path === '/api/v4/personal_access_tokens');
    expect(lists).toHaveLength(26);
  });
});

describe('findings', () => {
  it('are the same whether computed one token at a time or for a whole audit at once', async () => {
    const { findingsOf, findingsEvaluator } = await import('../../src/core/report/findings.js');
    const policy = {
      expiresWithin: { amount: 1, unit: 'm', text: '1m' },
      unusedFor: { amount: 90, unit: 'd', text: '90d' },
    } as const;
    const evaluate = findingsEvaluator(policy, '2026-11-27');
    const base = {
      kind: 'personal' as const,
      id: 1,
      name: 't',
      description: null,
      revoked: false,
      active: true,
      userId: 1,
      accessLevel: null,
      resource: null,
    };
    for (const expiresAt of [null, '2026-11-26', '2026-11-27', '2026-11-28', '2026-12-27', '2026-12-28']) {
      for (const lastUsedAt of [null, '2026-08-28T10:00:00Z', '2026-08-29T00:00:00Z']) {
        for (const scopes of [['api'], ['sudo']]) {
          const token = { ...base, expiresAt, lastUsedAt, scopes, createdAt: '2026-01-01T00:00:00Z' };
          for (const managed of [undefined, true, false]) {
            expect(evaluate(token, managed)).toEqual(findingsOf(token, policy, '2026-11-27', managed));
          }
        }
      }
    }
  });
});
