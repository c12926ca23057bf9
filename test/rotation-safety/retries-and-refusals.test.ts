/** Scenarios 9, 10 and 11: which requests are retried, how long we wait, and refusals that stop everything. */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { exitCodeOf, PROJECT, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();
const SELF = '/api/v4/personal_access_tokens/self';

describe('retries', () => {
  it('9. honours Retry-After: 7 on an idempotent call', async () => {
    f.gitlab.faults.inject({
      method: 'GET',
      path: SELF,
      respond: { status: 429, headers: { 'retry-after': '7' }, body: { message: 'Retry later' } },
    });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.sleeps[0]).toBeGreaterThanOrEqual(7_000);
  });

  it('9. without Retry-After backs off with capped jitter', async () => {
    f.gitlab.faults.inject({
      method: 'GET',
      path: SELF,
      times: 4,
      respond: { status: 429, body: { message: 'Retry later' } },
    });
    const run = await f.rotateIntoVariable({}, { retryPolicy: { baseDelayMs: 1_000, maxDelayMs: 3_000 } });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    // random() is 0.5 in tests: half of min(cap, base * 2^n), plus 100 ms.
    // The last wait is the one before the verification (see SETTLE_BEFORE_VERIFYING).
    expect(run.sleeps.slice(0, -1)).toEqual([600, 1_100, 1_600, 1_600]);
  });

  it('9. gives up with a clear error when Retry-After exceeds the budget, before changing anything', async () => {
    f.gitlab.faults.inject({
      method: 'GET',
      path: SELF,
      respond: { status: 429, headers: { 'retry-after': '600' }, body: { message: 'Retry later' } },
    });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toMatch(
      /answered 429.*asked to wait 600 s \(Retry-After\), more than the \d+ s left of the 90 s retry budget/,
    );
    expect(run.sleeps).toEqual([]);
    expect(f.requests('POST', '/rotate')).toEqual([]);
  });

  it('9. stops after the maximum number of attempts', async () => {
    f.gitlab.faults.inject({
      method: 'GET',
      path: SELF,
      times: 10,
      respond: { status: 503, body: { message: 'down' } },
    });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('gave up after 5 attempts');
    expect(f.requests('GET', '/personal_access_tokens/self')).toHaveLength(5);
  });

  it('10. retries a GET on 5xx and never a POST', async () => {
    f.gitlab.faults.inject({
      method: 'GET',
      path: '/api/v4/users',
      respond: { status: 502, body: { message: 'bad gateway' } },
    });
    f.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/users/*/personal_access_tokens',
      respond: { status: 503, body: { message: 'down' } },
    });
    const run = await f.run({
      operation: 'create',
      'gitlab-token': f.admin.token,
      user: 'svc-deploy',
      name: 'ci',
      scopes: 'api',
    });
    expect(f.requests('GET', '/api/v4/users').map((request) => request.status)).toEqual([502, 200]);
    expect(f.requests('POST', '/personal_access_tokens').map((request) => request.status)).toEqual([503]);
    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(run.error?.message).toContain('may or may not have been created; it was not sent again');
  });

  it('10. a DELETE answering 404 counts as done when GitLab says the token is revoked', async () => {
    // Another run (or a lost 204 and its retry) revoked it: the 404 is the truth.
    f.gitlab.faults.inject({
      method: 'DELETE',
      path: '/api/v4/personal_access_tokens/*',
      afterCommit: { status: 404, body: { message: '404 Not found' } },
    });
    const run = await f.run({
      operation: 'revoke',
      'gitlab-token': f.admin.token,
      'token-id': String(f.service.id),
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.result?.headline).toContain('already revoked');
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(true);
  });

  it('10. a DELETE answering 404 while the token is still active is a failure, not "already revoked"', async () => {
    f.gitlab.faults.inject({
      method: 'DELETE',
      path: '/api/v4/personal_access_tokens/*',
      respond: { status: 404, body: { message: '404 Not found' } },
    });
    const run = await f.run({
      operation: 'revoke',
      'gitlab-token': f.admin.token,
      'token-id': String(f.service.id),
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('404');
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(false);
  });
});

describe('refusals stop before anything changes', () => {
  it.each([
    ['revoked', { revoked: true }, 'has been revoked'],
    ['expired', { expiresAt: '2026-11-27' }, 'has expired'],
  ])('11. a %s credential', async (_, spec, advice) => {
    const dead = f.gitlab.issueToken({ user: 'svc-deploy', name: 'dead', scopes: ['api'], ...spec });
    const run = await f.rotateIntoVariable({ 'gitlab-token': dead.token });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('401');
    expect(run.error?.message).toContain(advice);
    expect(f.gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it.each([['self_rotate'], ['read_api', 'self_rotate']])(
    '11. a credential with %j may rotate itself but not write the variable: refused before the rotate',
    async (...scopes) => {
      const limited = f.gitlab.issueToken({ user: 'svc-deploy', name: 'limited', scopes });
      const run = await f.rotateIntoVariable({ 'gitlab-token': limited.token });
      expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
      expect(run.error?.message).toContain(
        'writing CI/CD variables needs the api scope on the token that writes them',
      );
      expect(run.error?.message).toContain('Give the token the api scope');
      expect(f.requests('POST', '/rotate')).toEqual([]);
    },
  );

  it('11. a credential of a user who may not see the project', async () => {
    f.gitlab.addUser({ username: 'outsider' });
    const outsider = f.gitlab.issueToken({ user: 'outsider', name: 'o', scopes: ['api'] });
    const run = await f.rotateIntoVariable({ 'gitlab-token': outsider.token });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(`project ${PROJECT} does not exist`);
  });
});
