/**
 * revoke-after-job for every token kind, through the bundled Action's main and post steps as child processes against
 * the GitLab emulator: the post step revokes the token the way the main step created it (through its project, group
 * or service account's group), with the same non-administrator credential. And a state the main step did not write
 * (`self`, anything but a positive integer) revokes nothing, least of all gitlab-token itself.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_LEVELS, startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import { ACTION_POST, runAction, transcript } from '../support/run-dist.js';

const TODAY = '2026-11-27';
const GROUP = 'acme';
const GROUP_ID = 10;
const PROJECT = 'acme/app';
const PROJECT_ID = 4242;
let gitlab: GitlabEmulator;
let maintainer: { id: number; token: string };
let owner: { id: number; token: string };
let admin: { id: number; token: string };
const everySecret = new Set<string>();

beforeEach(async () => {
  gitlab = await startEmulator({ now: `${TODAY}T06:00:00Z` });
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'mia' });
  gitlab.addUser({ username: 'olga' });
  gitlab.addGroup({
    path: GROUP,
    id: GROUP_ID,
    members: [{ user: 'olga', accessLevel: ACCESS_LEVELS.owner }],
  });
  gitlab.addProject({
    path: PROJECT,
    id: PROJECT_ID,
    members: [{ user: 'mia', accessLevel: ACCESS_LEVELS.maintainer }],
  });
  gitlab.addServiceAccount({ group: GROUP_ID, username: 'svc-acme' });
  admin = gitlab.issueToken({ user: 'root', name: 'automation', scopes: ['api'], expiresAt: '2027-06-01' });
  maintainer = gitlab.issueToken({ user: 'mia', name: 'mia', scopes: ['api'], expiresAt: '2027-06-01' });
  owner = gitlab.issueToken({ user: 'olga', name: 'olga', scopes: ['api'], expiresAt: '2027-06-01' });
});
afterEach(async () => {
  for (const value of gitlab.issuedTokenValues()) everySecret.add(value);
  await gitlab.close();
});

function createInputs(credential: string, extra: Record<string, string>): Record<string, string> {
  return {
    operation: 'create',
    'gitlab-url': gitlab.url,
    'gitlab-token': credential,
    name: 'ci-job',
    scopes: 'read_api',
    'expires-in': '1d',
    'revoke-after-job': 'true',
    ...extra,
  };
}

describe('revoke-after-job for every token kind, with a non-administrator credential', () => {
  it.each([
    [
      'project',
      () => maintainer,
      { 'token-kind': 'project', project: PROJECT },
      `projects/${PROJECT_ID}/access_tokens`,
    ],
    ['group', () => owner, { 'token-kind': 'group', group: GROUP }, `groups/${GROUP_ID}/access_tokens`],
    [
      'service-account',
      () => owner,
      { 'token-kind': 'service-account', group: GROUP, user: 'svc-acme' },
      `groups/${GROUP}/service_accounts/*/personal_access_tokens`,
    ],
  ] as const)(
    'a %s token is revoked by the post step, through its owner',
    async (_kind, credential, extra, through) => {
      const inputs = createInputs(credential().token, extra);
      const main = await runAction(inputs);
      expect(main.exitCode, main.stdout).toBe(0);
      const created = gitlab.tokenByValue(main.outputs.token ?? '');
      expect(created?.revoked).toBe(false);
      expect(main.state).toMatchObject({
        'revoke-token-id': String(created?.id),
        'revoke-token-kind': _kind,
      });

      gitlab.clearRequests();
      const post = await runAction(inputs, { script: ACTION_POST, state: main.state });
      expect(post.exitCode, post.stdout).toBe(0);
      expect(post.stdout).not.toContain('::warning::');
      expect(post.stdout).toContain(`revoke-after-job: Revoked token ${created?.id}`);
      expect(gitlab.token(created?.id ?? 0)?.revoked).toBe(true);
      // Through the owner's endpoint (a non-administrator gets 401 from the personal one), and nothing else changed.
      const changes = gitlab.requests.filter((request) => request.method !== 'GET');
      expect(changes.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
        `DELETE /api/v4/${through.replace('*', String(created?.userId))}/${created?.id} 204`,
      ]);
      // The credential that ran both steps is untouched.
      expect(gitlab.token(credential().id)?.revoked).toBe(false);
    },
  );

  it('a state with only the token id (a personal token) still revokes it as before', async () => {
    const main = await runAction(createInputs(admin.token, { user: 'mia' }));
    expect(main.exitCode, main.stdout).toBe(0);
    const created = gitlab.tokenByValue(main.outputs.token ?? '');
    const post = await runAction(createInputs(admin.token, {}), {
      script: ACTION_POST,
      state: { 'revoke-token-id': String(created?.id) },
    });
    expect(post.exitCode, post.stdout).toBe(0);
    expect(gitlab.token(created?.id ?? 0)?.revoked).toBe(true);
  });
});

describe('a state the main step did not write', () => {
  it.each(['self', 'SELF', '0', '-4', '4.0', '4 ', '1e3', 'abc', '99999999999999999999'])(
    'revoke-token-id %j: a warning, nothing revoked, no request made',
    async (tampered) => {
      gitlab.clearRequests();
      const post = await runAction(
        { operation: 'create', 'gitlab-url': gitlab.url, 'gitlab-token': admin.token },
        { script: ACTION_POST, state: { 'revoke-token-id': tampered, 'revoke-token-kind': 'personal' } },
      );
      expect(post.exitCode).toBe(0);
      expect(post.stdout).toContain(
        '::warning::revoke-after-job: the saved state revoke-token-id is not a token id',
      );
      expect(gitlab.requests).toEqual([]);
      expect(gitlab.token(admin.id)?.revoked).toBe(false);
    },
  );
});

describe("a state that names gitlab-token's own id", () => {
  it('the credential is not revoked: a warning says the main step never records it', async () => {
    const post = await runAction(
      { operation: 'create', 'gitlab-url': gitlab.url, 'gitlab-token': admin.token },
      { script: ACTION_POST, state: { 'revoke-token-id': String(admin.id) } },
    );
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`is gitlab-token itself, which this Action's main step never records`);
    expect(gitlab.token(admin.id)?.revoked).toBe(false);
    expect(gitlab.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
  });
});

describe('secrets', () => {
  it('no token value reached any output of any run above', () => {
    expect(everySecret.size).toBeGreaterThan(3);
    expect(findLeaks(transcript.join('\n'), everySecret)).toEqual([]);
  });
});

afterAll(() => {
  transcript.length = 0;
});
