/**
 * token-kind group: a group's access tokens (a bot user's tokens, managed by the group's Owners) through every
 * operation, in-process against the emulator, and the errors that explain GitLab's rules.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { ACCESS_LEVELS } from '../emulator/index.js';
import { exitCodeOf, GROUP, GROUP_ID, keptOutput, PROJECT, useTokenWorld } from './token-world.js';

const w = useTokenWorld();
const KEY = 'RELEASE_TOKEN';
const base = `/api/v4/groups/${GROUP}/access_tokens`;
const asOwner = () => ({ 'gitlab-token': w.owner.token, 'token-kind': 'group', group: GROUP });

describe('group access tokens: every operation', () => {
  it('an Owner creates one, stored by default in a variable of the group itself', async () => {
    const run = await w.run({
      ...asOwner(),
      operation: 'create',
      name: 'packages',
      scopes: 'read_registry write_registry',
      'access-level': 'reporter',
      'expires-in': '90d',
      'variable-key': 'PACKAGES_TOKEN',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const stored = w.variable('PACKAGES_TOKEN', { group: true });
    expect(stored).toMatchObject({ masked: true, hidden: true, protected: true });
    const created = w.gitlab.tokenByValue(stored?.value ?? '');
    expect(created).toMatchObject({ name: 'packages', expiresAt: '2027-02-26' });
    expect(w.gitlab.user(created?.userId ?? 0)?.botOf).toEqual({ kind: 'group', id: GROUP_ID });
    expect(run.result?.token).toMatchObject({
      token_kind: 'group',
      access_level: ACCESS_LEVELS.reporter,
      resource_type: 'group',
      resource_id: GROUP_ID,
    });
    expect(run.result?.storedIn).toEqual([
      `CI/CD variable PACKAGES_TOKEN in group ${GROUP} (environment scope *)`,
    ]);
  });

  it('lists, gets by id and by name, and gets itself', async () => {
    const list = await w.run({ ...asOwner(), operation: 'list' });
    expect(list.result?.tokens?.map((token) => [token.id, token.token_kind])).toEqual([
      [w.groupToken.id, 'group'],
    ]);
    const byId = await w.run({ ...asOwner(), operation: 'get', 'token-id': String(w.groupToken.id) });
    const byName = await w.run({ ...asOwner(), operation: 'get', 'token-name': 'release' });
    const itself = await w.run({
      operation: 'get',
      'gitlab-token': w.groupToken.token,
      'token-kind': 'group',
    });
    for (const run of [byId, byName, itself]) {
      expect(exitCodeOf(run), run.error?.message).toBe(0);
      expect(run.result?.token).toMatchObject({
        id: w.groupToken.id,
        token_kind: 'group',
        expires_at: '2026-12-02',
      });
    }
  });

  it('revokes by id, and again is done already', async () => {
    const first = await w.run({ ...asOwner(), operation: 'revoke', 'token-id': String(w.groupToken.id) });
    expect(exitCodeOf(first), first.error?.message).toBe(0);
    expect(w.changes()).toEqual([`DELETE ${base}/${w.groupToken.id} 204`]);
    const again = await w.run({ ...asOwner(), operation: 'revoke', 'token-id': String(w.groupToken.id) });
    expect(again.result?.headline).toContain('already revoked');
  });

  it.each([
    ['id', () => ({ 'token-id': String(w.groupToken.id) })],
    ['name', () => ({ 'token-name': 'release' })],
  ])('an Owner rotates it by %s into a variable of the group', async (_, selector) => {
    const run = await w.run({ ...asOwner(), ...selector(), 'variable-key': KEY });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const fresh = w.gitlab.tokenByValue(w.variable(KEY, { group: true })?.value ?? '');
    expect(fresh).toMatchObject({ name: 'release', revoked: false, userId: w.groupToken.userId });
    expect(w.requests('POST', '/rotate').map((request) => request.path)).toEqual([
      `${base}/${w.groupToken.id}/rotate`,
    ]);
  });

  it("rotates itself into a project's variable (its bot inherits Maintainer on the group's projects)", async () => {
    // An existing variable, updated in place (creating one would first look for copies of the key in its groups).
    w.gitlab.setVariable(
      { project: PROJECT },
      { key: KEY, value: w.groupToken.token, masked: true, hidden: true },
    );
    const run = await w.run({
      'gitlab-token': w.groupToken.token,
      'token-kind': 'group',
      group: GROUP,
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const fresh = w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '');
    expect(fresh).toMatchObject({ name: 'release', userId: w.groupToken.userId });
    expect(w.gitlab.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/v4/personal_access_tokens/self',
      `GET /api/v4/projects/${encodeURIComponent(PROJECT)}/variables`,
      `POST ${base}/self/rotate`,
      `PUT /api/v4/projects/${encodeURIComponent(PROJECT)}/variables/${KEY}`,
      'GET /api/v4/personal_access_tokens/self',
    ]);
  });

  it('an Owner-level group token rotates itself into its own group variable; without group, found from the credential despite subgroups', async () => {
    w.gitlab.addGroup({ path: 'apps', parent: GROUP });
    w.gitlab.addGroup({ path: 'public-docs', visibility: 'public' });
    const strong = w.gitlab.issueResourceToken({
      group: GROUP,
      name: 'housekeeping',
      scopes: ['api'],
      accessLevel: ACCESS_LEVELS.owner,
      expiresAt: '2026-12-10',
    });
    const run = await w.run({ 'gitlab-token': strong.token, 'token-kind': 'group', 'variable-key': KEY });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.gitlab.tokenByValue(w.variable(KEY, { group: true })?.value ?? '')?.name).toBe('housekeeping');
    expect(w.requests('POST', '/rotate').map((request) => request.path)).toEqual([
      `/api/v4/groups/${GROUP_ID}/access_tokens/self/rotate`,
    ]);
  });

  it('strategy overlap by an Owner: a new token with a new bot user at the same role, the old one revoked', async () => {
    const run = await w.run({
      ...asOwner(),
      'token-name': 'release',
      strategy: 'overlap',
      'variable-key': KEY,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const fresh = w.gitlab.tokenByValue(w.variable(KEY, { group: true })?.value ?? '');
    expect(fresh).toMatchObject({ name: 'release', revoked: false });
    expect(fresh?.userId).not.toBe(w.groupToken.userId);
    expect(w.gitlab.token(w.groupToken.id)?.revoked).toBe(true);
    expect(w.requests('POST', '/access_tokens')[0]?.body).toMatchObject({
      access_level: ACCESS_LEVELS.maintainer,
    });
    expect(run.lines.join('\n')).toContain(
      'strategy overlap creates a new group access token, which comes with a new bot user',
    );
  });

  it('a run that finds it not due makes one request', async () => {
    const run = await w.run({
      'gitlab-token': w.groupToken.token,
      'token-kind': 'group',
      'rotate-before': '2d',
      'variable-key': KEY,
    });
    expect(run.result).toMatchObject({ rotated: false });
    expect(w.gitlab.requests).toHaveLength(1);
  });
});

describe("group access tokens: errors that explain GitLab's rules", () => {
  it('a Maintainer of the group may not create one: GitLab refuses, and the message says an Owner may', async () => {
    w.gitlab.addMember({ group: GROUP }, 'max', ACCESS_LEVELS.maintainer);
    const output = keptOutput();
    const run = await w.run(
      {
        'gitlab-token': w.maintainer.token,
        'token-kind': 'group',
        group: GROUP,
        operation: 'create',
        name: 'x',
        scopes: 'read_api',
      },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('User does not have permission to create group access token');
    expect(run.error?.message).toContain('Creating a group access token needs an Owner of the group');
    expect(output.values).toEqual([]);
  });

  it('self with a project token and token-kind group: not a member of any group, says to check token-kind', async () => {
    const run = await w.run({
      'gitlab-token': w.projectToken.token,
      'token-kind': 'group',
      'variable-key': KEY,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'token-kind group with token-id self: the credential (gitlab-token) is not a member of any group, so it is not a group access token. Check token-kind',
    );
    expect(run.error?.message).toContain('project for a project access token), or give group.');
  });

  it('self with a project token and a group given: GitLab answers 401 on the group self-rotate, explained', async () => {
    const output = keptOutput();
    const run = await w.run(
      { 'gitlab-token': w.projectToken.token, 'token-kind': 'group', group: GROUP },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(`gitlab-token is not an access token of group ${GROUP}`);
    expect(w.gitlab.token(w.projectToken.id)?.revoked).toBe(false);
  });

  it("a token id of another group's token is not found in this group", async () => {
    w.gitlab.addGroup({ path: 'other', members: [{ user: 'alice', accessLevel: ACCESS_LEVELS.owner }] });
    const other = w.gitlab.issueResourceToken({ group: 'other', name: 'o', scopes: ['api'] });
    const run = await w.run({ ...asOwner(), operation: 'get', 'token-id': String(other.id) });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(`Token ${other.id} does not exist in group ${GROUP}`);
  });

  it('a group token whose group was deleted: 401, explained', async () => {
    w.gitlab.deleteGroup(GROUP);
    const run = await w.run({
      'gitlab-token': w.groupToken.token,
      'token-kind': 'group',
      'variable-key': KEY,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('stops working for good when its group is deleted');
  });
});
