import { GitbeakerRequestError, PersonalAccessTokens, Users } from '@gitbeaker/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let alice: { id: number; token: string };

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'root', admin: true });
  emu.addUser({ username: 'alice', name: 'Alice' });
  alice = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'], expiresAt: '2026-12-01' });
});

afterEach(async () => {
  await emu.close();
});

describe('the real @gitbeaker/rest client against the emulator', () => {
  it('shows the current token and user', async () => {
    const tokens = new PersonalAccessTokens({ host: emu.url, token: alice.token });
    const users = new Users({ host: emu.url, token: alice.token });

    const self = await tokens.show();
    const me = await users.showCurrentUser();

    expect(self).toMatchObject({
      id: alice.id,
      name: 'ci',
      scopes: ['api'],
      expires_at: '2026-12-01',
      active: true,
    });
    expect(me).toMatchObject({ id: 2, username: 'alice', name: 'Alice', bot: false });
  });

  it('follows offset pagination across pages', async () => {
    for (let index = 0; index < 30; index++)
      emu.issueToken({ user: 'alice', name: `t${index}`, scopes: ['read_api'] });
    const tokens = new PersonalAccessTokens({ host: emu.url, token: alice.token });

    const all = await tokens.all({ perPage: 7 });

    expect(all).toHaveLength(31);
    expect(emu.requests.filter((request) => request.path === '/api/v4/personal_access_tokens')).toHaveLength(
      5,
    );
  });

  it('rotates a token by id with an explicit expiry; the new token then works', async () => {
    const tokens = new PersonalAccessTokens({ host: emu.url, token: alice.token });

    const rotated = await tokens.rotate(alice.id, { expiresAt: '2027-01-15' });

    expect(rotated).toMatchObject({ name: 'ci', expires_at: '2027-01-15', active: true });
    expect(emu.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/api/v4/personal_access_tokens/${alice.id}/rotate`,
      body: { expires_at: '2027-01-15' },
    });
    const fresh = new PersonalAccessTokens({ host: emu.url, token: rotated.token });
    expect(await fresh.show()).toMatchObject({ id: rotated.id });
  });

  it('surfaces GitLab’s error description on a revoked token', async () => {
    emu.issueToken({ user: 'alice', name: 'spare', scopes: ['api'] });
    const tokens = new PersonalAccessTokens({ host: emu.url, token: alice.token });
    await tokens.remove({ tokenId: 'self' });

    const failure = await tokens.show().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(GitbeakerRequestError);
    expect((failure as GitbeakerRequestError).message).toBe('invalid_token');
    expect((failure as GitbeakerRequestError).cause?.response.status).toBe(401);
  });

  it('shows why a retried rotate is fatal: gitbeaker resends after a 502 and reuse detection kills the new token', async () => {
    emu.faults.inject({
      method: 'POST',
      path: '/api/v4/personal_access_tokens/self/rotate',
      afterCommit: { status: 502 },
    });
    const tokens = new PersonalAccessTokens({ host: emu.url, token: alice.token });

    const failure = await tokens.rotate('self', { expiresAt: '2026-09-01' }).catch((error: unknown) => error);

    expect((failure as GitbeakerRequestError).cause?.response.status).toBe(401);
    const rotations = emu.requests.filter((request) => request.path.endsWith('/self/rotate'));
    expect(rotations.map((request) => request.status)).toEqual([502, 401]);
    expect(emu.activeTokens('alice')).toEqual([]);
  });
});
