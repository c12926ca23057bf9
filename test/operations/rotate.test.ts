import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { everythingWritten, runCore } from '../support/run-core.js';

const TODAY = '2026-11-27';
let gitlab: GitlabEmulator;
let serviceToken: { id: number; token: string };

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${TODAY}T09:00:00Z` });
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
  serviceToken = gitlab.issueToken({
    user: 'svc-deploy',
    name: 'deploy',
    scopes: ['api'],
    createdAt: '2026-08-29T09:00:00Z',
    expiresAt: '2026-12-02',
  });
});
afterEach(async () => gitlab.close());

const rotateRequests = () => gitlab.requests.filter((request) => request.path.endsWith('/rotate'));

function assertNoLeak(text: string) {
  for (const value of gitlab.issuedTokenValues()) expect(text).not.toContain(value);
}

describe('rotate', () => {
  it('rotates the credential itself once, keeping its lifetime, and verifies the new token', async () => {
    const run = await runCore(gitlab, { 'gitlab-token': serviceToken.token });

    expect(run.error).toBeUndefined();
    expect(rotateRequests()).toHaveLength(1);
    const newValue = run.delivered[0] ?? '';
    const newToken = gitlab.tokenByValue(newValue);
    // created 2026-08-29, expiring 2026-12-02: a 95-day token stays a 95-day token.
    expect(newToken).toMatchObject({ name: 'deploy', revoked: false, expiresAt: '2027-03-02' });
    expect(gitlab.token(serviceToken.id)?.revoked).toBe(true);
    expect(run.result).toMatchObject({
      rotated: true,
      previousTokenId: serviceToken.id,
      token: { id: newToken?.id },
    });
    // Masked first, and every request after the rotate carried the new token.
    expect(run.masked).toEqual([newValue]);
    const rotateAt = gitlab.requests.findIndex((request) => request.path.endsWith('/rotate'));
    for (const request of gitlab.requests.slice(rotateAt + 1)) expect(request.authTokenId).toBe(newToken?.id);
    // The old token no longer works.
    const old = await fetch(`${gitlab.url}/api/v4/personal_access_tokens/self`, {
      headers: { 'PRIVATE-TOKEN': serviceToken.token },
    });
    expect(old.status).toBe(401);
    assertNoLeak(everythingWritten(run));
  });

  it('always sends an explicit expires_at, clamped to the maximum lifetime', async () => {
    await runCore(gitlab, { 'gitlab-token': serviceToken.token, 'expires-in': '2y' });
    const rotate = rotateRequests()[0];
    expect(rotate?.body).toMatchObject({ expires_at: '2027-11-27' });
  });

  it("follows GitLab's clock, not a local clock that is 26 hours ahead", async () => {
    const skewed = { now: () => new Date(Date.parse(`${TODAY}T09:00:00Z`) + 26 * 3_600_000) };
    const run = await runCore(
      gitlab,
      { 'gitlab-token': serviceToken.token, 'expires-in': '365d' },
      { clock: skewed },
    );
    expect(run.error).toBeUndefined();
    expect(rotateRequests()[0]?.body).toMatchObject({ expires_at: '2027-11-27' });
  });

  it.each([
    // expires-in is at least that long: rounded up to the next midnight UTC, within the 365-day maximum.
    ['2028-02-29T12:00:00Z', '30d', '2028-03-31'],
    ['2026-12-31T23:59:30Z', '1m', '2027-02-01'],
    ['2026-12-31T00:00:10Z', '1y', '2027-12-31'],
  ])('computes expiry in UTC on %s + %s', async (now, expiresIn, expected) => {
    gitlab.clock.set(now);
    const fresh = gitlab.issueToken({
      user: 'svc-deploy',
      name: 'edge',
      scopes: ['api'],
      expiresAt: '2029-01-01',
    });
    await runCore(gitlab, { 'gitlab-token': fresh.token, 'expires-in': expiresIn });
    expect(rotateRequests()[0]?.body).toMatchObject({ expires_at: expected });
  });

  it('does nothing, with no mutating request, while the token is not due', async () => {
    const run = await runCore(gitlab, { 'gitlab-token': serviceToken.token, 'rotate-before': '3d' });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ rotated: false, token: { id: serviceToken.id } });
    expect(gitlab.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(run.result?.headline).toContain('5 days left');
  });

  it('rotates when the token is due', async () => {
    const run = await runCore(gitlab, { 'gitlab-token': serviceToken.token, 'rotate-before': '5d' });
    expect(run.result).toMatchObject({ rotated: true });
  });

  it('is a no-op on a rerun after success: the new token is not due', async () => {
    const first = await runCore(gitlab, { 'gitlab-token': serviceToken.token, 'rotate-before': '30d' });
    const second = await runCore(gitlab, { 'gitlab-token': first.delivered[0], 'rotate-before': '30d' });
    expect(second.result).toMatchObject({ rotated: false });
    expect(rotateRequests()).toHaveLength(1);
  });

  it('changes nothing on a dry run and says what would happen', async () => {
    const run = await runCore(gitlab, { 'gitlab-token': serviceToken.token, 'dry-run': 'true' });
    expect(run.result).toMatchObject({ rotated: false, dryRun: true });
    expect(run.result?.headline).toContain('would rotate token');
    expect(rotateRequests()).toHaveLength(0);
  });

  it("rotates another user's token by name with an administrator credential", async () => {
    const admin = gitlab.issueToken({ user: 'root', name: 'admin', scopes: ['api'] });
    const run = await runCore(gitlab, {
      'gitlab-token': admin.token,
      'token-name': 'deploy',
      user: 'svc-deploy',
      'expires-in': '90d',
    });
    expect(run.error).toBeUndefined();
    expect(rotateRequests()[0]?.path).toBe(`/api/v4/personal_access_tokens/${serviceToken.id}/rotate`);
    // The administrator's own token keeps working: it was not the one rotated.
    expect(gitlab.token(admin.id)?.revoked).toBe(false);
    expect(gitlab.tokenByValue(run.delivered[0] ?? '')?.expiresAt).toBe('2027-02-26');
  });

  it('refuses a name that matches several active tokens and lists their ids', async () => {
    const admin = gitlab.issueToken({ user: 'root', name: 'admin', scopes: ['api'] });
    const twin = gitlab.issueToken({ user: 'svc-deploy', name: 'deploy', scopes: ['api'] });
    const run = await runCore(gitlab, {
      'gitlab-token': admin.token,
      'token-name': 'deploy',
      user: 'svc-deploy',
    });
    expect(run.error?.message).toContain(`ids ${serviceToken.id}, ${twin.id}`);
    expect((run.error as { exitCode?: number }).exitCode).toBe(ExitCode.failedUnchanged);
    expect(rotateRequests()).toHaveLength(0);
  });

  it('needs the api or self_rotate scope and says so before changing anything', async () => {
    const readOnly = gitlab.issueToken({ user: 'svc-deploy', name: 'ro', scopes: ['read_api'] });
    const run = await runCore(gitlab, { 'gitlab-token': readOnly.token });
    expect(run.error?.message).toMatch(/needs the api or self_rotate scope.*has read_api/);
    expect(rotateRequests()).toHaveLength(0);
  });

  it('rotates with only the self_rotate scope', async () => {
    const selfRotating = gitlab.issueToken({ user: 'svc-deploy', name: 'sr', scopes: ['self_rotate'] });
    const run = await runCore(gitlab, { 'gitlab-token': selfRotating.token });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ rotated: true });
  });

  it.each([
    ['revoked', { revoked: true }, /revoked.*re-authorize|has been revoked/i],
    ['expired', { expiresAt: '2026-11-27' }, /expired/i],
  ])('stops with a clear message when the credential is %s', async (_, spec, pattern) => {
    const dead = gitlab.issueToken({ user: 'svc-deploy', name: 'dead', scopes: ['api'], ...spec });
    const run = await runCore(gitlab, { 'gitlab-token': dead.token });
    expect(run.error?.message).toMatch(pattern);
    expect(run.error?.message).toContain('401');
    expect((run.error as { exitCode?: number }).exitCode).toBe(ExitCode.failedUnchanged);
    expect(rotateRequests()).toHaveLength(0);
    assertNoLeak(everythingWritten(run));
  });
});
