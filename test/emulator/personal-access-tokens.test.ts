import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let admin: { id: number; token: string };
let alice: { id: number; token: string };

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'root', admin: true });
  emu.addUser({ username: 'alice' });
  emu.addUser({ username: 'bob' });
  admin = emu.issueToken({ user: 'root', name: 'admin', scopes: ['api'], expiresAt: null });
  alice = emu.issueToken({ user: 'alice', name: 'alice-ci', scopes: ['api'], expiresAt: '2026-12-01' });
});

afterEach(async () => {
  await emu.close();
});

function ids(body: unknown): number[] {
  return (body as { id: number }[]).map((token) => token.id);
}

describe('GET /personal_access_tokens', () => {
  it('lists only the caller’s tokens for a non-admin, with last_used_ips', async () => {
    emu.issueToken({ user: 'bob', name: 'bob-ci', scopes: ['api'] });

    const answer = await callApi(emu, 'GET', '/personal_access_tokens', { token: alice.token });

    expect(ids(answer.body)).toEqual([alice.id]);
    expect(Object.keys((answer.body as object[])[0] ?? {})).toContain('last_used_ips');
  });

  it('lists everyone’s tokens for an admin and filters by user_id', async () => {
    const bob = emu.issueToken({ user: 'bob', name: 'bob-ci', scopes: ['api'] });

    const all = await callApi(emu, 'GET', '/personal_access_tokens', { token: admin.token });
    const bobs = await callApi(emu, 'GET', '/personal_access_tokens?user_id=3', { token: admin.token });
    const nobody = await callApi(emu, 'GET', '/personal_access_tokens?user_id=99', { token: admin.token });

    expect(ids(all.body)).toEqual([admin.id, alice.id, bob.id]);
    expect(ids(bobs.body)).toEqual([bob.id]);
    expect(nobody).toMatchObject({ status: 404, body: { message: '404 Not Found' } });
  });

  it('answers 401 when a non-admin filters on another user', async () => {
    const other = await callApi(emu, 'GET', '/personal_access_tokens?user_id=3', { token: alice.token });
    const self = await callApi(emu, 'GET', '/personal_access_tokens?user_id=2', { token: alice.token });

    expect(other).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(ids(self.body)).toEqual([alice.id]);
  });

  it('filters by state, revoked, search, dates and sorts', async () => {
    const revoked = emu.issueToken({ user: 'alice', name: 'old Deploy', scopes: ['api'], revoked: true });
    const expired = emu.issueToken({
      user: 'alice',
      name: 'deploy-expired',
      scopes: ['api'],
      expiresAt: '2026-06-01',
    });
    const used = emu.issueToken({
      user: 'alice',
      name: 'used',
      scopes: ['api'],
      createdAt: '2026-01-01T00:00:00Z',
      lastUsedAt: '2026-03-01T00:00:00Z',
      expiresAt: '2026-07-01',
    });
    const get = async (query: string) =>
      ids((await callApi(emu, 'GET', `/personal_access_tokens?${query}`, { token: alice.token })).body);

    expect(await get('state=active')).toEqual([alice.id, used.id]);
    expect(await get('state=inactive')).toEqual([revoked.id, expired.id]);
    expect(await get('revoked=true')).toEqual([revoked.id]);
    expect(await get('revoked=false')).toEqual([alice.id, expired.id, used.id]);
    expect(await get('search=DEPLOY')).toEqual([revoked.id, expired.id]);
    expect(await get('created_before=2026-02-01T00:00:00Z')).toEqual([used.id]);
    expect(await get('created_after=2026-06-01')).toEqual([alice.id, revoked.id, expired.id]);
    expect(await get('last_used_before=2026-04-01T00:00:00Z')).toEqual([used.id]);
    expect(await get('expires_before=2026-07-02')).toEqual([expired.id, used.id]);
    expect(await get('expires_after=2026-07-01')).toEqual([alice.id, revoked.id, used.id]);
    expect(await get('sort=expires_desc')).toEqual([revoked.id, alice.id, used.id, expired.id]);
    expect(await get('sort=name_asc')).toEqual([alice.id, expired.id, revoked.id, used.id]);
  });

  it('rejects invalid filters the way Grape does', async () => {
    const answer = await callApi(emu, 'GET', '/personal_access_tokens?state=gone&revoked=maybe', {
      token: alice.token,
    });

    expect(answer).toMatchObject({
      status: 400,
      body: { error: 'revoked is invalid, state does not have a valid value' },
    });
  });
});

describe('GET /personal_access_tokens/:id and /self', () => {
  it('shows the caller’s own token and the admin anyone’s', async () => {
    const own = await callApi(emu, 'GET', `/personal_access_tokens/${alice.id}`, { token: alice.token });
    const asAdmin = await callApi(emu, 'GET', `/personal_access_tokens/${alice.id}`, { token: admin.token });

    expect(own.body).toMatchObject({ id: alice.id, name: 'alice-ci', last_used_ips: ['127.0.0.1'] });
    expect(asAdmin.status).toBe(200);
  });

  it('answers 401 to a non-admin for foreign or missing ids, 404 to an admin for missing ones', async () => {
    const foreign = await callApi(emu, 'GET', `/personal_access_tokens/${admin.id}`, { token: alice.token });
    const missing = await callApi(emu, 'GET', '/personal_access_tokens/999', { token: alice.token });
    const adminMissing = await callApi(emu, 'GET', '/personal_access_tokens/999', { token: admin.token });

    expect(foreign).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(missing).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(adminMissing).toMatchObject({ status: 404, body: { message: '404 Not Found' } });
  });

  it('answers self with the fields and order of GitLab 19.0', async () => {
    const answer = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: alice.token });

    expect(answer.body).toEqual({
      id: alice.id,
      name: 'alice-ci',
      revoked: false,
      created_at: '2026-06-17T09:00:00.000Z',
      description: null,
      scopes: ['api'],
      user_id: 2,
      last_used_at: '2026-06-17T09:00:00.000Z',
      active: true,
      granular: false,
      expires_at: '2026-12-01',
      last_used_ips: ['127.0.0.1'],
    });
    expect(Object.keys(answer.body as object)[11]).toBe('last_used_ips');
  });

  it('answers associations with empty group and project lists', async () => {
    const answer = await callApi(emu, 'GET', '/personal_access_tokens/self/associations', {
      token: alice.token,
    });

    expect(answer).toMatchObject({ status: 200, body: { groups: [], projects: [] } });
  });
});

describe('DELETE /personal_access_tokens/:id and /self', () => {
  it('revokes the caller’s own token, and again without complaint', async () => {
    const spare = emu.issueToken({ user: 'alice', name: 'spare', scopes: ['api'] });

    const first = await callApi(emu, 'DELETE', `/personal_access_tokens/${spare.id}`, { token: alice.token });
    const again = await callApi(emu, 'DELETE', `/personal_access_tokens/${spare.id}`, { token: alice.token });

    expect(first).toMatchObject({ status: 204, body: undefined });
    expect(again.status).toBe(204);
    expect(emu.token(spare.id)?.revoked).toBe(true);
  });

  it('answers 404 "404 Not found" for a missing id and 400 for someone else’s token', async () => {
    const missing = await callApi(emu, 'DELETE', '/personal_access_tokens/999', { token: admin.token });
    const foreign = await callApi(emu, 'DELETE', `/personal_access_tokens/${admin.id}`, {
      token: alice.token,
    });

    expect(missing).toMatchObject({ status: 404, body: { message: '404 Not found' } });
    expect(foreign).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - Not permitted to revoke' },
    });
    expect(emu.token(admin.id)?.revoked).toBe(false);
  });

  it('revokes the presenting token on DELETE /self', async () => {
    const answer = await callApi(emu, 'DELETE', '/personal_access_tokens/self', { token: alice.token });

    expect(answer.status).toBe(204);
    expect(emu.token(alice.id)?.revoked).toBe(true);
  });
});

describe('creating tokens', () => {
  it('lets an admin create a token for a user: 201 with the value', async () => {
    const answer = await callApi(emu, 'POST', '/users/3/personal_access_tokens', {
      token: admin.token,
      body: { name: 'bob-deploy', scopes: ['read_api'], expires_at: '2026-06-23', description: 'deploys' },
    });

    expect(answer).toMatchObject({
      status: 201,
      body: {
        name: 'bob-deploy',
        scopes: ['read_api'],
        user_id: 3,
        expires_at: '2026-06-23',
        description: 'deploys',
      },
    });
    const created = answer.body as { id: number; token: string };
    expect(emu.tokenByValue(created.token)?.id).toBe(created.id);
  });

  it('defaults the expiry of a created token to the maximum lifetime', async () => {
    const answer = await callApi(emu, 'POST', '/users/3/personal_access_tokens', {
      token: admin.token,
      body: { name: 'bob-deploy', scopes: 'api,read_user' },
    });

    expect(answer.body).toMatchObject({ scopes: ['api', 'read_user'], expires_at: '2027-06-17' });
  });

  it('forbids non-admins', async () => {
    const answer = await callApi(emu, 'POST', '/users/3/personal_access_tokens', {
      token: alice.token,
      body: { name: 'x', scopes: ['api'] },
    });

    expect(answer).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
  });

  it('validates parameters (400), the user (404) and the model (422) in GitLab’s order', async () => {
    const params = await callApi(emu, 'POST', '/users/3/personal_access_tokens', {
      token: admin.token,
      body: { scopes: ['bogus'] },
    });
    const user = await callApi(emu, 'POST', '/users/99/personal_access_tokens', {
      token: admin.token,
      body: { name: 'x', scopes: ['api'] },
    });
    const model = await callApi(emu, 'POST', '/users/3/personal_access_tokens', {
      token: admin.token,
      body: { name: 'x', scopes: ['sudo'], expires_at: '2028-01-01' },
    });

    expect(params).toMatchObject({
      status: 400,
      body: { error: 'name is missing, scopes does not have a valid value' },
    });
    expect(user).toMatchObject({ status: 404, body: { message: '404 User Not Found' } });
    expect(model).toMatchObject({
      status: 422,
      body: {
        message: 'Expiration date must be before 2027-06-17 and Sudo can only be enabled for administrators',
      },
    });
  });

  it('lets any user create a narrow token for themselves, expiring tomorrow by default', async () => {
    const created = await callApi(emu, 'POST', '/user/personal_access_tokens', {
      token: alice.token,
      body: { name: 'rotator', scopes: ['self_rotate'] },
    });
    const wide = await callApi(emu, 'POST', '/user/personal_access_tokens', {
      token: alice.token,
      body: { name: 'wide', scopes: ['api'] },
    });

    expect(created).toMatchObject({
      status: 201,
      body: { user_id: 2, scopes: ['self_rotate'], expires_at: '2026-06-18' },
    });
    expect(wide).toMatchObject({ status: 400, body: { error: 'scopes does not have a valid value' } });
  });
});
