import {
  GitbeakerRequestError,
  GroupAccessTokens,
  GroupServiceAccounts,
  PersonalAccessTokens,
  ProjectAccessTokens,
} from '@gitbeaker/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_LEVELS, startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let maintainer: string;
let owner: string;

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'olivia' });
  emu.addUser({ username: 'max' });
  emu.addGroup({ path: 'acme', members: [{ user: 'olivia', accessLevel: ACCESS_LEVELS.owner }] });
  emu.addProject({ path: 'acme/app', members: [{ user: 'max', accessLevel: ACCESS_LEVELS.maintainer }] });
  maintainer = emu.issueToken({ user: 'max', name: 'm', scopes: ['api'] }).token;
  owner = emu.issueToken({ user: 'olivia', name: 'o', scopes: ['api'] }).token;
});

afterEach(async () => {
  await emu.close();
});

describe('the real @gitbeaker/rest client against the token kinds', () => {
  it('creates, lists, shows and revokes project access tokens by project path', async () => {
    const tokens = new ProjectAccessTokens({ host: emu.url, token: maintainer });

    const created = await tokens.create('acme/app', 'deploy', ['read_repository'], '2026-09-01', {
      accessLevel: 30,
    });
    const listed = await tokens.all('acme/app');
    const shown = await tokens.show('acme/app', created.id);
    await tokens.revoke('acme/app', created.id);

    expect(created).toMatchObject({ name: 'deploy', access_level: 30, expires_at: '2026-09-01' });
    expect(listed.map((token) => token.id)).toEqual([created.id]);
    expect(shown).toMatchObject({ id: created.id, resource_type: 'project' });
    expect(emu.token(created.id)?.revoked).toBe(true);
    expect(emu.requests.find((request) => request.method === 'POST')).toMatchObject({
      path: '/api/v4/projects/acme%2Fapp/access_tokens',
      body: { name: 'deploy', scopes: ['read_repository'], expires_at: '2026-09-01', access_level: 30 },
    });
  });

  it('self-rotates a group access token with rotate(group, "self") and switches to the new value', async () => {
    const bot = emu.issueResourceToken({ group: 'acme', name: 'ci', scopes: ['self_rotate', 'read_api'] });
    const asBot = new GroupAccessTokens({ host: emu.url, token: bot.token });

    const rotated = await asBot.rotate('acme', 'self', { expiresAt: '2026-08-01' });
    const self = await new PersonalAccessTokens({ host: emu.url, token: rotated.token }).show();

    expect(rotated).toMatchObject({ name: 'ci', user_id: bot.userId, expires_at: '2026-08-01' });
    expect(self).toMatchObject({ id: rotated.id, user_id: bot.userId });
    expect(emu.token(bot.id)?.revoked).toBe(true);
  });

  it('surfaces GitLab’s refusal message for a Maintainer creating an Owner-level token', async () => {
    const tokens = new ProjectAccessTokens({ host: emu.url, token: maintainer });

    const failure = await tokens
      .create('acme/app', 'too-much', ['api'], '2026-09-01', { accessLevel: 50 })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(GitbeakerRequestError);
    expect((failure as GitbeakerRequestError).cause?.response.status).toBe(400);
    expect((failure as GitbeakerRequestError).message).toBe(
      '400 Bad request - Access level of the token contains permissions not held by the creating user',
    );
  });

  it('creates a group service account and rotates its token; createPersonalAccessToken is broken in 43.8', async () => {
    const accounts = new GroupServiceAccounts({ host: emu.url, token: owner });
    const account = await accounts.create('acme', { name: 'Deployer', username: 'deployer' });
    const token = emu.issueToken({ user: account.id, name: 'deploy', scopes: ['api'] });

    const rotated = await accounts.rotatePersonalAccessToken('acme', account.id, token.id);
    const broken = await accounts
      .createPersonalAccessToken('acme', account.id)
      .catch((error: unknown) => error);

    expect(account).toMatchObject({ name: 'Deployer', username: 'deployer' });
    expect(rotated).toMatchObject({ name: 'deploy', user_id: account.id, expires_at: '2026-06-24' });
    // gitbeaker posts to /groups/:id/service_accounts/:user_id, a route GitLab does not have.
    expect((broken as GitbeakerRequestError).cause?.response.status).toBe(404);
    expect(emu.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/api/v4/groups/acme/service_accounts/${account.id}`,
      status: 404,
    });
  });
});
