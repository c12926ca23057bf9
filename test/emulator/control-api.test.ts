import { describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { startEmulator } from './index.js';

describe('the control API', () => {
  it('listens on 127.0.0.1 and disposes with await using', async () => {
    let url = '';
    {
      await using emu = await startEmulator();
      url = emu.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/api/v4/users`)).status).toBe(200);
    }
    await expect(fetch(`${url}/api/v4/users`)).rejects.toThrow();
  });

  it('numbers users and tokens from 1, honouring explicit ids', async () => {
    await using emu = await startEmulator();

    expect(emu.addUser({ username: 'root', admin: true }).id).toBe(1);
    expect(emu.addUser({ username: 'alice' }).id).toBe(2);
    expect(emu.addUser({ username: 'bob', id: 10 }).id).toBe(10);
    expect(emu.addUser({ username: 'carol' }).id).toBe(11);
    expect(emu.issueToken({ user: 'alice', name: 'a', scopes: ['api'] }).id).toBe(1);
    expect(emu.issueToken({ user: 2, name: 'b', scopes: ['api'], id: 5 }).id).toBe(5);
    expect(emu.issueToken({ user: 'carol', name: 'c', scopes: ['api'] }).id).toBe(6);
    expect(() => emu.addUser({ username: 'ALICE' })).toThrow(/already exists/);
    expect(() => emu.issueToken({ user: 'nobody', name: 'x', scopes: ['api'] })).toThrow(/no user/);
  });

  it('hands out snapshots, not live state', async () => {
    await using emu = await startEmulator();
    emu.addUser({ username: 'alice' });
    const { id } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });

    const before = emu.token(id);
    await callApi(emu, 'DELETE', '/personal_access_tokens/self', { token: before?.value ?? '' });

    expect(before?.revoked).toBe(false);
    expect(emu.token(id)?.revoked).toBe(true);
  });

  it('records every token value it ever issued, in order, each unguessable', async () => {
    await using emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
    emu.addUser({ username: 'root', admin: true });
    const first = emu.issueToken({ user: 'root', name: 'admin', scopes: ['api'] });
    const created = await callApi(emu, 'POST', '/users/1/personal_access_tokens', {
      token: first.token,
      body: { name: 'made', scopes: ['api'] },
    });
    const rotated = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token: first.token });

    const values = emu.issuedTokenValues();

    expect(values).toEqual([
      first.token,
      (created.body as { token: string }).token,
      (rotated.body as { token: string }).token,
    ]);
    expect(new Set(values).size).toBe(3);
    for (const value of values) expect(value).toMatch(/^glpat-[A-Za-z0-9_-]{20}$/);
  });

  it('defaults a seeded token to the maximum lifetime and finds tokens by value', async () => {
    await using emu = await startEmulator({ now: '2026-02-28T12:00:00Z' });
    emu.addUser({ username: 'alice' });
    const { id, token } = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });

    expect(emu.tokenByValue(token)).toMatchObject({
      id,
      expiresAt: '2027-02-28',
      familyId: id,
      rotatedToId: null,
    });
    expect(emu.tokenByValue('glpat-nothing')).toBeUndefined();
  });

  it('moves the clock by set and advance', async () => {
    await using emu = await startEmulator({ now: '2026-12-31T23:00:00Z' });

    emu.clock.advance({ hours: 1, minutes: 30 });
    expect(emu.clock.now().toISOString()).toBe('2027-01-01T00:30:00.000Z');
    emu.clock.set(new Date('2028-02-29T00:00:00Z'));
    emu.clock.advance({ days: 1 });
    expect(emu.clock.now().toISOString()).toBe('2028-03-01T00:00:00.000Z');
  });
});

describe('the control API for every token kind', () => {
  it('makes project and group tokens with their bots, and lists them per resource', async () => {
    await using emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
    emu.addUser({ username: 'root', admin: true });
    emu.addProject({ path: 'acme/app' });

    const project = emu.issueResourceToken({
      project: 'acme/app',
      name: 'p',
      scopes: ['api'],
      createdBy: 'root',
    });
    const group = emu.issueResourceToken({
      group: 'acme',
      name: 'g',
      scopes: ['read_api'],
      accessLevel: 10,
      expiresAt: null,
    });

    expect(project).toMatchObject({ userId: emu.user(project.username)?.id });
    expect(emu.user(project.userId)).toMatchObject({ createdById: 1, botOf: { kind: 'project' } });
    expect(emu.token(group.id)).toMatchObject({ expiresAt: null, userId: group.userId });
    expect(emu.resourceTokens({ project: 'acme/app' }).map((token) => token.id)).toEqual([project.id]);
    expect(emu.resourceTokens({ group: 'acme' }).map((token) => token.id)).toEqual([group.id]);
    expect(emu.bots({ group: 'acme' }).map((user) => user.id)).toEqual([group.userId]);
    expect(() => emu.issueResourceToken({ project: 'acme/nope', name: 'x', scopes: [] })).toThrow(
      /No project acme\/nope/,
    );
    expect(() =>
      emu.issueResourceToken({ project: 'acme/app', name: 'x', scopes: [], accessLevel: 45 }),
    ).toThrow(/not an access level/);
  });

  it('makes service accounts of a group, a project or the instance', async () => {
    await using emu = await startEmulator();
    emu.addProject({ path: 'acme/app' });

    const ofGroup = emu.addServiceAccount({ group: 'acme', name: 'G' });
    const ofProject = emu.addServiceAccount({
      project: 'acme/app',
      username: 'p-sa',
      email: 'p@example.com',
    });
    const ofInstance = emu.addServiceAccount();

    expect(ofGroup).toMatchObject({
      name: 'G',
      serviceAccount: true,
      bot: true,
      provisionedBy: { kind: 'group' },
    });
    expect(ofProject).toMatchObject({
      username: 'p-sa',
      email: 'p@example.com',
      provisionedBy: { kind: 'project' },
    });
    expect(ofInstance).toMatchObject({ name: 'Service account user', provisionedBy: null });
    expect(emu.serviceAccounts({ group: 'acme' }).map((user) => user.id)).toEqual([ofGroup.id]);
    expect(emu.serviceAccounts().map((user) => user.id)).toEqual([ofGroup.id, ofProject.id, ofInstance.id]);
    expect(() => emu.addServiceAccount({ username: 'p-sa' })).toThrow(/already been taken/);
    expect(() => emu.addServiceAccount({ group: 'acme', project: 'acme/app' })).toThrow(/not both/);
  });

  it('blocks, unblocks and deletes users, and deletes groups with everything in them', async () => {
    await using emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
    emu.addUser({ username: 'alice' });
    const alice = emu.issueToken({ user: 'alice', name: 'a', scopes: ['api'] });
    emu.addProject({ path: 'acme/sub/app', members: [{ user: 'alice', accessLevel: 30 }] });
    emu.setVariable({ project: 'acme/sub/app' }, { key: 'K', value: 'v' });
    const bot = emu.issueResourceToken({ group: 'acme/sub', name: 'b', scopes: ['api'] });
    const status = async (token: string) =>
      (await callApi(emu, 'GET', '/personal_access_tokens/self', { token })).status;

    emu.blockUser('alice');
    const blocked = await status(alice.token);
    emu.unblockUser('alice');
    const unblocked = await status(alice.token);
    emu.deleteGroup('acme/sub');

    expect([blocked, unblocked]).toEqual([403, 200]);
    expect(emu.group('acme/sub')).toBeUndefined();
    expect(emu.project('acme/sub/app')).toBeUndefined();
    expect(emu.group('acme')).toBeDefined();
    expect(emu.user(bot.userId)).toBeUndefined();
    expect(await status(bot.token)).toBe(401);
    expect(() => emu.variables({ project: 'acme/sub/app' })).toThrow(/No project/);

    emu.deleteUser('alice');
    expect(emu.user('alice')).toBeUndefined();
    expect(await status(alice.token)).toBe(401);
    expect(() => emu.deleteUser('alice')).toThrow(/no user/);
  });

  it('refuses a fault that does nothing', async () => {
    await using emu = await startEmulator();

    expect(() => emu.faults.inject({ path: '/api/v4/user' })).toThrow(
      /needs respond, respondWith, afterCommit, delayMs or headers/,
    );
  });
});

describe('users as GitLab shows them', () => {
  it('shows bots and service accounts with bot: true, and admins the admin fields', async () => {
    await using emu = await startEmulator();
    emu.addUser({ username: 'root', admin: true });
    emu.addUser({ username: 'svc', name: 'Service account user', serviceAccount: true, createdBy: 'root' });
    const admin = emu.issueToken({ user: 'root', name: 'admin', scopes: ['read_user'] });

    const anonymous = await callApi(emu, 'GET', '/users?username=svc');
    const asAdmin = await callApi(emu, 'GET', '/users/svc', { token: admin.token });
    const me = await callApi(emu, 'GET', '/user', { token: admin.token });

    expect(anonymous.body).toEqual([
      expect.objectContaining({ id: 2, username: 'svc', state: 'active', web_url: `${emu.url}/svc` }),
    ]);
    expect(Object.keys((anonymous.body as object[])[0] ?? {})).toHaveLength(8);
    expect(asAdmin.body).toMatchObject({
      bot: true,
      external: true,
      is_admin: false,
      created_by: { id: 1, username: 'root' },
    });
    expect(me.body).toMatchObject({ id: 1, is_admin: true });
    expect((await callApi(emu, 'GET', '/users/nobody')).body).toEqual({ message: '404 User Not Found' });
  });
});
