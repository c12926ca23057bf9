/**
 * Issue 8, kind 2: a short-lived token that dies seconds after it was made. GitLab ends a token at 00:00 UTC of its
 * expiry date, so a lifetime asked for (expires-in, create's default) is rounded up to the next midnight, within
 * the maximum; every run says when the token really ends; the maximum or an explicit expires-at that ends it sooner
 * than asked (or within a day) is a warning. A rotation without expires-in keeps the old token's calendar-day
 * cadence (src/core/time/choose-expiry.ts).
 */
import { describe, expect, it } from 'vitest';
import { runCore, type CoreRun } from '../support/run-core.js';
import { runAction, runCli } from '../support/run-dist.js';
import { useIssueSeed } from './issue-seed.js';

const seed = useIssueSeed({ now: '2026-11-30T23:59:30Z' });
const exitCodeOf = (run: CoreRun) => (run.error ? ((run.error as { exitCode?: number }).exitCode ?? -1) : 0);

function addReleaseBot() {
  seed.gitlab.addUser({ username: 'release-bot' });
  return seed.gitlab.addProject({ path: 'platform/release' });
}

describe('create at 23:59:30 UTC with expires-in 1d', () => {
  it("the issue's command: the token lasts at least a day, and the run says until when", async () => {
    const project = addReleaseBot();
    const run = await runCli(
      [
        'create',
        '--user',
        'release-bot',
        '--name',
        'release',
        '--scopes',
        'api',
        '--expires-in',
        '1d',
        '--variable-key',
        'RELEASE_TOKEN',
      ],
      { ...seed.env(), GITLAB_CI: 'true', CI_PROJECT_ID: String(project.id) },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const [variable] = seed.gitlab.variables({ project: 'platform/release' });
    const created = seed.gitlab.tokenByValue(variable?.value ?? '');
    // Not 2026-12-01, which GitLab would end 30 seconds later.
    expect(created).toMatchObject({ name: 'release', expiresAt: '2026-12-02' });
    expect(run.json).toMatchObject({ 'expires-at': '2026-12-02' });
    expect(run.stderr).toContain('works until 2026-12-02 00:00 UTC (1 day from now)');
    expect(run.stderr).not.toContain('warning');
  });

  it('is the same through the Action, whose outputs and summary say the date and the instant', async () => {
    addReleaseBot();
    const run = await runAction({
      operation: 'create',
      'gitlab-url': seed.gitlab.url,
      'gitlab-token': seed.admin.token,
      user: 'release-bot',
      name: 'release',
      scopes: 'api',
      'expires-in': '1d',
      'revoke-after-job': 'true',
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['expires-at']).toBe('2026-12-02');
    expect(run.stdout).toContain('works until 2026-12-02 00:00 UTC (1 day from now)');
    expect(run.summary).toContain('works until 2026-12-02 00:00 UTC');
  });

  it("follows GitLab's clock, not the runner's: a runner a day behind still gets a full day", async () => {
    addReleaseBot();
    const run = await runCore(
      seed.gitlab,
      {
        operation: 'create',
        'gitlab-token': seed.admin.token,
        user: 'release-bot',
        name: 'release',
        scopes: 'api',
        'expires-in': '1d',
      },
      { clock: { now: () => new Date('2026-11-29T23:59:30Z') } },
    );
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(seed.gitlab.tokenByValue(run.delivered[0] ?? '')?.expiresAt).toBe('2026-12-02');
  });
});

describe('what makes a token shorter than asked is said', () => {
  it('warns when the maximum lifetime cuts expires-in short, and says the real end', async () => {
    addReleaseBot();
    seed.gitlab.clock.set('2026-11-30T06:00:00Z');
    const run = await runCli(
      [
        'create',
        '--user',
        'release-bot',
        '--name',
        'yearly',
        '--scopes',
        'api',
        '--expires-in',
        '365d',
        '--print-token',
      ],
      seed.env(),
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ 'expires-at': '2027-11-30' });
    expect(run.stderr).toMatch(
      /warning: Expiry: 365d from now would end the token at 2027-11-30 06:00 UTC, beyond the 365-day maximum; clamped to 2027-11-30, so the token works until 2027-11-30 00:00 UTC, 364 days 18 h from now: shorter than asked/,
    );
  });

  it('warns when an explicit expires-at ends the token within seconds', async () => {
    addReleaseBot();
    const run = await runCore(seed.gitlab, {
      operation: 'create',
      'gitlab-token': seed.admin.token,
      user: 'release-bot',
      name: 'release',
      scopes: 'api',
      'expires-at': '2026-12-01',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.lines.join('\n')).toContain(
      'warn: Expiry: expires-at 2026-12-01 ends the token at 2026-12-01 00:00 UTC, 30 s from now',
    );
    expect(run.result?.headline).toContain('works until 2026-12-01 00:00 UTC (30 s from now)');
  });

  it('refuses an expires-at of today, which would make a token that is expired from the start', async () => {
    addReleaseBot();
    const run = await runCore(
      seed.gitlab,
      {
        operation: 'create',
        'gitlab-token': seed.admin.token,
        user: 'release-bot',
        name: 'release',
        scopes: 'api',
        'expires-at': '2026-11-30',
      },
      { clock: { now: () => new Date('2026-11-29T12:00:00Z') } },
    );
    expect(exitCodeOf(run)).toBe(2);
    expect(run.error?.message).toContain("is not after today by GitLab's clock (today is 2026-11-30 UTC)");
    expect(seed.changes()).toEqual([]);
  });
});

describe('rotate', () => {
  it('with expires-in at 23:59:30: at least that long', async () => {
    const run = await runCore(seed.gitlab, {
      'gitlab-token': seed.deploy.token,
      'expires-in': '7d',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(seed.gitlab.tokenByValue(run.delivered[0] ?? '')?.expiresAt).toBe('2026-12-08');
    expect(run.result?.headline).toContain('works until 2026-12-08 00:00 UTC (7 days from now)');
  });

  it("without expires-in: the old token's lifetime in calendar days, whatever the hour", async () => {
    // Token 200: created 2026-09-01, expires 2026-12-10: a 100-day token stays a 100-day token.
    const run = await runCore(seed.gitlab, { 'gitlab-token': seed.deploy.token });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(seed.gitlab.tokenByValue(run.delivered[0] ?? '')?.expiresAt).toBe('2027-03-10');
    expect(run.lines.join('\n')).not.toContain('warn:');
  });

  it('without expires-in, a one-day token made at 23:59:30 gets one more day instead of 30 seconds', async () => {
    const daily = seed.gitlab.issueToken({
      user: 'svc-deploy',
      name: 'daily',
      scopes: ['api'],
      createdAt: '2026-11-30T00:10:00Z',
      expiresAt: '2026-12-01',
    });
    const run = await runCore(seed.gitlab, { 'gitlab-token': daily.token });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(seed.gitlab.tokenByValue(run.delivered[0] ?? '')?.expiresAt).toBe('2026-12-02');
  });

  it('says in the dry run when the new token would end', async () => {
    const run = await runCore(seed.gitlab, {
      'gitlab-token': seed.deploy.token,
      'expires-in': '1d',
      'dry-run': 'true',
    });
    expect(run.result?.headline).toContain('it works until 2026-12-02 00:00 UTC (1 day from now)');
  });
});
