/**
 * token-kind service-account: the tokens of a group's service account, managed by the group's Owners through the
 * group (GitLab.com and self-managed Premium and Ultimate), in-process against the emulator. On GitLab.com nobody
 * has an administrator's token, so these endpoints are the only way a group Owner can rotate them.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { ACCESS_LEVELS } from '../emulator/index.js';
import { exitCodeOf, GROUP, keptOutput, PROJECT, SERVICE_ACCOUNT, useTokenWorld } from './token-world.js';

const w = useTokenWorld();
const KEY = 'PUBLISH_TOKEN';
const asOwner = () => ({
  'gitlab-token': w.owner.token,
  'token-kind': 'service-account',
  group: GROUP,
  user: SERVICE_ACCOUNT,
});
const base = () => `/api/v4/groups/${GROUP}/service_accounts/${w.serviceAccount.id}/personal_access_tokens`;

describe('group service-account tokens: every operation', () => {
  it("the issue's case: a group Owner (no administrator) runs rotate --token-id 400 and GitLab answers 200 through the group", async () => {
    // GitLab.com: group 10 on Premium, its Owner, its service account and the account's token 400.
    w.gitlab.addGroup({
      path: 'acme',
      id: 10,
      members: [{ user: 'alice', accessLevel: ACCESS_LEVELS.owner }],
    });
    const account = w.gitlab.addServiceAccount({ group: 10 });
    w.gitlab.issueToken({ user: account.id, name: 'ci', scopes: ['api'], id: 400, expiresAt: '2026-12-05' });
    const output = keptOutput();
    const run = await w.run(
      {
        'gitlab-token': w.owner.token,
        'token-kind': 'service-account',
        group: '10',
        user: String(account.id),
        'token-id': '400',
      },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.requests('POST', '/rotate').map((request) => `${request.path} ${request.status}`)).toEqual([
      `/api/v4/groups/10/service_accounts/${account.id}/personal_access_tokens/400/rotate 200`,
    ]);
    expect(w.gitlab.tokenByValue(output.values[0] ?? '')).toMatchObject({ name: 'ci', userId: account.id });
    expect(w.gitlab.token(400)?.revoked).toBe(true);
    expect(run.result).toMatchObject({ previousTokenId: 400, rotated: true });
  });

  it("lists the account's tokens, gets one by id and by name", async () => {
    w.gitlab.issueToken({ user: SERVICE_ACCOUNT, name: 'old', scopes: ['read_api'], revoked: true });
    const list = await w.run({ ...asOwner(), operation: 'list' });
    expect(list.result?.tokens?.map((token) => [token.name, token.token_kind])).toEqual([
      ['publish', 'service-account'],
    ]);
    expect(list.result?.headline).toBe(
      `1 token of service account ${SERVICE_ACCOUNT} of group ${GROUP} (active).`,
    );
    const inactive = await w.run({ ...asOwner(), operation: 'list', state: 'inactive' });
    expect(inactive.result?.tokens?.map((token) => [token.name, token.state])).toEqual([['old', 'revoked']]);
    const byId = await w.run({ ...asOwner(), operation: 'get', 'token-id': String(w.serviceToken.id) });
    const byName = await w.run({ ...asOwner(), operation: 'get', 'token-name': 'publish' });
    for (const run of [byId, byName]) {
      expect(run.result?.token).toMatchObject({ id: w.serviceToken.id, user_id: w.serviceAccount.id });
    }
  });

  it('an Owner creates a token for the account, stored by default in a variable of its group', async () => {
    const run = await w.run({
      ...asOwner(),
      operation: 'create',
      name: 'nightly',
      scopes: 'read_api',
      'variable-key': 'NIGHTLY_TOKEN',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.requests('POST', '/personal_access_tokens').map((request) => request.path)).toEqual([base()]);
    const created = w.gitlab.tokenByValue(w.variable('NIGHTLY_TOKEN', { group: true })?.value ?? '');
    expect(created).toMatchObject({ name: 'nightly', userId: w.serviceAccount.id, scopes: ['read_api'] });
  });

  it('an Owner revokes one by name', async () => {
    const run = await w.run({ ...asOwner(), operation: 'revoke', 'token-name': 'publish' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.changes()).toEqual([`DELETE ${base()}/${w.serviceToken.id} 204`]);
  });

  it('an Owner rotates one by name into a project variable', async () => {
    const run = await w.run({
      ...asOwner(),
      'token-name': 'publish',
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '')).toMatchObject({
      name: 'publish',
      revoked: false,
    });
  });

  it.each([
    ['with group and user', () => ({ group: GROUP, user: SERVICE_ACCOUNT })],
    ['with neither', () => ({})],
  ])(
    "the account's token rotates itself %s, without reading the group's accounts (an Owner's list)",
    async (_, owner) => {
      w.gitlab.addMember({ project: PROJECT }, SERVICE_ACCOUNT, ACCESS_LEVELS.maintainer);
      // An existing variable, updated in place (creating one would first look for copies of the key in its groups).
      w.gitlab.setVariable(
        { project: PROJECT },
        { key: KEY, value: w.serviceToken.token, masked: true, hidden: true },
      );
      const run = await w.run({
        'gitlab-token': w.serviceToken.token,
        'token-kind': 'service-account',
        ...owner(),
        'variable-key': KEY,
        'variable-project': PROJECT,
      });
      expect(exitCodeOf(run), run.error?.message).toBe(0);
      expect(w.gitlab.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'GET /api/v4/personal_access_tokens/self',
        `GET /api/v4/projects/${encodeURIComponent(PROJECT)}/variables`,
        'POST /api/v4/personal_access_tokens/self/rotate',
        `PUT /api/v4/projects/${encodeURIComponent(PROJECT)}/variables/${KEY}`,
        'GET /api/v4/personal_access_tokens/self',
      ]);
    },
  );

  it("a lost self-rotation is recovered by the group Owner's recovery-token through the group", async () => {
    w.gitlab.addMember({ project: PROJECT }, SERVICE_ACCOUNT, ACCESS_LEVELS.maintainer);
    w.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/personal_access_tokens/self/rotate',
      afterCommit: 'drop',
    });
    const run = await w.run({
      'gitlab-token': w.serviceToken.token,
      'token-kind': 'service-account',
      group: GROUP,
      user: SERVICE_ACCOUNT,
      'recovery-token': w.owner.token,
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const stored = w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '');
    expect(w.gitlab.activeTokens(SERVICE_ACCOUNT).map((token) => token.id)).toEqual([stored?.id]);
    expect(w.requests('POST', '/rotate').map((request) => [request.authTokenId, request.path])).toEqual([
      [w.serviceToken.id, '/api/v4/personal_access_tokens/self/rotate'],
      [w.owner.id, expect.stringMatching(new RegExp(`^${base()}/\\d+/rotate$`))],
    ]);
  });

  it('strategy overlap by an Owner: creates the successor for the same account through the group, then revokes the old', async () => {
    const output = keptOutput();
    const run = await w.run(
      { ...asOwner(), 'token-name': 'publish', strategy: 'overlap' },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.changes()).toEqual([`POST ${base()} 201`, `DELETE ${base()}/${w.serviceToken.id} 204`]);
    expect(w.gitlab.tokenByValue(output.values[0] ?? '')).toMatchObject({
      name: 'publish',
      userId: w.serviceAccount.id,
    });
    expect(run.lines.join('\n')).not.toContain('new bot user');
  });

  it('an administrator (self-managed) manages it through the group too', async () => {
    const output = keptOutput();
    const run = await w.run(
      { ...asOwner(), 'gitlab-token': w.admin.token, 'token-id': String(w.serviceToken.id) },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.requests('POST', '/rotate').map((request) => request.path)).toEqual([
      `${base()}/${w.serviceToken.id}/rotate`,
    ]);
  });
});

describe("group service-account tokens: errors that explain GitLab's rules", () => {
  it('recovery-token for a self-rotation without group: refused before anything changes, saying to give group', async () => {
    w.gitlab.addMember({ project: PROJECT }, SERVICE_ACCOUNT, ACCESS_LEVELS.maintainer);
    const run = await w.run({
      'gitlab-token': w.serviceToken.token,
      'token-kind': 'service-account',
      'recovery-token': w.owner.token,
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('Checking recovery-token');
    expect(run.error?.message).toContain('goes through its group: give group (and user)');
    expect(w.changes()).toEqual([]);
  });

  it('a group on the Free tier has no service accounts: 403, and the message names both causes', async () => {
    w.gitlab.setTier('free');
    const run = await w.run({ ...asOwner(), operation: 'list' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('GitLab answered 403');
    expect(run.error?.message).toContain(
      'needs GitLab Premium or Ultimate (the Free tier, on GitLab.com or a self-managed instance, has no service accounts) and the Owner role',
    );
  });

  it("a Maintainer is not an Owner: the group's 403, explained", async () => {
    w.gitlab.addMember({ group: GROUP }, 'max', ACCESS_LEVELS.maintainer);
    const run = await w.run({ ...asOwner(), 'gitlab-token': w.maintainer.token, operation: 'list' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain("the Owner role on the account's top-level group");
  });

  it('a user who is not a service account of the group: says which accounts it has', async () => {
    const run = await w.run({ ...asOwner(), user: 'carol', operation: 'list' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toBe(
      `Group ${GROUP} has no service account carol (it has: ${SERVICE_ACCOUNT}). Check user (the service account's username or id) and group.`,
    );
  });

  it("a token id of another user is not the account's: nothing is rotated", async () => {
    const output = keptOutput();
    const run = await w.run(
      { ...asOwner(), 'token-id': String(w.personal.id) },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toBe(
      `Token ${w.personal.id} is not a token of service account ${SERVICE_ACCOUNT} of group ${GROUP}: check token-id, or use token-name.`,
    );
    expect(w.changes()).toEqual([]);
  });

  it("token-kind personal for a service account's token, by a group Owner: the 401 says to use token-kind service-account", async () => {
    const run = await w.run({
      'gitlab-token': w.owner.token,
      operation: 'get',
      'token-id': String(w.serviceToken.id),
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain("GitLab answers 401 for other users' tokens");
    expect(run.error?.message).toContain(
      "A group service account's token is managed by the group's Owners with token-kind service-account, group and user",
    );
  });

  it("token-id self with a numeric user that is not the credential's: refused before anything changes", async () => {
    const run = await w.run({
      'gitlab-token': w.serviceToken.token,
      'token-kind': 'service-account',
      group: GROUP,
      user: String(w.serviceAccount.id + 100),
      'variable-key': KEY,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      `token-id self means gitlab-token itself, which belongs to user ${w.serviceAccount.id}`,
    );
    expect(w.changes()).toEqual([]);
  });
});
