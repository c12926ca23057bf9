import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { ACCESS_LEVELS, startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let rootToken: string;
let ownerToken: string;
let maintainerToken: string;

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'root', admin: true });
  emu.addUser({ username: 'olivia' });
  emu.addUser({ username: 'max' });
  emu.addGroup({
    path: 'acme',
    members: [
      { user: 'olivia', accessLevel: ACCESS_LEVELS.owner },
      { user: 'max', accessLevel: ACCESS_LEVELS.maintainer },
    ],
  });
  emu.addGroup({ path: 'platform', parent: 'acme' });
  rootToken = emu.issueToken({ user: 'root', name: 'root', scopes: ['api'] }).token;
  ownerToken = emu.issueToken({ user: 'olivia', name: 'o', scopes: ['api'] }).token;
  maintainerToken = emu.issueToken({ user: 'max', name: 'm', scopes: ['api'] }).token;
});

afterEach(async () => {
  await emu.close();
});

function groupId(): number {
  return emu.group('acme')?.id ?? 0;
}

describe('POST and GET /groups/:id/service_accounts', () => {
  it('lets the top-level group’s Owner create one, as GitLab generates it', async () => {
    const answer = await callApi(emu, 'POST', '/groups/acme/service_accounts', {
      token: ownerToken,
      body: {},
    });

    expect(answer.status).toBe(201);
    const body = answer.body as { id: number; username: string; email: string };
    expect(Object.keys(body)).toEqual(['id', 'username', 'public_email', 'name', 'email']);
    expect(body).toMatchObject({ public_email: null, name: 'Service account user' });
    expect(body.username).toMatch(new RegExp(`^service_account_group_${groupId()}_[0-9a-f]{32}$`));
    expect(body.email).toBe(`${body.username}@noreply.127.0.0.1`);
    expect(emu.user(body.id)).toMatchObject({
      bot: true,
      serviceAccount: true,
      provisionedBy: { kind: 'group', id: groupId() },
    });
    expect(emu.group('acme')?.members.map((member) => member.userId)).not.toContain(body.id);
  });

  it('takes a name and username, and refuses a username in use', async () => {
    const named = await callApi(emu, 'POST', `/groups/${groupId()}/service_accounts`, {
      token: rootToken,
      body: { name: 'Deployer', username: 'deployer' },
    });
    const again = await callApi(emu, 'POST', '/groups/acme/service_accounts', {
      token: ownerToken,
      body: { username: 'deployer' },
    });

    expect(named).toMatchObject({ status: 201, body: { name: 'Deployer', username: 'deployer' } });
    expect(again).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - Username has already been taken' },
    });
  });

  it('answers 403 to a Maintainer, 400 for a subgroup, 404 for an unknown group', async () => {
    const maintainer = await callApi(emu, 'POST', '/groups/acme/service_accounts', {
      token: maintainerToken,
    });
    const subgroup = await callApi(emu, 'POST', '/groups/acme%2Fplatform/service_accounts', {
      token: ownerToken,
    });
    const unknown = await callApi(emu, 'POST', '/groups/nope/service_accounts', { token: ownerToken });

    expect(maintainer).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
    expect(subgroup).toMatchObject({
      status: 400,
      body: {
        message:
          '400 Bad request - User does not have permission to create a service account in this namespace.',
      },
    });
    expect(unknown).toMatchObject({ status: 404, body: { message: '404 Group Not Found' } });
  });

  it('answers 403 on the Free tier, to Owners and administrators alike', async () => {
    emu.setTier('free');

    const owner = await callApi(emu, 'POST', '/groups/acme/service_accounts', { token: ownerToken });
    const admin = await callApi(emu, 'GET', '/groups/acme/service_accounts', { token: rootToken });

    expect(emu.tier).toBe('free');
    expect(owner).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
    expect(admin).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
  });

  it('lists the group’s accounts, newest first by default, or by username', async () => {
    const zed = emu.addServiceAccount({ group: 'acme', username: 'zed' });
    const amy = emu.addServiceAccount({ group: 'acme', username: 'amy' });
    emu.addServiceAccount({ username: 'instance-wide' });

    const byId = await callApi(emu, 'GET', '/groups/acme/service_accounts', { token: ownerToken });
    const byName = await callApi(emu, 'GET', '/groups/acme/service_accounts?order_by=username&sort=asc', {
      token: ownerToken,
    });

    const usernames = (body: unknown) => (body as { username: string }[]).map((account) => account.username);
    expect(usernames(byId.body)).toEqual(['amy', 'zed']);
    expect(usernames(byName.body)).toEqual(['amy', 'zed']);
    expect((byId.body as { id: number }[]).map((account) => account.id)).toEqual([amy.id, zed.id]);
    expect(byName.headers.get('link')).toContain('order_by=username&page=1&per_page=20&sort=asc');
  });
});

describe('/groups/:id/service_accounts/:user_id/personal_access_tokens', () => {
  it('creates, lists, rotates and revokes an account’s tokens for the Owner', async () => {
    const account = emu.addServiceAccount({ group: 'acme' });
    const base = `/groups/acme/service_accounts/${account.id}/personal_access_tokens`;

    const created = await callApi(emu, 'POST', base, {
      token: ownerToken,
      body: { name: 'deploy', scopes: ['api'], expires_at: '2026-09-01' },
    });
    const token = created.body as { id: number; token: string };
    const rotated = await callApi(emu, 'POST', `${base}/${token.id}/rotate`, {
      token: ownerToken,
      body: { expires_at: '2026-10-01' },
    });
    const successor = rotated.body as { id: number };
    const active = await callApi(emu, 'GET', `${base}?state=active`, { token: ownerToken });
    const revoked = await callApi(emu, 'DELETE', `${base}/${successor.id}`, { token: ownerToken });
    const inactive = await callApi(emu, 'GET', `${base}?state=inactive`, { token: ownerToken });

    expect(created).toMatchObject({
      status: 201,
      body: { name: 'deploy', user_id: account.id, expires_at: '2026-09-01', scopes: ['api'] },
    });
    expect(Object.keys(created.body as object)).toContain('token');
    expect(rotated).toMatchObject({ status: 200, body: { name: 'deploy', expires_at: '2026-10-01' } });
    expect((active.body as { id: number }[]).map((entry) => entry.id)).toEqual([successor.id]);
    expect(Object.keys((active.body as object[])[0] ?? {})).not.toContain('last_used_ips');
    expect(revoked.status).toBe(204);
    expect((inactive.body as { id: number }[]).map((entry) => entry.id)).toEqual([token.id, successor.id]);
  });

  it('defaults a new token to the maximum lifetime and rotation to a week', async () => {
    const account = emu.addServiceAccount({ group: 'acme' });
    const base = `/groups/acme/service_accounts/${account.id}/personal_access_tokens`;

    const created = await callApi(emu, 'POST', base, {
      token: ownerToken,
      body: { name: 'n', scopes: ['api'] },
    });
    const rotated = await callApi(emu, 'POST', `${base}/${(created.body as { id: number }).id}/rotate`, {
      token: ownerToken,
    });

    expect(created.body).toMatchObject({ expires_at: '2027-06-17' });
    expect(rotated.body).toMatchObject({ expires_at: '2026-06-24' });
  });

  it('answers GitLab’s refusals: other users, unknown tokens, revoked tokens, model failures', async () => {
    const account = emu.addServiceAccount({ group: 'acme' });
    const elsewhere = emu.addServiceAccount({ username: 'instance-sa' });
    const foreignToken = emu.issueToken({ user: 'olivia', name: 'hers', scopes: ['api'] });
    const gone = emu.issueToken({ user: account.id, name: 'gone', scopes: ['api'], revoked: true });
    const base = `/groups/acme/service_accounts/${account.id}/personal_access_tokens`;

    const notProvisioned = await callApi(
      emu,
      'GET',
      `/groups/acme/service_accounts/${elsewhere.id}/personal_access_tokens`,
      {
        token: ownerToken,
      },
    );
    const human = await callApi(emu, 'GET', `/groups/acme/service_accounts/2/personal_access_tokens`, {
      token: ownerToken,
    });
    const rotateForeign = await callApi(emu, 'POST', `${base}/${foreignToken.id}/rotate`, {
      token: ownerToken,
    });
    const revokeForeign = await callApi(emu, 'DELETE', `${base}/${foreignToken.id}`, { token: ownerToken });
    const rotateRevoked = await callApi(emu, 'POST', `${base}/${gone.id}/rotate`, { token: ownerToken });
    const tooLong = await callApi(emu, 'POST', base, {
      token: ownerToken,
      body: { name: 'x', scopes: ['api'], expires_at: '2028-01-01' },
    });
    const badScope = await callApi(emu, 'POST', base, {
      token: ownerToken,
      body: { name: 'x', scopes: ['nope'] },
    });

    expect(notProvisioned).toMatchObject({ status: 404, body: { message: '404 User Not Found' } });
    expect(human).toMatchObject({ status: 404, body: { message: '404 User Not Found' } });
    expect(rotateForeign).toMatchObject({ status: 404, body: { message: '404 Not Found' } });
    expect(revokeForeign).toMatchObject({
      status: 404,
      body: { message: '404 Personal Access Token Not Found' },
    });
    expect(rotateRevoked).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - Token already revoked' },
    });
    expect(tooLong).toMatchObject({
      status: 422,
      body: { message: 'Expiration date must be before 2027-06-17' },
    });
    expect(badScope).toMatchObject({ status: 400, body: { error: 'scopes does not have a valid value' } });
    expect(emu.token(foreignToken.id)?.revoked).toBe(false);
  });

  it('shows the account’s tokens to administrators in /personal_access_tokens?user_id=', async () => {
    const account = emu.addServiceAccount({ group: 'acme' });
    const { id } = emu.issueToken({ user: account.id, name: 'sa', scopes: ['api'] });

    const answer = await callApi(emu, 'GET', `/personal_access_tokens?user_id=${account.id}`, {
      token: rootToken,
    });

    expect((answer.body as { id: number }[]).map((token) => token.id)).toEqual([id]);
  });

  it('deletes an account with DELETE /groups/:id/service_accounts/:user_id; its tokens then fail', async () => {
    const account = emu.addServiceAccount({ group: 'acme' });
    const token = emu.issueToken({ user: account.id, name: 'sa', scopes: ['api'] });

    const deleted = await callApi(emu, 'DELETE', `/groups/acme/service_accounts/${account.id}`, {
      token: ownerToken,
    });
    const after = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: token.token });

    expect(deleted.status).toBe(204);
    expect(emu.user(account.id)).toBeUndefined();
    expect(after).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
  });
});

describe('project service accounts', () => {
  it('work like the group ones for project Maintainers', async () => {
    emu.addProject({ path: 'acme/app' });

    const created = await callApi(emu, 'POST', '/projects/acme%2Fapp/service_accounts', {
      token: maintainerToken,
    });
    const account = created.body as { id: number; username: string };
    const token = await callApi(
      emu,
      'POST',
      `/projects/acme%2Fapp/service_accounts/${account.id}/personal_access_tokens`,
      {
        token: maintainerToken,
        body: { name: 't', scopes: ['read_api'] },
      },
    );

    expect(account.username).toMatch(/^service_account_project_\d+_[0-9a-f]{32}$/);
    expect(token).toMatchObject({ status: 201, body: { user_id: account.id } });
  });
});

describe('instance service accounts', () => {
  it('are made by administrators with POST /service_accounts and get tokens through the users API', async () => {
    const created = await callApi(emu, 'POST', '/service_accounts', { token: rootToken, body: {} });
    const account = created.body as { id: number; username: string };
    const token = await callApi(emu, 'POST', `/users/${account.id}/personal_access_tokens`, {
      token: rootToken,
      body: { name: 'ci', scopes: ['api'] },
    });
    const listed = await callApi(emu, 'GET', '/service_accounts', { token: rootToken });

    expect(created.status).toBe(201);
    expect(account.username).toMatch(/^service_account_[0-9a-f]{32}$/);
    expect(emu.user(account.id)).toMatchObject({ serviceAccount: true, provisionedBy: null });
    expect(token.status).toBe(201);
    expect((listed.body as { id: number }[]).map((entry) => entry.id)).toEqual([account.id]);
  });

  it('answers 403 to non-administrators, and to administrators on the Free tier', async () => {
    const owner = await callApi(emu, 'POST', '/service_accounts', { token: ownerToken });
    emu.setTier('free');
    const freeCreate = await callApi(emu, 'POST', '/service_accounts', { token: rootToken });
    const freeList = await callApi(emu, 'GET', '/service_accounts', { token: rootToken });

    expect(owner).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
    expect(freeCreate).toMatchObject({
      status: 403,
      body: { message: '403 Forbidden - User does not have permission to create a service account.' },
    });
    expect(freeList).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
  });

  it('starts on the tier given to startEmulator', async () => {
    await using free = await startEmulator({ tier: 'free' });
    free.addUser({ username: 'root', admin: true });
    const admin = free.issueToken({ user: 'root', name: 'r', scopes: ['api'] }).token;

    expect(free.tier).toBe('free');
    expect((await callApi(free, 'POST', '/service_accounts', { token: admin })).status).toBe(403);
  });
});

describe('DELETE /users/:id', () => {
  it('deletes a user for administrators only', async () => {
    const account = emu.addServiceAccount();

    const byOwner = await callApi(emu, 'DELETE', `/users/${account.id}`, { token: ownerToken });
    const byAdmin = await callApi(emu, 'DELETE', `/users/${account.id}`, { token: rootToken });
    const again = await callApi(emu, 'DELETE', `/users/${account.id}`, { token: rootToken });

    expect(byOwner).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
    expect(byAdmin.status).toBe(204);
    expect(again).toMatchObject({ status: 404, body: { message: '404 User Not Found' } });
  });
});
