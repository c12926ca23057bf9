/**
 * token-kind personal (the default): a person's, an instance service account's or the caller's own tokens,
 * through every operation in-process against the emulator. The personal kind's finer rules (self-service scopes,
 * 401 for other users' tokens, pagination) are in test/operations/token-operations.test.ts; the rotation protocol in
 * test/rotation-safety/.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { ACCESS_LEVELS } from '../emulator/index.js';
import { exitCodeOf, PROJECT, useTokenWorld } from './token-world.js';

const w = useTokenWorld();
const KEY = 'LAPTOP_TOKEN';
const asAdmin = () => ({ 'gitlab-token': w.admin.token, user: 'carol' });

describe('personal access tokens: every operation', () => {
  it('an administrator creates one for a user, into a project variable', async () => {
    const run = await w.run({
      ...asAdmin(),
      operation: 'create',
      name: 'ci',
      scopes: 'read_api',
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.requests('POST', '/personal_access_tokens').map((request) => request.path)).toEqual([
      `/api/v4/users/${w.gitlab.user('carol')?.id}/personal_access_tokens`,
    ]);
    expect(w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '')).toMatchObject({ name: 'ci' });
    expect(run.result?.token).toMatchObject({
      token_kind: 'personal',
      access_level: null,
      resource_type: null,
    });
  });

  it("lists a user's tokens, gets one by id and by name, and gets itself", async () => {
    const list = await w.run({ ...asAdmin(), operation: 'list' });
    expect(list.result?.tokens?.map((token) => [token.name, token.token_kind])).toEqual([
      ['laptop', 'personal'],
    ]);
    const byId = await w.run({ ...asAdmin(), operation: 'get', 'token-id': String(w.personal.id) });
    const byName = await w.run({ ...asAdmin(), operation: 'get', 'token-name': 'laptop' });
    const itself = await w.run({ operation: 'get', 'gitlab-token': w.personal.token });
    for (const run of [byId, byName, itself]) {
      expect(run.result?.token).toMatchObject({ id: w.personal.id, days_left: 5 });
    }
  });

  it('revokes by name', async () => {
    const run = await w.run({ ...asAdmin(), operation: 'revoke', 'token-name': 'laptop' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.changes()).toEqual([`DELETE /api/v4/personal_access_tokens/${w.personal.id} 204`]);
  });

  it.each([
    ['id', () => ({ ...asAdmin(), 'token-id': String(w.personal.id) })],
    ['name', () => ({ ...asAdmin(), 'token-name': 'laptop' })],
    ['self', () => ({ 'gitlab-token': w.personal.token })],
  ])('rotates by %s into a project variable', async (_, selection) => {
    w.gitlab.addMember({ project: PROJECT }, 'carol', ACCESS_LEVELS.maintainer);
    const run = await w.run({ ...selection(), 'variable-key': KEY, 'variable-project': PROJECT });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '')).toMatchObject({
      name: 'laptop',
      revoked: false,
    });
    expect(w.gitlab.token(w.personal.id)?.revoked).toBe(true);
    expect(w.requests('POST', '/rotate')).toHaveLength(1);
  });

  it('rotating itself into its variable takes five requests, and a run that finds it not due one', async () => {
    w.gitlab.addMember({ project: PROJECT }, 'carol', ACCESS_LEVELS.maintainer);
    // The steady state of a schedule: the variable exists (creating one first looks for copies of the key in the
    // project's groups, which costs a read per group, once).
    w.gitlab.setVariable(
      { project: PROJECT },
      { key: KEY, value: w.personal.token, masked: true, hidden: true },
    );
    const notDue = await w.run({
      'gitlab-token': w.personal.token,
      'rotate-before': '2d',
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(notDue.result).toMatchObject({ rotated: false });
    expect(w.gitlab.requests).toHaveLength(1);
    w.gitlab.clearRequests();
    const due = await w.run({
      'gitlab-token': w.personal.token,
      'rotate-before': '30d',
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(due), due.error?.message).toBe(0);
    expect(w.gitlab.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/v4/personal_access_tokens/self',
      `GET /api/v4/projects/${encodeURIComponent(PROJECT)}/variables`,
      'POST /api/v4/personal_access_tokens/self/rotate',
      `PUT /api/v4/projects/${encodeURIComponent(PROJECT)}/variables/${KEY}`,
      'GET /api/v4/personal_access_tokens/self',
    ]);
  });

  it('self with a project token and the default kind works too: a bot token is a personal access token underneath', async () => {
    const run = await w.run({
      'gitlab-token': w.projectToken.token,
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.requests('POST', '/rotate').map((request) => request.path)).toEqual([
      '/api/v4/personal_access_tokens/self/rotate',
    ]);
    expect(w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '')?.userId).toBe(w.projectToken.userId);
  });

  it("an administrator rotates an instance service account's token as a personal token", async () => {
    const instanceAccount = w.gitlab.addServiceAccount();
    const token = w.gitlab.issueToken({ user: instanceAccount.id, name: 'mirror', scopes: ['api'] });
    const run = await w.run({
      'gitlab-token': w.admin.token,
      user: instanceAccount.username,
      'token-name': 'mirror',
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.requests('POST', '/rotate').map((request) => request.path)).toEqual([
      `/api/v4/personal_access_tokens/${token.id}/rotate`,
    ]);
  });

  it('a token id that does not exist: the message speaks of users, as the kind does', async () => {
    const run = await w.run({ ...asAdmin(), operation: 'get', 'token-id': '9999' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'Token 9999 does not exist. Check token-id (a token of another user is not found here), or use token-name.',
    );
  });

  it('a token of another user than the one named is refused before anything changes', async () => {
    const run = await w.run({
      ...asAdmin(),
      'token-id': String(w.maintainer.id),
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('not to user carol (input user)');
    expect(w.changes()).toEqual([]);
  });
});

describe('a user given by numeric id', () => {
  it('is not looked up: listing their tokens sends only the list', async () => {
    const carol = w.gitlab.user('carol')?.id ?? 0;
    const run = await w.run({ 'gitlab-token': w.admin.token, user: String(carol), operation: 'list' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.result?.headline).toBe(`1 token of user ${carol} (active).`);
    expect(w.gitlab.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/v4/personal_access_tokens',
    ]);
  });

  it('that GitLab does not know is said to be unknown, for a list and for a create, and nothing is created', async () => {
    const list = await w.run({ 'gitlab-token': w.admin.token, user: '9999', operation: 'list' });
    expect(exitCodeOf(list)).toBe(ExitCode.failedUnchanged);
    expect(list.error?.message).toContain('GitLab knows no user 9999: check the user input.');
    const create = await w.run({
      'gitlab-token': w.admin.token,
      user: '9999',
      operation: 'create',
      name: 'ci',
      scopes: 'read_api',
      'variable-key': KEY,
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(create)).toBe(ExitCode.failedUnchanged);
    expect(create.error?.message).toContain(
      'GitLab knows no user 9999: check the user input. Nothing was created.',
    );
    // GitLab's refusal is the only answer to the one create sent; no variable was written.
    expect(w.changes()).toEqual(['POST /api/v4/users/9999/personal_access_tokens 404']);
    expect(w.variable(KEY)).toBeUndefined();
  });
});
