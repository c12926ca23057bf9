/** Scenarios 1, 7, 12, 13, 14 of the rotation protocol. */
import { describe, expect, it } from 'vitest';
import { exitCodeOf, KEY, PROJECT, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();

describe('rotation into a masked, hidden CI/CD variable', () => {
  it('1. sends one rotate, stores the new token, verifies it, and the old token is refused', async () => {
    const run = await f.rotateIntoVariable({ 'expires-in': '90d' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(f.requests('POST', '/rotate')).toHaveLength(1);
    // 90 days from 03:00 UTC, rounded up to a midnight: at least 90 days.
    expect(f.requests('POST', '/rotate')[0]?.body).toMatchObject({ expires_at: '2027-02-26' });
    const stored = f.variable();
    const fresh = f.gitlab.tokenByValue(stored?.value ?? '');
    expect(fresh).toMatchObject({ name: 'deploy', revoked: false, expiresAt: '2027-02-26' });
    expect(stored).toMatchObject({ hidden: true, masked: true, protected: true });
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(true);
    // Everything after the rotate authenticated with the new token; the variable was updated in place.
    const rotateIndex = f.gitlab.requests.findIndex((request) => request.path.endsWith('/rotate'));
    expect(f.gitlab.requests.slice(rotateIndex + 1).map((request) => request.authTokenId)).toEqual(
      f.gitlab.requests.slice(rotateIndex + 1).map(() => fresh?.id),
    );
    expect(f.requests('POST', '/variables')).toHaveLength(0);
    expect(run.result?.storedIn).toEqual([
      `CI/CD variable ${KEY} in project ${PROJECT} (environment scope *)`,
    ]);
  });

  it('creates the variable masked, hidden and protected when it does not exist yet', async () => {
    const run = await f.rotateIntoVariable({ 'variable-key': 'NEW_TOKEN' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(f.variable('NEW_TOKEN')).toMatchObject({ hidden: true, masked: true, protected: true });
    expect(f.gitlab.tokenByValue(f.variable('NEW_TOKEN')?.value ?? '')?.revoked).toBe(false);
  });

  it('13. updates a hidden variable (whose value reads back null) in place, never recreating it', async () => {
    await f.rotateIntoVariable();
    const all = f.gitlab.variables({ project: PROJECT }).filter((variable) => variable.key === KEY);
    expect(all).toHaveLength(1);
    expect(f.requests('PUT', `/variables/${KEY}`)).toHaveLength(1);
    expect(f.requests('DELETE', `/variables/${KEY}`)).toHaveLength(0);
  });

  it('14. updates exactly the requested environment scope when the key exists in several', async () => {
    f.gitlab.setVariable(
      { project: PROJECT },
      { key: KEY, value: 'production-value-123', environmentScope: 'production', masked: true },
    );
    const run = await f.rotateIntoVariable({ 'variable-environment-scope': 'production' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(f.gitlab.tokenByValue(f.variable(KEY, 'production')?.value ?? '')?.revoked).toBe(false);
    expect(f.variable(KEY, '*')?.value).toBe(f.service.token);
  });

  it('7. a rerun after success does nothing: the stored token is not due', async () => {
    await f.rotateIntoVariable({ 'rotate-before': '30d' });
    const stored = f.variable()?.value ?? '';
    f.gitlab.clearRequests();
    const rerun = await f.rotateIntoVariable({ 'gitlab-token': stored, 'rotate-before': '30d' });
    expect(rerun.result).toMatchObject({ rotated: false });
    expect(f.gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('7. a rerun after a run that died before storing never sends the old token to rotate', async () => {
    // The first run rotates, then every variable write fails: the variable still holds the old token.
    f.gitlab.faults.inject({
      method: 'PUT',
      path: '/api/v4/projects/*/variables/*',
      times: 50,
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    f.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/projects/*/variables',
      times: 50,
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const first = await f.rotateIntoVariable();
    expect(exitCodeOf(first)).toBe(4);
    f.gitlab.faults.clear();
    f.gitlab.clearRequests();
    const rerun = await f.rotateIntoVariable({ 'gitlab-token': f.variable()?.value ?? '' });
    expect(exitCodeOf(rerun)).toBe(1);
    expect(rerun.error?.message).toContain('has been revoked');
    expect(f.requests('POST', '/rotate')).toEqual([]);
  });

  it('7. a rerun after a run that died between storing and verifying does nothing', async () => {
    f.gitlab.faults.inject({
      method: 'GET',
      path: '/api/v4/personal_access_tokens/self',
      times: 1,
      afterCommit: 'drop',
    });
    // The drop hits the preflight GET: a GET is retried, so the first run still completes.
    const first = await f.rotateIntoVariable({ 'rotate-before': '30d' });
    expect(exitCodeOf(first), first.error?.message).toBe(0);
    const rerun = await f.rotateIntoVariable({
      'gitlab-token': f.variable()?.value ?? '',
      'rotate-before': '30d',
    });
    expect(rerun.result).toMatchObject({ rotated: false });
  });

  it.each([
    ['26 hours ahead', 26],
    ['26 hours behind', -26],
  ])("12. a local clock %s changes nothing: expiry follows GitLab's clock", async (_, hours) => {
    const skewed = { now: () => new Date(Date.parse('2026-11-27T03:00:00Z') + hours * 3_600_000) };
    const run = await f.rotateIntoVariable({ 'expires-in': '365d' }, { clock: skewed });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(f.requests('POST', '/rotate')[0]?.body).toMatchObject({ expires_at: '2027-11-27' });
  });
});
