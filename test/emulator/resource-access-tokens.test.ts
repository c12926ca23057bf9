import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { ACCESS_LEVELS, startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let rootToken: string;
let ownerToken: string;
let maintainerToken: string;
let developerToken: string;

const PROJECT = '/projects/acme%2Fapp';

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'root', admin: true });
  emu.addUser({ username: 'olivia', name: 'Olivia' });
  emu.addUser({ username: 'max', name: 'Max' });
  emu.addUser({ username: 'dev', name: 'Dev' });
  emu.addGroup({ path: 'acme', members: [{ user: 'olivia', accessLevel: ACCESS_LEVELS.owner }] });
  emu.addProject({
    path: 'acme/app',
    members: [
      { user: 'max', accessLevel: ACCESS_LEVELS.maintainer },
      { user: 'dev', accessLevel: ACCESS_LEVELS.developer },
    ],
  });
  rootToken = emu.issueToken({ user: 'root', name: 'root', scopes: ['api'] }).token;
  ownerToken = emu.issueToken({ user: 'olivia', name: 'o', scopes: ['api'] }).token;
  maintainerToken = emu.issueToken({ user: 'max', name: 'm', scopes: ['api'] }).token;
  developerToken = emu.issueToken({ user: 'dev', name: 'd', scopes: ['api'] }).token;
});

afterEach(async () => {
  await emu.close();
});

async function createProjectToken(token: string, body: Record<string, unknown>) {
  return callApi(emu, 'POST', `${PROJECT}/access_tokens`, { token, body });
}

describe('POST /projects/:id/access_tokens and /groups/:id/access_tokens', () => {
  it('makes a bot user with a membership at the given level, and answers the token once', async () => {
    const answer = await createProjectToken(maintainerToken, {
      name: 'deploy',
      scopes: ['api', 'read_registry'],
      access_level: 30,
      expires_at: '2026-09-01',
      description: 'for CD',
    });

    expect(answer.status).toBe(201);
    const body = answer.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      ...['id', 'name', 'revoked', 'created_at', 'description', 'scopes', 'user_id', 'last_used_at'],
      ...['active', 'granular', 'expires_at', 'access_level', 'resource_type', 'resource_id', 'token'],
    ]);
    expect(body).toMatchObject({
      name: 'deploy',
      description: 'for CD',
      scopes: ['api', 'read_registry'],
      expires_at: '2026-09-01',
      access_level: 30,
      resource_type: 'project',
      resource_id: emu.project('acme/app')?.id,
      active: true,
      revoked: false,
    });
    const bot = emu.user(body['user_id'] as number);
    expect(bot).toMatchObject({
      name: 'deploy',
      bot: true,
      serviceAccount: false,
      botOf: { kind: 'project' },
    });
    expect(bot?.username).toMatch(new RegExp(`^project_${emu.project('acme/app')?.id}_bot_[0-9a-f]{32}$`));
    expect(bot?.email).toBe(`${bot?.username}@noreply.127.0.0.1`);
    expect(emu.project('acme/app')?.members.find((member) => member.userId === bot?.id)?.accessLevel).toBe(
      30,
    );
    expect(emu.bots({ project: 'acme/app' }).map((user) => user.id)).toEqual([bot?.id]);
  });

  it('defaults to Maintainer and the instance maximum lifetime, and makes group tokens for group Owners', async () => {
    const answer = await callApi(emu, 'POST', '/groups/acme/access_tokens', {
      token: ownerToken,
      body: { name: 'g', scopes: ['read_api'] },
    });

    const groupId = emu.group('acme')?.id;
    expect(answer).toMatchObject({
      status: 201,
      body: { access_level: 40, expires_at: '2027-06-17', resource_type: 'group', resource_id: groupId },
    });
    expect(emu.user((answer.body as { user_id: number }).user_id)?.username).toMatch(
      new RegExp(`^group_${groupId}_bot_[0-9a-f]{32}$`),
    );
  });

  it('refuses callers below Maintainer (project) or Owner (group), and levels above their own', async () => {
    const developer = await createProjectToken(developerToken, { name: 'x', scopes: ['api'] });
    const maintainerInGroup = await callApi(emu, 'POST', '/groups/acme/access_tokens', {
      token: maintainerToken,
      body: { name: 'x', scopes: ['api'] },
    });
    const tooHigh = await createProjectToken(maintainerToken, {
      name: 'x',
      scopes: ['api'],
      access_level: 50,
    });
    const admin = await createProjectToken(rootToken, { name: 'x', scopes: ['api'], access_level: 50 });

    expect(developer).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - User does not have permission to create project access token' },
    });
    // A project member may see the group the project is in, so the refusal is the service's, not a 404.
    expect(maintainerInGroup).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - User does not have permission to create group access token' },
    });
    expect(tooHigh).toMatchObject({
      status: 400,
      body: {
        message:
          '400 Bad request - Access level of the token contains permissions not held by the creating user',
      },
    });
    expect(admin).toMatchObject({ status: 201, body: { access_level: 50 } });
    expect(emu.bots({ project: 'acme/app' })).toHaveLength(1);
  });

  it('validates parameters first, then finds the project, then the model', async () => {
    const missing = await callApi(emu, 'POST', '/projects/acme%2Fnope/access_tokens', {
      token: maintainerToken,
      body: { scopes: ['read_user'], access_level: 45 },
    });
    const noProject = await callApi(emu, 'POST', '/projects/acme%2Fnope/access_tokens', {
      token: maintainerToken,
      body: { name: 'x', scopes: ['api'] },
    });
    const tooLong = await createProjectToken(maintainerToken, {
      name: 'x',
      scopes: ['api'],
      expires_at: '2027-06-18',
    });
    const blank = await createProjectToken(maintainerToken, { name: ' ', scopes: ['api'] });

    expect(missing).toMatchObject({
      status: 400,
      body: {
        error:
          'name is missing, scopes does not have a valid value, access_level does not have a valid value',
      },
    });
    expect(noProject).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
    expect(tooLong).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - Expiration date must be before 2027-06-17' },
    });
    expect(blank).toMatchObject({ status: 400, body: { message: "400 Bad request - Name can't be blank" } });
    expect(emu.bots({ project: 'acme/app' })).toEqual([]);
  });

  it('does not let a bot token create tokens', async () => {
    const bot = emu.issueResourceToken({
      project: 'acme/app',
      name: 'bot',
      scopes: ['api'],
      accessLevel: 50,
    });

    const answer = await createProjectToken(bot.token, { name: 'child', scopes: ['api'] });

    expect(answer).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - User does not have permission to create project access token' },
    });
  });
});

describe('GET /projects/:id/access_tokens', () => {
  it('lists the bots’ tokens with the state filter and pagination, for Maintainers only', async () => {
    const active = emu.issueResourceToken({ project: 'acme/app', name: 'a', scopes: ['api'] });
    const revoked = emu.issueResourceToken({ project: 'acme/app', name: 'r', scopes: ['api'] });
    const expired = emu.issueResourceToken({
      project: 'acme/app',
      name: 'e',
      scopes: ['api'],
      expiresAt: '2026-06-17',
    });
    emu.issueResourceToken({ group: 'acme', name: 'in-group', scopes: ['api'] });
    await callApi(emu, 'DELETE', `${PROJECT}/access_tokens/${revoked.id}`, { token: maintainerToken });

    const all = await callApi(emu, 'GET', `${PROJECT}/access_tokens`, { token: maintainerToken });
    const activeOnly = await callApi(emu, 'GET', `${PROJECT}/access_tokens?state=active`, {
      token: maintainerToken,
    });
    const inactive = await callApi(emu, 'GET', `${PROJECT}/access_tokens?state=inactive`, {
      token: rootToken,
    });
    const paged = await callApi(emu, 'GET', `${PROJECT}/access_tokens?per_page=2&page=2`, {
      token: maintainerToken,
    });
    const developer = await callApi(emu, 'GET', `${PROJECT}/access_tokens`, { token: developerToken });

    const ids = (body: unknown) => (body as { id: number }[]).map((token) => token.id);
    expect(ids(all.body)).toEqual([active.id, revoked.id, expired.id]);
    expect(Object.keys((all.body as object[])[0] ?? {})).not.toContain('token');
    expect(ids(activeOnly.body)).toEqual([active.id]);
    expect(ids(inactive.body)).toEqual([revoked.id, expired.id]);
    expect(ids(paged.body)).toEqual([expired.id]);
    expect(paged.headers.get('x-total')).toBe('3');
    expect(developer).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
  });

  it('shows one token, 404 for another project’s, and the caller’s own under self', async () => {
    const mine = emu.issueResourceToken({ project: 'acme/app', name: 'mine', scopes: ['read_api'] });
    const groupToken = emu.issueResourceToken({ group: 'acme', name: 'g', scopes: ['api'] });

    const one = await callApi(emu, 'GET', `${PROJECT}/access_tokens/${mine.id}`, { token: maintainerToken });
    const foreign = await callApi(emu, 'GET', `${PROJECT}/access_tokens/${groupToken.id}`, {
      token: maintainerToken,
    });
    const self = await callApi(emu, 'GET', `${PROJECT}/access_tokens/self`, { token: mine.token });
    const humanSelf = await callApi(emu, 'GET', `${PROJECT}/access_tokens/self`, { token: maintainerToken });

    expect(one).toMatchObject({ status: 200, body: { id: mine.id, name: 'mine', access_level: 40 } });
    expect(foreign).toMatchObject({ status: 404, body: { message: '404 project Access Token Not Found' } });
    expect(self).toMatchObject({ status: 200, body: { id: mine.id, resource_type: 'project' } });
    expect(humanSelf).toMatchObject({ status: 404, body: { message: '404 project Access Token Not Found' } });
  });
});

describe('DELETE /projects/:id/access_tokens/:token_id', () => {
  it('revokes and keeps the bot; twice is fine; self is not an id', async () => {
    const token = emu.issueResourceToken({ project: 'acme/app', name: 't', scopes: ['api'] });

    const first = await callApi(emu, 'DELETE', `${PROJECT}/access_tokens/${token.id}`, {
      token: maintainerToken,
    });
    const second = await callApi(emu, 'DELETE', `${PROJECT}/access_tokens/${token.id}`, {
      token: maintainerToken,
    });
    const self = await callApi(emu, 'DELETE', `${PROJECT}/access_tokens/self`, { token: maintainerToken });
    const after = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: token.token });

    expect([first.status, second.status]).toEqual([204, 204]);
    expect(self).toMatchObject({ status: 404, body: { message: '404 project Access Token Not Found' } });
    expect(emu.token(token.id)?.revoked).toBe(true);
    expect(emu.user(token.userId)).toBeDefined();
    expect(after).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
  });

  it('answers 400 naming both users when the caller may not revoke', async () => {
    const token = emu.issueResourceToken({ project: 'acme/app', name: 'deploy-bot', scopes: ['api'] });

    const answer = await callApi(emu, 'DELETE', `${PROJECT}/access_tokens/${token.id}`, {
      token: developerToken,
    });

    expect(answer).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - Dev cannot delete deploy-bot' },
    });
    expect(emu.token(token.id)?.revoked).toBe(false);
  });
});

describe('POST /projects/:id/access_tokens/:token_id/rotate', () => {
  it('keeps the bot user and makes a new id in the same family', async () => {
    const old = emu.issueResourceToken({
      project: 'acme/app',
      name: 'deploy',
      scopes: ['api'],
      accessLevel: 30,
    });

    const answer = await callApi(emu, 'POST', `${PROJECT}/access_tokens/${old.id}/rotate`, {
      token: maintainerToken,
      body: { expires_at: '2026-12-01' },
    });

    const fresh = answer.body as { id: number; user_id: number; token: string };
    expect(answer).toMatchObject({
      status: 200,
      body: { name: 'deploy', expires_at: '2026-12-01', access_level: 30, resource_type: 'project' },
    });
    expect(fresh.user_id).toBe(old.userId);
    expect(fresh.id).not.toBe(old.id);
    expect(emu.token(fresh.id)).toMatchObject({ familyId: old.id, previousTokenId: old.id });
    expect(emu.token(old.id)?.revoked).toBe(true);
    expect(emu.bots({ project: 'acme/app' })).toHaveLength(1);
  });

  it('rotates an expired token (a weekend of expiries), and refuses a revoked one', async () => {
    const expired = emu.issueResourceToken({
      project: 'acme/app',
      name: 'e',
      scopes: ['api'],
      expiresAt: '2026-06-16',
    });
    const revoked = emu.issueResourceToken({ project: 'acme/app', name: 'r', scopes: ['api'] });
    await callApi(emu, 'DELETE', `${PROJECT}/access_tokens/${revoked.id}`, { token: maintainerToken });

    const rotated = await callApi(emu, 'POST', `${PROJECT}/access_tokens/${expired.id}/rotate`, {
      token: maintainerToken,
    });
    const refused = await callApi(emu, 'POST', `${PROJECT}/access_tokens/${revoked.id}/rotate`, {
      token: maintainerToken,
    });

    expect(rotated).toMatchObject({ status: 200, body: { expires_at: '2026-06-24', active: true } });
    expect(refused).toMatchObject({
      status: 400,
      body: { message: '400 Bad request - Token already revoked' },
    });
  });

  it('answers 401 to non-managers and bots, 404 to admins for unknown tokens, 400 above the caller’s level', async () => {
    const owner = emu.issueResourceToken({
      project: 'acme/app',
      name: 'o',
      scopes: ['api'],
      accessLevel: 50,
    });
    const bot = emu.issueResourceToken({ project: 'acme/app', name: 'b', scopes: ['api'], accessLevel: 50 });
    const path = `${PROJECT}/access_tokens/${owner.id}/rotate`;

    const developer = await callApi(emu, 'POST', path, { token: developerToken });
    const byBot = await callApi(emu, 'POST', path, { token: bot.token });
    const unknownAsAdmin = await callApi(emu, 'POST', `${PROJECT}/access_tokens/999/rotate`, {
      token: rootToken,
    });
    const aboveMaintainer = await callApi(emu, 'POST', path, { token: maintainerToken });

    expect(developer).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(byBot).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(unknownAsAdmin).toMatchObject({ status: 404, body: { message: '404 Not Found' } });
    expect(aboveMaintainer).toMatchObject({
      status: 400,
      body: {
        message: '400 Bad request - Not eligible to rotate tokens with permissions not held by the user',
      },
    });
    expect(emu.token(owner.id)?.revoked).toBe(false);
  });
});

describe('POST /projects/:id/access_tokens/self/rotate and /groups/:id/access_tokens/self/rotate', () => {
  it('lets a bot token with self_rotate rotate itself; the old value then fails', async () => {
    const bot = emu.issueResourceToken({ group: 'acme', name: 'ci', scopes: ['self_rotate', 'read_api'] });

    const answer = await callApi(emu, 'POST', '/groups/acme/access_tokens/self/rotate', {
      token: bot.token,
      body: { expires_at: '2026-08-01' },
    });
    const old = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: bot.token });

    expect(answer).toMatchObject({
      status: 200,
      body: { name: 'ci', user_id: bot.userId, expires_at: '2026-08-01', resource_type: 'group' },
    });
    expect(old.status).toBe(401);
  });

  it('answers 405 to a human, 401 to another resource’s bot, 404 where the bot sees nothing, 403 without the scope', async () => {
    const other = emu.addProject({ path: 'acme/other' });
    const otherBot = emu.issueResourceToken({ project: other.id, name: 'x', scopes: ['api'] });
    const groupBot = emu.issueResourceToken({ group: 'acme', name: 'g', scopes: ['api'] });
    const readOnly = emu.issueResourceToken({ project: 'acme/app', name: 'ro', scopes: ['read_api'] });

    const human = await callApi(emu, 'POST', `${PROJECT}/access_tokens/self/rotate`, {
      token: maintainerToken,
    });
    const foreign = await callApi(emu, 'POST', `${PROJECT}/access_tokens/self/rotate`, {
      token: groupBot.token,
    });
    const invisible = await callApi(emu, 'POST', `${PROJECT}/access_tokens/self/rotate`, {
      token: otherBot.token,
    });
    const noScope = await callApi(emu, 'POST', `${PROJECT}/access_tokens/self/rotate`, {
      token: readOnly.token,
    });

    expect(human).toMatchObject({ status: 405, body: { message: '405 Method Not Allowed' } });
    expect(foreign).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(invisible).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
    expect(noScope).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
  });

  it('revokes the family when a rotated-away bot token is presented to rotate again (reuse detection)', async () => {
    const bot = emu.issueResourceToken({ project: 'acme/app', name: 'ci', scopes: ['api'] });
    const first = await callApi(emu, 'POST', `${PROJECT}/access_tokens/self/rotate`, { token: bot.token });
    const successor = first.body as { id: number; token: string };

    const replay = await callApi(emu, 'POST', `${PROJECT}/access_tokens/self/rotate`, { token: bot.token });

    expect(replay).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(emu.token(successor.id)?.revoked).toBe(true);
    expect(
      (await callApi(emu, 'GET', '/personal_access_tokens/self', { token: successor.token })).status,
    ).toBe(401);
  });
});

describe('a bot token as a credential', () => {
  it('answers GET /personal_access_tokens/self with the bot’s user id, and finds its project in associations', async () => {
    const bot = emu.issueResourceToken({
      project: 'acme/app',
      name: 'ci',
      scopes: ['read_api'],
      accessLevel: 30,
    });

    const self = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: bot.token });
    const associations = await callApi(emu, 'GET', '/personal_access_tokens/self/associations', {
      token: bot.token,
    });

    expect(self).toMatchObject({ status: 200, body: { id: bot.id, user_id: bot.userId, name: 'ci' } });
    expect(associations.body).toMatchObject({
      groups: [],
      projects: [
        {
          id: emu.project('acme/app')?.id,
          path_with_namespace: 'acme/app',
          access_levels: { project_access_level: 30, group_access_level: null },
          namespace: { kind: 'group', full_path: 'acme' },
        },
      ],
    });
  });

  it('finds its group, and the projects below it, with min_access_level', async () => {
    const bot = emu.issueResourceToken({ group: 'acme', name: 'g', scopes: ['read_api'], accessLevel: 20 });

    const all = await callApi(emu, 'GET', '/personal_access_tokens/self/associations', { token: bot.token });
    const atLeastDeveloper = await callApi(
      emu,
      'GET',
      '/personal_access_tokens/self/associations?min_access_level=30',
      {
        token: bot.token,
      },
    );

    expect(all.body).toMatchObject({
      groups: [
        {
          id: emu.group('acme')?.id,
          name: 'acme',
          parent_id: null,
          access_levels: 20,
          visibility: 'private',
        },
      ],
      projects: [{ path_with_namespace: 'acme/app', access_levels: { group_access_level: 20 } }],
    });
    expect(atLeastDeveloper.body).toEqual({ groups: [], projects: [] });
  });

  it('stops authenticating once its project is deleted (401) or its bot is blocked (403)', async () => {
    const deleted = emu.issueResourceToken({ project: 'acme/app', name: 'd', scopes: ['api'] });
    const other = emu.addProject({ path: 'acme/kept' });
    const blocked = emu.issueResourceToken({ project: other.id, name: 'b', scopes: ['api'] });

    emu.deleteProject('acme/app');
    emu.blockUser(blocked.userId);
    const gone = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: deleted.token });
    const stopped = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: blocked.token });

    expect(gone).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(emu.requests.at(-2)?.authTokenId).toBe(deleted.id);
    expect(emu.user(deleted.userId)).toBeUndefined();
    expect(emu.project('acme/app')).toBeUndefined();
    expect(stopped).toMatchObject({
      status: 403,
      body: { message: '403 Forbidden - Your account has been blocked.' },
    });
  });
});
