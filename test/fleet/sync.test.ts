/**
 * sync in-process against the emulator: every entry through the same create/rotate/revoke code, one entry's failure
 * never stopping the others, the most serious exit code, the credential's own entry last (or refused under a
 * shard), one operation per token at a time, and a run that slows down for GitLab's rate limit instead of failing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncReport } from '../../src/core/report/fleet-report.js';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import {
  FIVE_RESULTS,
  FLEET_TODAY,
  inventoryFiles,
  seedFleet,
  type FleetTokens,
} from '../support/fleet-fixture.js';
import { findLeaks } from '../support/leak-scan.js';
import { everythingWritten, runCore, type CoreRun } from '../support/run-core.js';

let gitlab: GitlabEmulator;
let tokens: FleetTokens;
let files: ReturnType<typeof inventoryFiles>;

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${FLEET_TODAY}T06:00:00Z` });
  tokens = seedFleet(gitlab);
  files = inventoryFiles();
});
afterEach(async () => {
  files[Symbol.dispose]();
  await gitlab.close();
});

async function sync(
  inventory: object | string,
  raw: Record<string, string> = {},
): Promise<CoreRun & { report: SyncReport }> {
  const run = await runCore(
    gitlab,
    {
      operation: 'sync',
      'gitlab-token': tokens.admin.token,
      inventory: files.write(inventory),
      debug: 'true',
      ...raw,
    },
    { outputs: [] },
  );
  expect(findLeaks(everythingWritten(run), gitlab.issuedTokenValues())).toEqual([]);
  return { ...run, report: run.result?.report as SyncReport };
}

const byKey = (report: SyncReport) => Object.fromEntries(report.tokens.map((token) => [token.key, token]));
const variable = (project: string, key: string) =>
  gitlab.variables({ project }).find((each) => each.key === key);

describe('sync', () => {
  it('brings five entries to their declared state, one of each result, and ends with the most serious exit code', async () => {
    const run = await sync(FIVE_RESULTS);
    expect(run.error).toBeUndefined();
    expect(run.result?.exitCode).toBe(1);
    expect(run.report.summary).toEqual({
      total: 5,
      rotated: 1,
      created: 1,
      revoked: 1,
      unchanged: 1,
      failed: 1,
    });
    const entries = byKey(run.report);
    expect(Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, entry.result]))).toEqual({
      'deploy-a': 'rotated',
      'ci-b': 'created',
      'legacy-c': 'revoked',
      'registry-d': 'unchanged',
      'ghost-e': 'failed',
    });
    // Rotated: the old token is revoked, the new one is in its variable.
    const [rotated] = gitlab.activeTokens('svc-a');
    expect(gitlab.token(tokens.due.id)?.revoked).toBe(true);
    expect(entries['deploy-a']).toMatchObject({
      'token-id': rotated?.id,
      'previous-token-id': tokens.due.id,
      'exit-code': 0,
    });
    expect(variable('platform/a', 'DEPLOY_TOKEN')).toMatchObject({
      value: rotated?.value,
      masked: true,
      hidden: true,
    });
    // Created with the entry's scopes, into its variable.
    const [created] = gitlab.activeTokens('svc-b');
    expect(created).toMatchObject({ name: 'ci', scopes: ['read_api', 'read_repository'] });
    expect(variable('platform/b', 'CI_TOKEN')?.value).toBe(created?.value);
    expect(gitlab.token(tokens.retired.id)?.revoked).toBe(true);
    expect(gitlab.token(tokens.fresh.id)?.revoked).toBe(false);
    expect(entries['ghost-e']).toMatchObject({ 'exit-code': 1 });
    expect(entries['ghost-e']?.error).toContain('create-missing');
    // Progress lines, one per entry.
    expect(run.lines.filter((line) => /^info: \[\d\/5\] /.test(line))).toHaveLength(5);
    for (const token of run.report.tokens) {
      expect(
        run.lines.some((line) => new RegExp(`^info: \\[\\d/5\\] ${token.key}: ${token.result}$`).test(line)),
      ).toBe(true);
    }
  });

  it('is idempotent: a second run changes nothing and exits 0 once the missing entry is fixed', async () => {
    const fixed = { ...FIVE_RESULTS, tokens: FIVE_RESULTS.tokens.filter((entry) => entry.key !== 'ghost-e') };
    expect((await sync(fixed)).result?.exitCode).toBe(0);
    gitlab.clearRequests();
    const again = await sync(fixed);
    expect(again.result?.exitCode).toBe(0);
    expect(again.report.summary).toMatchObject({ unchanged: 4, rotated: 0, created: 0, revoked: 0 });
    expect(gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('changes nothing on a dry run and reports the plan', async () => {
    const run = await sync(FIVE_RESULTS, { 'dry-run': 'true' });
    expect(run.report.tokens.map((token) => token.result)).toEqual([
      'would-rotate',
      'would-create',
      'would-revoke',
      'unchanged',
      'failed',
    ]);
    expect(gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    // The log says what a dry run would do, not what it does.
    expect(run.lines.some((line) => line.includes('would create it (create-missing)'))).toBe(true);
    expect(run.lines.some((line) => line.includes('creating it'))).toBe(false);
  });

  it('exits 3 when one variable write fails after its rotation, with the token in the fallback, and does the others', async () => {
    gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/projects/platform%2Fa/variables',
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const run = await sync({ ...FIVE_RESULTS, tokens: FIVE_RESULTS.tokens.slice(0, 4) });
    expect(run.result?.exitCode).toBe(3);
    const entries = byKey(run.report);
    expect(entries['deploy-a']).toMatchObject({ result: 'failed', 'exit-code': 3 });
    expect(entries['deploy-a']?.['stored-in']).toEqual([
      'CI/CD variable DEPLOY_TOKEN_FALLBACK in project platform/a (environment scope *)',
    ]);
    const [rotated] = gitlab.activeTokens('svc-a');
    expect(variable('platform/a', 'DEPLOY_TOKEN_FALLBACK')?.value).toBe(rotated?.value);
    expect(entries['ci-b']?.result).toBe('created');
    expect(entries['legacy-c']?.result).toBe('revoked');
  });

  it('runs the entry that rotates the credential itself after every other entry, and the others with the old one', async () => {
    gitlab.addProject({ path: 'platform/fleet' });
    const inventory = {
      defaults: { 'expires-in': '90d' },
      tokens: [
        // First in the file, but the credential: it must wait for the rest.
        {
          key: 'fleet-self',
          variables: [{ key: 'FLEET_TOKEN', project: 'platform/fleet' }],
          'rotate-before': '200d',
          'expires-in': '1y',
        },
        ...FIVE_RESULTS.tokens.slice(0, 2),
      ],
    };
    const run = await sync(inventory);
    expect(run.result?.exitCode, run.lines.join('\n')).toBe(0);
    const rotations = gitlab.requests.filter(
      (request) => request.method === 'POST' && request.path.endsWith('/rotate'),
    );
    expect(rotations.at(-1)?.path).toBe('/api/v4/personal_access_tokens/self/rotate');
    const selfRotation = gitlab.requests.findIndex((request) => request.path.endsWith('/self/rotate'));
    // Nothing was sent after the credential rotated but the rotation's own writes and verification.
    expect(
      gitlab.requests.slice(selfRotation + 1).every((request) => request.authTokenId !== tokens.admin.id),
    ).toBe(true);
    expect(run.lines.filter((line) => /^info: \[\d\/3\]/.test(line)).at(-1)).toBe(
      'info: [3/3] fleet-self: rotated',
    );
    expect(run.lines.at(-1)).toMatch(
      /^warn: tokens\[0\] \(fleet-self\) rotated gitlab-token itself; the new token is in CI\/CD variable FLEET_TOKEN/,
    );
  });

  it('defers an entry that turns out to be the credential (selected by name) until every other entry is done', async () => {
    gitlab.addProject({ path: 'platform/fleet' });
    const inventory = {
      tokens: [
        {
          key: 'fleet-by-name',
          user: 'root',
          'token-name': 'fleet',
          'rotate-before': '200d',
          'expires-in': '1y',
          variables: [{ key: 'FLEET_TOKEN', project: 'platform/fleet' }],
        },
        ...FIVE_RESULTS.tokens.slice(0, 2),
      ],
    };
    const run = await sync(inventory);
    expect(run.result?.exitCode, run.lines.join('\n')).toBe(0);
    expect(run.lines.filter((line) => /^info: \[\d\/3\]/.test(line)).at(-1)).toBe(
      'info: [3/3] fleet-by-name: rotated',
    );
    const rotations = gitlab.requests.filter((request) => request.path.endsWith('/rotate'));
    // The credential rotates itself through its self endpoint, however it was selected.
    expect(rotations.at(-1)?.path).toBe('/api/v4/personal_access_tokens/self/rotate');
  });

  it('refuses, before any request, an entry that rotates the credential in a sharded run', async () => {
    const inventory = { tokens: [{ key: 'fleet-self', variables: [{ key: 'T', project: 'platform/a' }] }] };
    let run: CoreRun | undefined;
    for (const shard of ['1/2', '2/2']) {
      const attempt = await sync(inventory, { shard });
      if (attempt.error) run = attempt;
    }
    expect(run?.error?.message).toContain('manages the credential itself');
    expect((run?.error as { exitCode?: number }).exitCode).toBe(2);
  });

  it('handles a dozen entries three at a time, each created exactly once', async () => {
    gitlab.setLatency(5);
    const many = Array.from({ length: 12 }, (_, index) => ({
      key: `t${index}`,
      user: 'svc-a',
      'token-name': `t${index}`,
      'create-missing': true,
      scopes: ['read_api'],
      variables: [{ key: `T${index}`, project: 'platform/a' }],
    }));
    const run = await sync({ tokens: many }, { concurrency: '3' });
    expect(run.result?.exitCode, run.lines.join('\n')).toBe(0);
    expect(gitlab.activeTokens('svc-a').filter((token) => token.name.startsWith('t'))).toHaveLength(12);
  });

  it('slows down for a rate limit instead of failing: every request waits when GitLab says none are left', async () => {
    gitlab.faults.inject({
      method: 'GET',
      path: /personal_access_tokens$/,
      times: 1,
      headers: {
        'ratelimit-limit': '2000',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(Math.floor(Date.parse(`${FLEET_TODAY}T06:00:30Z`) / 1000)),
      },
    });
    gitlab.faults.inject({
      method: 'GET',
      path: /personal_access_tokens$/,
      times: 1,
      respond: { status: 429, headers: { 'retry-after': '7' }, body: { message: 'Retry later' } },
    });
    const run = await sync({ ...FIVE_RESULTS, tokens: FIVE_RESULTS.tokens.slice(0, 4) });
    expect(run.result?.exitCode, run.lines.join('\n')).toBe(0);
    expect(run.lines.some((line) => line.includes('rate limit is nearly used up'))).toBe(true);
    expect(run.lines.some((line) => line.includes('rate limit was reached (429, Retry-After 7 s)'))).toBe(
      true,
    );
    expect(run.sleeps.filter((ms) => ms >= 7_000).length).toBeGreaterThan(0);
  });
});
