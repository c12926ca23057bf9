import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import { everythingWritten, runCore, type CoreRun } from '../support/run-core.js';

let gitlab: GitlabEmulator;
let admin: { id: number; token: string };
let alice: { id: number; token: string };

beforeEach(async () => {
  gitlab = await startEmulator({ now: '2026-11-27T10:00:00Z' });
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'alice' });
  gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
  admin = gitlab.issueToken({ user: 'root', name: 'automation', scopes: ['api'] });
  alice = gitlab.issueToken({ user: 'alice', name: 'laptop', scopes: ['api'], expiresAt: '2027-01-10' });
});
afterEach(async () => gitlab.close());

async function run(raw: Parameters<typeof runCore>[1]): Promise<CoreRun> {
  const result = await runCore(gitlab, raw);
  expect(findLeaks(everythingWritten(result), gitlab.issuedTokenValues())).toEqual([]);
  return result;
}
const exitCode = (result: CoreRun) => (result.error ? (result.error as { exitCode?: number }).exitCode : 0);
const posts = () => gitlab.requests.filter((request) => request.method === 'POST');

describe('create', () => {
  it('creates a token for another user with an administrator credential, with the expiry sent explicitly', async () => {
    const result = await run({
      operation: 'create',
      'gitlab-token': admin.token,
      user: 'svc-deploy',
      name: 'ci',
      description: 'for CI',
      scopes: 'read_api,read_repository',
    });
    expect(exitCode(result), result.error?.message).toBe(0);
    const created = gitlab.tokenByValue(result.delivered[0] ?? '');
    expect(created).toMatchObject({
      name: 'ci',
      description: 'for CI',
      scopes: ['read_api', 'read_repository'],
      expiresAt: '2026-12-28', // the default: at least 30 days, so the midnight after
    });
    expect(posts().map((request) => request.body)).toEqual([
      {
        name: 'ci',
        scopes: ['read_api', 'read_repository'],
        expires_at: '2026-12-28',
        description: 'for CI',
      },
    ]);
    expect(result.masked).toEqual([result.delivered[0]]);
  });

  // GitLab's own rule, answered by GitLab (the administrators' endpoint refuses with 403): one refused POST, nothing made.
  it("a non-administrator's credential cannot create a token for another user: GitLab refuses, nothing is made", async () => {
    const result = await run({
      operation: 'create',
      'gitlab-token': alice.token,
      user: 'svc-deploy',
      name: 'x',
      scopes: 'api',
    });
    expect(exitCode(result)).toBe(ExitCode.failedUnchanged);
    expect(result.error?.message).toContain("needs an administrator's credential");
    expect(posts().map((request) => request.status)).toEqual([403]);
    expect(gitlab.activeTokens('svc-deploy').map((token) => token.name)).not.toContain('x');
  });

  // GitLab's rule, answered by GitLab: the self-service endpoint refuses other scopes with 400, and nothing is made.
  it('explains the self-service scope limit for non-administrators', async () => {
    const result = await run({ operation: 'create', 'gitlab-token': alice.token, name: 'x', scopes: 'api' });
    expect(exitCode(result)).toBe(ExitCode.failedUnchanged);
    expect(result.error?.message).toContain('only with the scopes k8s_proxy, self_rotate');
    expect(result.error?.message).toContain("gitlab-token's user is not an administrator");
    expect(posts().map((request) => [request.path, request.status])).toEqual([
      ['/api/v4/user/personal_access_tokens', 400],
    ]);
    expect(gitlab.activeTokens('alice').map((token) => token.name)).not.toContain('x');
  });

  it('creates a self-service token through POST /user/personal_access_tokens', async () => {
    const result = await run({
      operation: 'create',
      'gitlab-token': alice.token,
      name: 'k8s',
      scopes: 'k8s_proxy',
    });
    expect(exitCode(result), result.error?.message).toBe(0);
    expect(posts().map((request) => request.path)).toEqual(['/api/v4/user/personal_access_tokens']);
  });

  it("passes GitLab's refusal on with what to do", async () => {
    const result = await run({
      operation: 'create',
      'gitlab-token': admin.token,
      user: 'svc-deploy',
      name: 'x',
      scopes: 'future_scope',
    });
    expect(exitCode(result)).toBe(ExitCode.failedUnchanged);
    expect(result.error?.message).toMatch(/answered 400/);
    expect(result.lines.join('\n')).toContain('future_scope are not scopes this version knows');
  });
});

describe('get and list', () => {
  it('gets the credential itself by default', async () => {
    const result = await run({ operation: 'get', 'gitlab-token': alice.token });
    expect(result.result?.token).toMatchObject({
      id: alice.id,
      name: 'laptop',
      state: 'active',
      days_left: 44,
    });
  });

  it("answers 401 for another user's token without an administrator, and says why", async () => {
    const result = await run({ operation: 'get', 'gitlab-token': alice.token, 'token-id': String(admin.id) });
    expect(exitCode(result)).toBe(ExitCode.failedUnchanged);
    expect(result.error?.message).toContain(
      "GitLab answers 401 for other users' tokens unless the credential belongs to an administrator",
    );
  });

  it("lists a user's tokens across pages, soonest expiry first, with filters", async () => {
    for (let index = 0; index < 130; index += 1) {
      gitlab.issueToken({
        user: 'svc-deploy',
        name: `bulk-${index}`,
        scopes: ['read_api'],
        expiresAt: index % 2 ? '2027-06-01' : '2026-12-10',
      });
    }
    gitlab.issueToken({ user: 'svc-deploy', name: 'gone', scopes: ['api'], revoked: true });
    const all = await run({ operation: 'list', 'gitlab-token': admin.token, user: 'svc-deploy' });
    expect(all.result?.tokens).toHaveLength(130);
    expect(
      gitlab.requests.filter((request) => request.path === '/api/v4/personal_access_tokens'),
    ).toHaveLength(2);
    const soon = await run({
      operation: 'list',
      'gitlab-token': admin.token,
      user: 'svc-deploy',
      'expires-within': '30d',
    });
    expect(soon.result?.tokens).toHaveLength(65);
    expect(soon.result?.tokens?.[0]).toMatchObject({ expires_at: '2026-12-10', days_left: 13 });
    const inactive = await run({
      operation: 'list',
      'gitlab-token': admin.token,
      user: 'svc-deploy',
      state: 'inactive',
    });
    expect(inactive.result?.tokens?.map((token) => [token.name, token.state])).toEqual([['gone', 'revoked']]);
  });
});

describe('user and the token it selects must agree', () => {
  it('refuses token-id of another user than the one named, before anything changes', async () => {
    const result = await run({
      'gitlab-token': admin.token,
      'token-id': String(alice.id),
      user: 'svc-deploy',
      'expires-in': '30d',
    });
    expect(exitCode(result)).toBe(ExitCode.failedUnchanged);
    expect(result.error?.message).toContain(`token ${alice.id} ("laptop") belongs to user`);
    expect(result.error?.message).toContain('not to user svc-deploy (input user)');
    expect(posts()).toEqual([]);
  });
});

describe('rotate-before and the new lifetime', () => {
  it('refuses a new lifetime within rotate-before, which would rotate on every run', async () => {
    const result = await run({ 'gitlab-token': alice.token, 'rotate-before': '60d', 'expires-in': '30d' });
    expect(exitCode(result)).toBe(ExitCode.badInput);
    expect(result.error?.message).toContain(
      'within rotate-before 60d of today, so every run would rotate it again',
    );
    expect(posts()).toEqual([]);
  });
});

describe('revoke and rotate of revoked tokens', () => {
  it('revokes by name and treats a second revoke as done', async () => {
    const first = await run({
      operation: 'revoke',
      'gitlab-token': admin.token,
      user: 'alice',
      'token-name': 'laptop',
    });
    expect(first.result?.headline).toBe(`Revoked token ${alice.id} ("laptop").`);
    const second = await run({
      operation: 'revoke',
      'gitlab-token': admin.token,
      'token-id': String(alice.id),
    });
    expect(exitCode(second)).toBe(0);
    expect(second.result?.headline).toContain('already revoked');
  });

  it('treats revoking by name a token that is already revoked as done', async () => {
    await run({ operation: 'revoke', 'gitlab-token': admin.token, user: 'alice', 'token-name': 'laptop' });
    const again = await run({
      operation: 'revoke',
      'gitlab-token': admin.token,
      user: 'alice',
      'token-name': 'laptop',
    });
    expect(exitCode(again), again.error?.message).toBe(0);
    expect(again.result?.headline).toContain('already revoked');
  });

  it('treats revoking self as done when the answer was lost and the retry is refused as revoked', async () => {
    gitlab.faults.inject({
      method: 'DELETE',
      path: '/api/v4/personal_access_tokens/self',
      afterCommit: 'drop',
    });
    const result = await run({ operation: 'revoke', 'gitlab-token': alice.token, 'token-id': 'self' });
    expect(exitCode(result), result.error?.message).toBe(0);
    expect(gitlab.token(alice.id)?.revoked).toBe(true);
  });

  it("refuses to rotate a revoked token and names its successor's selector", async () => {
    gitlab.issueToken({ user: 'alice', name: 'old', scopes: ['api'], revoked: true, id: 900 });
    const result = await run({ 'gitlab-token': admin.token, 'token-id': '900' });
    expect(exitCode(result)).toBe(ExitCode.failedUnchanged);
    expect(result.error?.message).toContain('is revoked, so it cannot be rotated');
    expect(posts()).toEqual([]);
  });

  it('passes GitLab\'s "Token already revoked" on when the token was revoked between the check and the rotate', async () => {
    gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/personal_access_tokens/*/rotate',
      respond: { status: 400, body: { message: '400 Bad request - Token already revoked' } },
    });
    const result = await run({ 'gitlab-token': admin.token, 'token-id': String(alice.id) });
    expect(exitCode(result)).toBe(ExitCode.failedUnchanged);
    expect(result.error?.message).toContain('GitLab answered 400 (400 Bad request - Token already revoked)');
    expect(posts()).toHaveLength(1);
  });
});
