/**
 * sync and audit through the bundled CLI and Action, as child processes against the emulator: the five results of
 * an inventory and the run's exit code, a failed variable write (exit 3), a bad inventory (exit 2, no request),
 * three shards that cover every entry once, and an audit that fails with exit 5 and writes a JUnit file a JUnit
 * reader reads. The last test scans everything these runs wrote for every token value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { startGithubEmulator } from '../github-emulator/index.js';
import {
  FIVE_RESULTS,
  FLEET_TODAY,
  inventoryFiles,
  seedFleet,
  type FleetTokens,
} from '../support/fleet-fixture.js';
import { findLeaks } from '../support/leak-scan.js';
import { runAction, runCli, transcript } from '../support/run-dist.js';

let gitlab: GitlabEmulator;
let tokens: FleetTokens;
let files: ReturnType<typeof inventoryFiles>;
const everyIssuedValue = new Set<string>();

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${FLEET_TODAY}T06:00:00Z` });
  tokens = seedFleet(gitlab);
  files = inventoryFiles();
});
afterEach(async () => {
  for (const value of gitlab.issuedTokenValues()) everyIssuedValue.add(value);
  files[Symbol.dispose]();
  await gitlab.close();
});

const cli = (args: string[]) => runCli(args, { GITLAB_TOKEN: tokens.admin.token, GITLAB_URL: gitlab.url });
interface Report {
  summary: Record<string, number>;
  shard: string | null;
  tokens: { key: string; result: string; 'exit-code': number }[];
}

describe('the CLI', () => {
  it('syncs five entries, one of each result: JSON report on stdout, progress and a table on stderr, exit 1', async () => {
    const run = await cli(['sync', '--inventory', files.write(FIVE_RESULTS)]);
    expect(run.exitCode, run.stderr).toBe(1);
    const report = run.json as Report;
    expect(report.summary).toEqual({ total: 5, rotated: 1, created: 1, revoked: 1, unchanged: 1, failed: 1 });
    expect(Object.fromEntries(report.tokens.map((token) => [token.key, token.result]))).toEqual({
      'deploy-a': 'rotated',
      'ci-b': 'created',
      'legacy-c': 'revoked',
      'registry-d': 'unchanged',
      'ghost-e': 'failed',
    });
    expect(run.stderr).toMatch(/\[\d\/5\] deploy-a: rotated/);
    expect(run.stderr).toContain('== gitlab-pat sync ==');
    expect(run.stderr).toMatch(/ghost-e +failed/);
  });

  it('exits 3 when a variable write fails after the rotation, and does the other entries', async () => {
    gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/projects/platform%2Fa/variables',
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const run = await cli([
      'sync',
      '--inventory',
      files.write({ ...FIVE_RESULTS, tokens: FIVE_RESULTS.tokens.slice(0, 4) }),
    ]);
    expect(run.exitCode, run.stderr).toBe(3);
    const report = run.json as Report;
    expect(report.tokens.map((token) => [token.key, token.result, token['exit-code']])).toEqual([
      ['deploy-a', 'failed', 3],
      ['ci-b', 'created', 0],
      ['legacy-c', 'revoked', 0],
      ['registry-d', 'unchanged', 0],
    ]);
  });

  it('refuses a bad inventory with exit 2 before any request', async () => {
    const inventory = files.write(
      'tokens:\n  - key: deploy-bot\n    token-kind: project\n    project: platform/a\n    token-name: deploy\n    expires-in: 9x\n    rotate-befor: 30d\n    variables: [{ key: DEPLOY_TOKEN }]\n',
    );
    const run = await cli(['sync', '--inventory', inventory]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('tokens[0] (deploy-bot): expires-in: expected a duration');
    expect(run.stderr).toContain(
      'tokens[0] (deploy-bot): unknown key "rotate-befor". Did you mean rotate-before?',
    );
    expect(gitlab.requests).toEqual([]);
  });

  it('splits an inventory into shards 1/3, 2/3 and 3/3 that together handle every entry exactly once', async () => {
    const inventory = files.write({
      defaults: { 'create-missing': true, scopes: ['read_api'], 'expires-in': '90d' },
      tokens: Array.from({ length: 12 }, (_, index) => ({
        key: `bot-${index}`,
        user: 'svc-b',
        'token-name': `bot-${index}`,
        variables: [{ key: `BOT_${index}`, project: 'platform/b' }],
      })),
    });
    const handled: string[] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const run = await cli(['sync', '--inventory', inventory, '--shard', shard]);
      expect(run.exitCode, run.stderr).toBe(0);
      const report = run.json as Report;
      expect(report.shard).toBe(shard);
      handled.push(...report.tokens.map((token) => token.key));
    }
    expect(handled.sort()).toEqual(Array.from({ length: 12 }, (_, index) => `bot-${index}`).sort());
    expect(gitlab.activeTokens('svc-b')).toHaveLength(12);
  });

  it('audits the instance, exits 5 on expired and expiring tokens, and writes a JUnit file a JUnit reader reads', async () => {
    gitlab.issueToken({ user: 'svc-e', name: 'stale', scopes: ['api'], expiresAt: '2026-11-01' });
    const junit = join(files.dir, 'audit.xml');
    const reportFile = join(files.dir, 'audit.json');
    const run = await cli([
      'audit',
      '--inventory',
      files.write({ tokens: FIVE_RESULTS.tokens.slice(0, 1) }),
      '--junit-file',
      junit,
      '--report-file',
      reportFile,
    ]);
    expect(run.exitCode, run.stderr).toBe(5);
    const report = run.json as {
      summary: Record<string, number>;
      tokens: { 'token-name': string; findings: string[] }[];
    };
    expect(report.summary).toMatchObject({ total: 5, expired: 1, expiring: 1, unmanaged: 4 });
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toEqual(report);
    // The files a run writes are scanned for token values with everything else.
    transcript.push(readFileSync(reportFile, 'utf8'), readFileSync(junit, 'utf8'));
    const parsed = (await parseJunit(readFileSync(junit, 'utf8'))) as { tests?: number; failures?: number };
    expect(parsed).toMatchObject({ tests: 5, failures: 2 });
    expect(existsSync(junit)).toBe(true);
  });
});

describe('the CLI with a GitHub credential', () => {
  it("writes an entry's new token to its GitHub secret, with github-token taken from the variable github-token-variable names", async () => {
    await using github = await startGithubEmulator();
    github.addRepository('octo-org/deployer');
    const githubToken = github.issueToken({
      grants: [{ repository: 'octo-org/deployer', secrets: 'write' }],
    });
    const inventory = files.write({
      tokens: [
        {
          key: 'deploy-a',
          user: 'svc-a',
          'token-name': 'deploy',
          'expires-in': '90d',
          'github-secrets': [{ name: 'GITLAB_DEPLOY_TOKEN', repository: 'octo-org/deployer' }],
        },
      ],
    });
    const run = await runCli(
      ['sync', '--inventory', inventory, '--github-token-variable', 'SECRETS_WRITER'],
      {
        GITLAB_TOKEN: tokens.admin.token,
        GITLAB_URL: gitlab.url,
        GITHUB_API_URL: github.url,
        SECRETS_WRITER: githubToken,
      },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const [rotated] = gitlab.activeTokens('svc-a');
    expect(github.secretValue({ repository: 'octo-org/deployer' }, 'GITLAB_DEPLOY_TOKEN')).toBe(
      rotated?.value,
    );
    expect((run.json as Report).tokens[0]).toMatchObject({ result: 'rotated' });
    everyIssuedValue.add(githubToken);
  });
});

describe('the Action', () => {
  it('syncs an inventory, sets the report output, writes a job summary table and fails with the run', async () => {
    const run = await runAction({
      operation: 'sync',
      inventory: files.write(FIVE_RESULTS),
      'gitlab-url': gitlab.url,
      'gitlab-token': tokens.admin.token,
    });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.outputs.report ?? '{}') as Report;
    expect(report.summary).toMatchObject({ rotated: 1, created: 1, revoked: 1, unchanged: 1, failed: 1 });
    expect(run.summary).toContain('### gitlab-pat sync');
    expect(run.summary).toContain('| entry | result | kind | token | expires | stored in / error |');
    expect(run.summary).toMatch(/\| deploy-a \| rotated \|/);
    expect(run.stdout).toContain('::error::');
  });

  it('audits with an expiry timeline as a Mermaid chart above the table', async () => {
    const run = await runAction({
      operation: 'audit',
      'gitlab-url': gitlab.url,
      'gitlab-token': tokens.admin.token,
      'fail-on': 'none',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.summary).toMatch(/```mermaid\nxychart-beta\n[\s\S]*```[\s\S]*\| name \| id \| kind \|/);
  });
});

afterAll(() => {
  expect(findLeaks(transcript.join('\n'), everyIssuedValue)).toEqual([]);
});
