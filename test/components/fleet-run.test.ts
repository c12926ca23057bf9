/**
 * The sync and audit components run for real under gitlab-ci-local (shell executor) with the CLI of this checkout,
 * against the GitLab emulator: sync with `parallel: 3`, whose jobs split the inventory by $CI_NODE_INDEX/$CI_NODE_TOTAL
 * and together handle every entry exactly once; audit, which fails on its findings and leaves a JUnit report that a
 * JUnit reader reads. Nothing any job writes shows a token.
 */
import { parse as parseJunit } from 'junit2json';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { FLEET_TODAY, seedFleet, type FleetTokens } from '../support/fleet-fixture.js';
import { findLeaks } from '../support/leak-scan.js';
import { CLI_COMMAND, createComponentProject, includeOwn, runGitlabCiLocal } from './gitlab-ci-local.js';

let gitlab: GitlabEmulator;
let tokens: FleetTokens;

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${FLEET_TODAY}T06:00:00Z` });
  tokens = seedFleet(gitlab);
});
afterEach(async () => {
  await gitlab.close();
});

const INVENTORY = stringify({
  defaults: { 'create-missing': true, scopes: ['read_api'], 'expires-in': '90d' },
  tokens: Array.from({ length: 9 }, (_, index) => ({
    key: `bot-${index}`,
    user: 'svc-b',
    'token-name': `bot-${index}`,
    variables: [{ key: `BOT_${index}`, project: 'platform/b' }],
  })),
});

const scheduled = () => ({
  GITLAB_TOKEN: tokens.admin.token,
  GITLAB_CI: 'true',
  CI_SERVER_URL: gitlab.url,
  CI_PIPELINE_SOURCE: 'schedule',
});

describe('the fleet components in a scheduled pipeline', () => {
  it('sync with parallel: 3 splits the inventory into three shards that handle every entry exactly once', async () => {
    using project = createComponentProject(
      { include: [includeOwn('sync', { inventory: 'tokens.yml', parallel: 3, command: CLI_COMMAND })] },
      { 'tokens.yml': INVENTORY },
    );
    const run = await runGitlabCiLocal(project, [], { variables: scheduled(), timeoutMs: 90_000 });
    expect(run.exitCode, run.log).toBe(0);
    for (const shard of ['1/3', '2/3', '3/3']) expect(run.log).toContain(`(shard ${shard};`);
    const created = gitlab
      .activeTokens('svc-b')
      .map((token) => token.name)
      .sort();
    expect(created).toEqual(Array.from({ length: 9 }, (_, index) => `bot-${index}`).sort());
    const variables = gitlab.variables({ project: 'platform/b' });
    expect(variables.map((variable) => variable.key).sort()).toEqual(
      Array.from({ length: 9 }, (_, index) => `BOT_${index}`).sort(),
    );
    expect(findLeaks(run.everything, gitlab.issuedTokenValues())).toEqual([]);
  });

  it('audit fails on expired and expiring tokens and keeps a JUnit report for the Tests tab', async () => {
    using project = createComponentProject(
      { include: [includeOwn('audit', { command: CLI_COMMAND, inventory: 'tokens.yml' })] },
      { 'tokens.yml': INVENTORY },
    );
    const run = await runGitlabCiLocal(project, [], { variables: scheduled(), timeoutMs: 90_000 });
    expect(run.exitCode, run.log).not.toBe(0);
    expect(run.log).toContain('== gitlab-pat audit ==');
    const junitName = Object.keys(run.files).find((name) => name.endsWith('gitlab-pat-audit.xml'));
    expect(junitName, Object.keys(run.files).join('\n')).toBeDefined();
    const parsed = (await parseJunit(run.files[junitName ?? ''] ?? '')) as {
      tests?: number;
      failures?: number;
    };
    // The administrator's, the due token (expiring), the retired one and the fresh one.
    expect(parsed).toMatchObject({ tests: 4, failures: 1 });
    expect(findLeaks(run.everything, gitlab.issuedTokenValues())).toEqual([]);
  });
});
