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

const UNAUTHORIZED = { message: '401 Unauthorized' };
const REVOKED = {
  error: 'invalid_token',
  error_description: 'Token was revoked. You have to re-authorize from the user.',
};
const EXPIRED = {
  error: 'invalid_token',
  error_description: 'Token is expired. You can either do re-authorization or token refresh.',
};

describe('presenting a token', () => {
  it.each(['private-token', 'bearer', 'query'] as const)('accepts it via %s', async (via) => {
    const { id, token } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });

    const answer = await callApi(emu, 'GET', '/personal_access_tokens/self', { token, via });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id, name: 'ci', user_id: 2 });
  });

  it('answers 401 "401 Unauthorized" without a token on an authenticated endpoint', async () => {
    const answer = await callApi(emu, 'GET', '/personal_access_tokens/self');

    expect(answer).toMatchObject({ status: 401, body: UNAUTHORIZED });
  });

  it('answers 401 "401 Unauthorized" for a value it never issued', async () => {
    const answer = await callApi(emu, 'GET', '/user', { token: 'glpat-00000000000000000000' });

    expect(answer).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(emu.requests.at(-1)).toMatchObject({ status: 401 });
    expect(emu.requests.at(-1)?.authTokenId).toBeUndefined();
  });

  it('answers 401 invalid_token for a revoked token', async () => {
    const { token } = emu.issueToken({ user: 'alice', name: 'old', scopes: ['api'], revoked: true });

    const answer = await callApi(emu, 'GET', '/personal_access_tokens/self', { token });

    expect(answer).toMatchObject({ status: 401, body: REVOKED });
  });

  it('answers 403 for a blocked user, as GitLab words it', async () => {
    emu.addUser({ username: 'mallory', state: 'blocked' });
    const { token } = emu.issueToken({ user: 'mallory', name: 'ci', scopes: ['api'] });

    const answer = await callApi(emu, 'GET', '/user', { token });

    expect(answer).toMatchObject({
      status: 403,
      body: { message: '403 Forbidden - Your account has been blocked.' },
    });
  });

  it('still validates a presented token on endpoints that need none', async () => {
    expect((await callApi(emu, 'GET', '/users?username=alice')).status).toBe(200);
    const bad = await callApi(emu, 'GET', '/users?username=alice', { token: 'glpat-nope' });

    expect(bad).toMatchObject({ status: 401, body: UNAUTHORIZED });
  });
});

describe('expiry by the emulated clock', () => {
  it('stops a token at 00:00 UTC on its expires_at day', async () => {
    const { token } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'], expiresAt: '2026-06-18' });

    emu.clock.set('2026-06-17T23:59:59.999Z');
    expect((await callApi(emu, 'GET', '/personal_access_tokens/self', { token })).status).toBe(200);

    emu.clock.advance({ ms: 1 });
    const answer = await callApi(emu, 'GET', '/personal_access_tokens/self', { token });
    expect(answer).toMatchObject({ status: 401, body: EXPIRED });
  });

  it('reports an expired token as inactive to an admin', async () => {
    const { id } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'], expiresAt: '2026-06-20' });
    const admin = emu.issueToken({ user: 'root', name: 'admin', scopes: ['api'], expiresAt: null });

    emu.clock.advance({ days: 3 });
    const answer = await callApi(emu, 'GET', `/personal_access_tokens/${id}`, { token: admin.token });

    expect(answer.body).toMatchObject({ id, active: false, revoked: false, expires_at: '2026-06-20' });
    expect(emu.activeTokens('alice')).toEqual([]);
  });

  it('sends the emulated time in the Date header', async () => {
    emu.clock.set('2027-01-02T03:04:05Z');
    const answer = await callApi(emu, 'GET', '/users');

    expect(answer.headers.get('date')).toBe('Sat, 02 Jan 2027 03:04:05 GMT');
  });
});

describe('last use', () => {
  it('records last_used_at on use, at most every 10 minutes like GitLab', async () => {
    const { id, token } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });
    expect(emu.token(id)?.lastUsedAt).toBeNull();

    await callApi(emu, 'GET', '/user', { token });
    expect(emu.token(id)?.lastUsedAt).toBe('2026-06-17T09:00:00.000Z');

    emu.clock.advance({ minutes: 9 });
    await callApi(emu, 'GET', '/user', { token });
    expect(emu.token(id)?.lastUsedAt).toBe('2026-06-17T09:00:00.000Z');

    emu.clock.advance({ minutes: 1 });
    await callApi(emu, 'GET', '/user', { token });
    expect(emu.token(id)?.lastUsedAt).toBe('2026-06-17T09:10:00.000Z');
    expect(emu.token(id)?.lastUsedIps).toEqual(['127.0.0.1']);
    expect(emu.user('alice')?.lastActivityOn).toBe('2026-06-17');
  });
});

describe('scopes', () => {
  const insufficient = (scope: string) => ({
    error: 'insufficient_scope',
    error_description: 'The request requires higher privileges than provided by the access token.',
    scope,
  });

  it('lets read_api read but not write', async () => {
    const { id, token } = emu.issueToken({ user: 'alice', name: 'reader', scopes: ['read_api'] });

    expect((await callApi(emu, 'GET', `/personal_access_tokens/${id}`, { token })).status).toBe(200);
    const rotate = await callApi(emu, 'POST', `/personal_access_tokens/${id}/rotate`, { token });

    expect(rotate).toMatchObject({ status: 403, body: insufficient('api read_api') });
    expect(emu.token(id)?.revoked).toBe(false);
  });

  it('lets read_user read users and metadata but not tokens', async () => {
    const { token } = emu.issueToken({ user: 'alice', name: 'profile', scopes: ['read_user'] });

    expect((await callApi(emu, 'GET', '/user', { token })).status).toBe(200);
    expect((await callApi(emu, 'GET', '/users?username=root', { token })).status).toBe(200);
    expect((await callApi(emu, 'GET', '/metadata', { token })).status).toBe(200);
    const list = await callApi(emu, 'GET', '/personal_access_tokens', { token });

    expect(list).toMatchObject({ status: 403, body: insufficient('api read_api') });
  });

  it('lets self_rotate rotate itself and read itself, nothing else', async () => {
    const { id, token } = emu.issueToken({ user: 'alice', name: 'rotator', scopes: ['self_rotate'] });

    expect((await callApi(emu, 'GET', '/personal_access_tokens/self', { token })).status).toBe(200);
    const user = await callApi(emu, 'GET', '/user', { token });
    expect(user).toMatchObject({ status: 403, body: insufficient('read_user api read_api') });
    const byId = await callApi(emu, 'POST', `/personal_access_tokens/${id}/rotate`, { token });
    expect(byId).toMatchObject({ status: 403, body: insufficient('api read_api') });

    const self = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token });
    expect(self.status).toBe(200);
  });

  it('answers 403 on self/rotate without api or self_rotate, listing the scopes GitLab registers', async () => {
    const { id, token } = emu.issueToken({
      user: 'alice',
      name: 'reader',
      scopes: ['read_api', 'read_user'],
    });

    const answer = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token });

    expect(answer).toMatchObject({ status: 403, body: insufficient('api self_rotate api read_api') });
    expect(emu.token(id)?.revoked).toBe(false);
  });
});

describe('unknown routes and bodies', () => {
  it('answers 404 {"error":"404 Not Found"} for a route GitLab does not have', async () => {
    const answer = await callApi(emu, 'GET', '/personal_access_tokens/self/nothing');

    expect(answer).toMatchObject({ status: 404, body: { error: '404 Not Found' } });
  });

  it('answers 400 for a malformed JSON body', async () => {
    const { token } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });
    const response = await fetch(`${emu.url}/api/v4/personal_access_tokens/self/rotate`, {
      method: 'POST',
      headers: { 'private-token': token, 'content-type': 'application/json' },
      body: '{"expires_at": ',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
  });
});
