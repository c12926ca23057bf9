import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'root', admin: true });
  emu.addUser({ username: 'alice' });
});

afterEach(async () => {
  await emu.close();
});

const REVOKED = {
  error: 'invalid_token',
  error_description: 'Token was revoked. You have to re-authorize from the user.',
};

describe('rotating a token', () => {
  it('revokes the old token and returns a new one with a new id, the same name, scopes and user', async () => {
    const old = emu.issueToken({
      user: 'alice',
      name: 'deploy',
      description: 'CI deploys',
      scopes: ['api', 'read_user'],
      expiresAt: '2026-07-01',
    });

    const answer = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', {
      token: old.token,
      body: { expires_at: '2027-06-01' },
    });

    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body as object)).toEqual([
      'id',
      'name',
      'revoked',
      'created_at',
      'description',
      'scopes',
      'user_id',
      'last_used_at',
      'active',
      'granular',
      'expires_at',
      'token',
    ]);
    const fresh = answer.body as { id: number; token: string };
    expect(answer.body).toMatchObject({
      name: 'deploy',
      description: 'CI deploys',
      scopes: ['api', 'read_user'],
      user_id: 2,
      revoked: false,
      active: true,
      last_used_at: null,
      expires_at: '2027-06-01',
    });
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.token).toMatch(/^glpat-[A-Za-z0-9_-]{20}$/);
    expect(emu.token(old.id)).toMatchObject({ revoked: true, rotatedToId: fresh.id });
    expect(emu.token(fresh.id)).toMatchObject({
      familyId: old.id,
      previousTokenId: old.id,
      value: fresh.token,
    });

    expect((await callApi(emu, 'GET', '/personal_access_tokens/self', { token: old.token })).status).toBe(
      401,
    );
    expect(
      (await callApi(emu, 'GET', '/personal_access_tokens/self', { token: fresh.token })).body,
    ).toMatchObject({
      id: fresh.id,
    });
  });

  it('defaults to an expiry 7 days out when expires_at is omitted', async () => {
    const { token } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });

    const answer = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token });

    expect(answer.body).toMatchObject({ expires_at: '2026-06-24' });
  });

  it('refuses an expiry beyond the maximum lifetime and leaves the old token working', async () => {
    const { id, token } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });

    const answer = await callApi(emu, 'POST', `/personal_access_tokens/${id}/rotate`, {
      token,
      body: { expires_at: '2027-06-18' },
    });

    expect(answer).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - Expiration date must be before 2027-06-17' },
    });
    expect(emu.token(id)?.revoked).toBe(false);
    expect(emu.activeTokens('alice').map((token) => token.id)).toEqual([id]);
  });

  it('accepts up to 400 days on an instance configured for it', async () => {
    const buffered = await startEmulator({ now: '2026-06-17T09:00:00Z', maxTokenLifetimeDays: 400 });
    try {
      buffered.addUser({ username: 'alice' });
      const { token } = buffered.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });

      const answer = await callApi(buffered, 'POST', '/personal_access_tokens/self/rotate', {
        token,
        body: { expires_at: '2027-07-22' },
      });

      expect(answer).toMatchObject({ status: 200, body: { expires_at: '2027-07-22' } });
    } finally {
      await buffered.close();
    }
  });

  it('rejects a malformed expires_at the way Grape does', async () => {
    const { token } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });

    const answer = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', {
      token,
      body: { expires_at: '2026-02-30' },
    });

    expect(answer).toMatchObject({ status: 400, body: { error: 'expires_at is invalid' } });
  });

  it('lets an admin rotate anyone’s token by id, and hides missing ids from non-admins', async () => {
    const alice = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });
    const admin = emu.issueToken({ user: 'root', name: 'admin', scopes: ['api'] });

    const byAdmin = await callApi(emu, 'POST', `/personal_access_tokens/${alice.id}/rotate`, {
      token: admin.token,
      body: { expires_at: '2026-08-01' },
    });
    expect(byAdmin).toMatchObject({ status: 200, body: { user_id: 2, expires_at: '2026-08-01' } });

    const missingForAdmin = await callApi(emu, 'POST', '/personal_access_tokens/999/rotate', {
      token: admin.token,
    });
    expect(missingForAdmin).toMatchObject({ status: 404, body: { message: '404 Not Found' } });
    const fresh = (byAdmin.body as { token: string }).token;
    const foreign = await callApi(emu, 'POST', `/personal_access_tokens/${admin.id}/rotate`, {
      token: fresh,
    });
    expect(foreign).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
  });
});

describe('reuse detection', () => {
  it('revokes the new token when the rotated-away token is sent to self/rotate again', async () => {
    const old = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });
    const first = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', {
      token: old.token,
      body: { expires_at: '2026-09-01' },
    });
    const fresh = first.body as { id: number; token: string };

    const retry = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', {
      token: old.token,
      body: { expires_at: '2026-09-01' },
    });

    expect(retry).toMatchObject({ status: 401, body: REVOKED });
    expect(emu.token(fresh.id)?.revoked).toBe(true);
    expect(emu.activeTokens('alice')).toEqual([]);
    expect((await callApi(emu, 'GET', '/personal_access_tokens/self', { token: fresh.token })).status).toBe(
      401,
    );
  });

  it('revokes the whole chain on a rotate-by-id path too, whatever the id', async () => {
    const first = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });
    const second = await callApi(emu, 'POST', `/personal_access_tokens/${first.id}/rotate`, {
      token: first.token,
    });
    const secondToken = second.body as { id: number; token: string };
    const third = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', {
      token: secondToken.token,
    });
    const thirdToken = third.body as { id: number };
    expect(emu.token(thirdToken.id)).toMatchObject({ revoked: false, familyId: first.id });

    const reuse = await callApi(emu, 'POST', '/personal_access_tokens/12345/rotate', { token: first.token });

    expect(reuse).toMatchObject({ status: 401, body: REVOKED });
    expect(emu.token(thirdToken.id)?.revoked).toBe(true);
  });

  it('does not revoke the family when the old token is only used to read', async () => {
    const old = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });
    const rotated = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token: old.token });
    const fresh = rotated.body as { id: number };

    const probe = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: old.token });
    const revokeAttempt = await callApi(emu, 'DELETE', '/personal_access_tokens/self', { token: old.token });

    expect(probe).toMatchObject({ status: 401, body: REVOKED });
    expect(revokeAttempt).toMatchObject({ status: 401, body: REVOKED });
    expect(emu.token(fresh.id)?.revoked).toBe(false);
  });

  it('does not revoke the family when the rotated-away token has also expired', async () => {
    const old = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'], expiresAt: '2026-06-20' });
    const rotated = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', {
      token: old.token,
      body: { expires_at: '2026-12-01' },
    });
    const fresh = rotated.body as { id: number };
    emu.clock.advance({ days: 5 });

    const retry = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token: old.token });

    expect(retry.status).toBe(401);
    expect((retry.body as { error_description: string }).error_description).toMatch(/expired/);
    expect(emu.token(fresh.id)?.revoked).toBe(false);
  });

  it('answers "Token already revoked" to a valid credential rotating a revoked token, revoking nothing', async () => {
    const old = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });
    const other = emu.issueToken({ user: 'alice', name: 'other', scopes: ['api'] });
    const rotated = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token: old.token });
    const fresh = rotated.body as { id: number };

    const answer = await callApi(emu, 'POST', `/personal_access_tokens/${old.id}/rotate`, {
      token: other.token,
    });

    expect(answer).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - Token already revoked' },
    });
    expect(emu.token(fresh.id)?.revoked).toBe(false);
  });
});
