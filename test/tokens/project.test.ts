/**
 * token-kind project: a project's access tokens (a bot user's tokens, managed by the project's Maintainers and
 * Owners) through every operation, in-process against the emulator, and the errors that explain GitLab's rules.
 * The child-process runs of the same paths are in test/e2e/token-kinds.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { ACCESS_LEVELS } from '../emulator/index.js';
import { exitCodeOf, keptOutput, PROJECT, PROJECT_ID, useTokenWorld } from './token-world.js';

const w = useTokenWorld();
const KEY = 'DEPLOY_TOKEN';
const base = `/api/v4/projects/${encodeURIComponent(PROJECT)}/access_tokens`;
const asMaintainer = () => ({
  'gitlab-token': w.maintainer.token,
  'token-kind': 'project',
  project: PROJECT,
});
/** The project token keeping itself alive in its own project's variable: the commonest case of all. */
const selfRotation = (extra: Record<string, string> = {}) => ({
  'gitlab-token': w.projectToken.token,
  'token-kind': 'project',
  'variable-key': KEY,
  ...extra,
});
const storeProjectTokenInVariable = () =>
  w.gitlab.setVariable(
    { project: PROJECT },
    { key: KEY, value: w.projectToken.token, hidden: true, protected: true },
  );

describe('project access tokens: every operation', () => {
  it('a Maintainer creates one with an access level, delivered to the project variable and verified', async () => {
    const run = await w.run({
      ...asMaintainer(),
      operation: 'create',
      name: 'ci-reader',
      description: 'reads the registry',
      scopes: 'read_api, read_registry',
      'access-level': 'developer',
      'variable-key': 'READER_TOKEN',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.requests('POST', '/access_tokens').map((request) => request.body)).toEqual([
      {
        name: 'ci-reader',
        scopes: ['read_api', 'read_registry'],
        expires_at: '2026-12-28',
        access_level: ACCESS_LEVELS.developer,
        description: 'reads the registry',
      },
    ]);
    const created = w.gitlab.tokenByValue(w.variable('READER_TOKEN')?.value ?? '');
    expect(created).toMatchObject({ name: 'ci-reader', revoked: false });
    // A new bot user, a member of the project at the level asked for.
    const bot = w.gitlab.user(created?.userId ?? 0);
    expect(bot?.botOf).toEqual({ kind: 'project', id: PROJECT_ID });
    expect(w.gitlab.project(PROJECT)?.members.find((member) => member.userId === bot?.id)?.accessLevel).toBe(
      ACCESS_LEVELS.developer,
    );
    expect(run.result?.token).toMatchObject({
      token_kind: 'project',
      access_level: ACCESS_LEVELS.developer,
      resource_type: 'project',
      resource_id: PROJECT_ID,
    });
    // Verified as the new token itself.
    expect(w.gitlab.requests.at(-1)).toMatchObject({
      path: '/api/v4/personal_access_tokens/self',
      authTokenId: created?.id,
    });
  });

  it("lists the project's tokens, not the group's, with the state filter", async () => {
    w.gitlab.issueResourceToken({ project: PROJECT, name: 'old', scopes: ['api'], expiresAt: '2026-11-01' });
    const active = await w.run({ ...asMaintainer(), operation: 'list' });
    expect(active.result?.tokens?.map((token) => [token.name, token.token_kind, token.access_level])).toEqual(
      [['deploy', 'project', ACCESS_LEVELS.maintainer]],
    );
    expect(active.result?.headline).toBe(`1 token of project ${PROJECT} (active).`);
    const all = await w.run({ ...asMaintainer(), operation: 'list', state: 'all' });
    expect(all.result?.tokens?.map((token) => [token.name, token.state])).toEqual([
      ['old', 'expired'],
      ['deploy', 'active'],
    ]);
  });

  it('gets one by id, by name, and the credential itself', async () => {
    const byId = await w.run({ ...asMaintainer(), operation: 'get', 'token-id': String(w.projectToken.id) });
    const byName = await w.run({ ...asMaintainer(), operation: 'get', 'token-name': 'deploy' });
    const itself = await w.run({
      operation: 'get',
      'gitlab-token': w.projectToken.token,
      'token-kind': 'project',
    });
    for (const run of [byId, byName, itself]) {
      expect(exitCodeOf(run), run.error?.message).toBe(0);
      expect(run.result?.token).toMatchObject({
        id: w.projectToken.id,
        token_kind: 'project',
        user_id: w.projectToken.userId,
        days_left: 5,
      });
    }
    expect(byId.result?.token).toMatchObject({ resource_type: 'project', resource_id: PROJECT_ID });
  });

  it('revokes by name, and a second revoke is done already', async () => {
    const first = await w.run({ ...asMaintainer(), operation: 'revoke', 'token-name': 'deploy' });
    expect(first.result?.headline).toBe(`Revoked token ${w.projectToken.id} ("deploy").`);
    expect(w.changes()).toEqual([`DELETE ${base}/${w.projectToken.id} 204`]);
    const again = await w.run({ ...asMaintainer(), operation: 'revoke', 'token-name': 'deploy' });
    expect(exitCodeOf(again), again.error?.message).toBe(0);
    expect(again.result?.headline).toContain('already revoked');
  });

  it('revokes itself through the personal self endpoint, which every bot token answers', async () => {
    const run = await w.run({
      operation: 'revoke',
      'gitlab-token': w.projectToken.token,
      'token-kind': 'project',
      'token-id': 'self',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.changes()).toEqual(['DELETE /api/v4/personal_access_tokens/self 204']);
    expect(w.gitlab.token(w.projectToken.id)?.revoked).toBe(true);
  });

  it.each([
    ['id', () => ({ 'token-id': String(w.projectToken.id) })],
    ['name', () => ({ 'token-name': 'deploy' })],
  ])(
    'a Maintainer rotates it by %s into the variable of its own project (the default place)',
    async (_, selector) => {
      storeProjectTokenInVariable();
      const run = await w.run({ ...asMaintainer(), ...selector(), 'variable-key': KEY });
      expect(exitCodeOf(run), run.error?.message).toBe(0);
      const fresh = w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '');
      expect(fresh).toMatchObject({ name: 'deploy', revoked: false, expiresAt: '2027-03-02' });
      // Rotation keeps the bot user, so rules that name it keep applying.
      expect(fresh?.userId).toBe(w.projectToken.userId);
      expect(w.changes()).toEqual([
        `POST ${base}/${w.projectToken.id}/rotate 200`,
        `PUT /api/v4/projects/${encodeURIComponent(PROJECT)}/variables/${KEY} 200`,
      ]);
      expect(run.result?.storedIn).toEqual([
        `CI/CD variable ${KEY} in project ${PROJECT} (environment scope *)`,
      ]);
    },
  );

  it('rotates itself into its own project variable in five requests: read, variables, rotate, write, verify', async () => {
    storeProjectTokenInVariable();
    const run = await w.run(selfRotation({ project: PROJECT, 'rotate-before': '30d' }));
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const fresh = w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '');
    expect(fresh).toMatchObject({ name: 'deploy', revoked: false, userId: w.projectToken.userId });
    expect(w.gitlab.token(w.projectToken.id)?.revoked).toBe(true);
    expect(
      w.gitlab.requests.map((request) => `${request.method} ${request.path} ${request.authTokenId}`),
    ).toEqual([
      `GET /api/v4/personal_access_tokens/self ${w.projectToken.id}`,
      `GET /api/v4/projects/${encodeURIComponent(PROJECT)}/variables ${w.projectToken.id}`,
      `POST ${base}/self/rotate ${w.projectToken.id}`,
      // From here on only the new token is sent.
      `PUT /api/v4/projects/${encodeURIComponent(PROJECT)}/variables/${KEY} ${fresh?.id}`,
      `GET /api/v4/personal_access_tokens/self ${fresh?.id}`,
    ]);
  });

  it('without project, finds its project from the credential (one more request), public projects notwithstanding', async () => {
    storeProjectTokenInVariable();
    w.gitlab.addProject({ path: 'platform/docs', visibility: 'public' });
    w.gitlab.addProject({ path: 'platform/wiki', visibility: 'internal' });
    const run = await w.run(selfRotation());
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '')?.name).toBe('deploy');
    expect(w.requests('GET', '/associations')).toHaveLength(1);
    expect(w.gitlab.requests).toHaveLength(6);
    expect(w.requests('POST', '/rotate').map((request) => request.path)).toEqual([
      `/api/v4/projects/${PROJECT_ID}/access_tokens/self/rotate`,
    ]);
  });

  it('selected by its own name or id, it still rotates itself through the self endpoint (a bot may not rotate by id)', async () => {
    storeProjectTokenInVariable();
    const byName = await w.run(selfRotation({ project: PROJECT, 'token-name': 'deploy' }));
    expect(exitCodeOf(byName), byName.error?.message).toBe(0);
    const fresh = w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '');
    const byId = await w.run(
      selfRotation({ 'gitlab-token': fresh?.value ?? '', project: PROJECT, 'token-id': String(fresh?.id) }),
    );
    expect(exitCodeOf(byId), byId.error?.message).toBe(0);
    expect(w.requests('POST', '/rotate').map((request) => `${request.path} ${request.status}`)).toEqual([
      `${base}/self/rotate 200`,
      `${base}/self/rotate 200`,
    ]);
  });

  it('a read_api project token revokes itself selected by name (through the self endpoint, which any scope may use)', async () => {
    const reader = w.gitlab.issueResourceToken({ project: PROJECT, name: 'reader', scopes: ['read_api'] });
    const run = await w.run({
      operation: 'revoke',
      'gitlab-token': reader.token,
      'token-kind': 'project',
      project: PROJECT,
      'token-name': 'reader',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.changes()).toEqual(['DELETE /api/v4/personal_access_tokens/self 204']);
    expect(w.gitlab.token(reader.id)?.revoked).toBe(true);
  });

  it.each([
    ['with project', { project: PROJECT }],
    ['without project', {}],
  ])('a run that finds it not due makes one request, %s', async (_, extra) => {
    const run = await w.run(selfRotation({ ...extra, 'rotate-before': '3d' }));
    expect(run.result).toMatchObject({ rotated: false });
    expect(run.result?.headline).toContain('expires 2026-12-02 (5 days left), not within 3d: not rotated');
    expect(w.gitlab.requests.map((request) => request.path)).toEqual(['/api/v4/personal_access_tokens/self']);
  });

  it('strategy overlap: a Maintainer creates the successor, stores and verifies it, then revokes the old one; warned about the new bot user', async () => {
    storeProjectTokenInVariable();
    const run = await w.run({
      ...asMaintainer(),
      'token-name': 'deploy',
      strategy: 'overlap',
      'variable-key': KEY,
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const fresh = w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '');
    expect(fresh).toMatchObject({ name: 'deploy', scopes: ['api'], revoked: false });
    expect(fresh?.userId).not.toBe(w.projectToken.userId);
    expect(
      w.gitlab.project(PROJECT)?.members.find((member) => member.userId === fresh?.userId)?.accessLevel,
    ).toBe(ACCESS_LEVELS.maintainer);
    expect(w.gitlab.token(w.projectToken.id)?.revoked).toBe(true);
    expect(w.changes()).toEqual([
      `POST ${base} 201`,
      `PUT /api/v4/projects/${encodeURIComponent(PROJECT)}/variables/${KEY} 200`,
      `DELETE ${base}/${w.projectToken.id} 204`,
    ]);
    expect(run.lines.join('\n')).toContain(
      'warn: strategy overlap creates a new project access token, which comes with a new bot user: protected-branch, approval and other rules that name the old bot user stop applying to the new token. strategy rotate keeps the bot user.',
    );
  });

  it('strategy overlap keeps the access level of the token it replaces', async () => {
    const reporter = w.gitlab.issueResourceToken({
      project: PROJECT,
      name: 'reports',
      scopes: ['read_api'],
      accessLevel: ACCESS_LEVELS.reporter,
    });
    const output = keptOutput();
    const run = await w.run(
      { ...asMaintainer(), 'token-id': String(reporter.id), strategy: 'overlap' },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(w.requests('POST', '/access_tokens')[0]?.body).toMatchObject({
      access_level: ACCESS_LEVELS.reporter,
    });
  });
});

describe("project access tokens: errors that explain GitLab's rules", () => {
  it("refuses an access level above the caller's own: GitLab answers 400, nothing is made", async () => {
    const run = await w.run({
      ...asMaintainer(),
      operation: 'create',
      name: 'too-strong',
      scopes: 'api',
      'access-level': 'owner',
      'variable-key': 'X_TOKEN',
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'GitLab answered 400 (400 Bad request - Access level of the token contains permissions not held by the creating user)',
    );
    expect(run.error?.message).toContain(
      "access-level owner is above the role of gitlab-token's user in project platform/deployer",
    );
    expect(run.error?.message).toContain('Give a lower access-level');
    expect(w.gitlab.resourceTokens({ project: PROJECT }).map((token) => token.name)).toEqual(['deploy']);
  });

  it("refuses to rotate a token whose role is above the caller's, saying who may", async () => {
    const strong = w.gitlab.issueResourceToken({
      project: PROJECT,
      name: 'strong',
      scopes: ['api'],
      accessLevel: ACCESS_LEVELS.owner,
    });
    const output = keptOutput();
    const run = await w.run(
      { ...asMaintainer(), 'token-id': String(strong.id) },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'Not eligible to rotate tokens with permissions not held by the user',
    );
    expect(run.error?.message).toContain(
      `token ${strong.id} ("strong") has the role owner in project platform/deployer, above the role of gitlab-token's user`,
    );
    expect(w.gitlab.token(strong.id)?.revoked).toBe(false);
  });

  it('a bot token cannot create tokens (nor overlap-rotate itself): GitLab refuses and the message says who may', async () => {
    storeProjectTokenInVariable();
    const run = await w.run(selfRotation({ project: PROJECT, strategy: 'overlap' }));
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('User does not have permission to create project access token');
    expect(run.error?.message).toContain('strategy rotate does not');
    expect(w.gitlab.token(w.projectToken.id)?.revoked).toBe(false);
  });

  it('self with a personal credential: GitLab answers 405 on the project self-rotate, and the message says what to do', async () => {
    const output = keptOutput();
    const run = await w.run(
      { 'gitlab-token': w.maintainer.token, 'token-kind': 'project', project: PROJECT },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('GitLab answered 405');
    expect(run.error?.message).toContain(
      'gitlab-token is not a project access token: GitLab rotates a token through /projects/:id/access_tokens/self/rotate only for that project',
    );
    expect(run.error?.message).toContain('give token-kind personal (the default)');
    expect(w.gitlab.token(w.maintainer.id)?.revoked).toBe(false);
    expect(w.changes()).toEqual([`POST ${base}/self/rotate 405`]);
  });

  it("self with another project's token: GitLab answers 401, and the message names the project to check", async () => {
    w.gitlab.addProject({
      path: 'platform/other',
      members: [{ user: 'max', accessLevel: ACCESS_LEVELS.maintainer }],
    });
    const other = w.gitlab.issueResourceToken({ project: 'platform/other', name: 'other', scopes: ['api'] });
    const output = keptOutput();
    const run = await w.run(
      { 'gitlab-token': other.token, 'token-kind': 'project', project: PROJECT },
      { outputs: [output.destination] },
    );
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('gitlab-token is not an access token of project platform/deployer');
    expect(w.gitlab.token(other.id)?.revoked).toBe(false);
  });

  it('self without project from a credential that is no project bot: says which input to add', async () => {
    w.gitlab.addProject({
      path: 'platform/other',
      members: [{ user: 'max', accessLevel: ACCESS_LEVELS.maintainer }],
    });
    const run = await w.run({
      'gitlab-token': w.maintainer.token,
      'token-kind': 'project',
      'variable-key': KEY,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toBe(
      `token-kind project with token-id self: the credential (gitlab-token) is a member of 2 projects (ids ${PROJECT_ID}, ${w.gitlab.project('platform/other')?.id}), so it is not one project's access token (whose bot user belongs to exactly one project). Give project, or check token-kind (personal for a person's or a service account's token).`,
    );
    expect(w.changes()).toEqual([]);
  });

  it('self without project on a GitLab before 17.4 (no associations endpoint): says to give project', async () => {
    w.gitlab.faults.inject({
      method: 'GET',
      path: '/api/v4/personal_access_tokens/self/associations',
      respond: { status: 404, body: { error: '404 Not Found' } },
    });
    const run = await w.run(selfRotation());
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'This GitLab cannot tell which project a token belongs to (it needs GitLab 17.4 or later): give project.',
    );
    expect(w.changes()).toEqual([]);
  });

  it('self as a group token with token-kind project: not a member of any project, says to check token-kind', async () => {
    const run = await w.run({
      'gitlab-token': w.groupToken.token,
      'token-kind': 'project',
      'variable-key': KEY,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'the credential (gitlab-token) is not a member of any project, so it is not a project access token. Check token-kind (personal for a person',
    );
    expect(run.error?.message).toContain('group for a group access token), or give project.');
  });

  it("a token id of another project is not found in this one: GitLab's 404, explained", async () => {
    w.gitlab.addProject({
      path: 'platform/other',
      members: [{ user: 'max', accessLevel: ACCESS_LEVELS.maintainer }],
    });
    const other = w.gitlab.issueResourceToken({ project: 'platform/other', name: 'other', scopes: ['api'] });
    const run = await w.run({ ...asMaintainer(), operation: 'get', 'token-id': String(other.id) });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('GitLab answered 404 (404 project Access Token Not Found)');
    expect(run.error?.message).toContain(
      `Token ${other.id} does not exist in project platform/deployer. Check token-id (a token of another project is not found here), or use token-name.`,
    );
  });

  it('a Developer may not read the tokens: GitLab answers 401, and the message names the role', async () => {
    const run = await w.run({
      operation: 'list',
      'gitlab-token': w.developer.token,
      'token-kind': 'project',
      project: PROJECT,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('GitLab answered 401');
  });

  it('a bot token whose project was deleted: GitLab answers 401 and the message says the token is gone with its project', async () => {
    w.gitlab.deleteProject(PROJECT);
    const run = await w.run(selfRotation({ project: PROJECT }));
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('GitLab answered 401');
    expect(run.error?.message).toContain('stops working for good when its project is deleted');
    expect(w.changes()).toEqual([]);
  });

  it('a bot token whose bot user is blocked: GitLab answers 403 and the message says who can help', async () => {
    w.gitlab.blockUser(w.projectToken.userId);
    const run = await w.run(selfRotation());
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'GitLab answered 403 (403 Forbidden - Your account has been blocked.)',
    );
    expect(run.error?.message).toContain(
      'its bot user is blocked, and none of its tokens work. An administrator must unblock the bot user, or a Maintainer or Owner of its project creates a new project access token',
    );
    expect(w.changes()).toEqual([]);
  });

  it('an expired bot credential: says that a Maintainer can still rotate it, which then works', async () => {
    storeProjectTokenInVariable();
    w.gitlab.clock.set('2026-12-03T08:00:00Z');
    const run = await w.run(selfRotation({ project: PROJECT }));
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('Token is expired');
    expect(run.error?.message).toContain(
      'has expired, so it can no longer rotate itself. GitLab still rotates an expired token that is not revoked for a Maintainer or Owner of project platform/deployer',
    );
    // The recovery the message describes: rotate refuses only revoked tokens.
    const recovered = await w.run({
      ...asMaintainer(),
      'token-name': 'deploy',
      'variable-key': KEY,
      'expires-in': '90d',
    });
    expect(exitCodeOf(recovered), recovered.error?.message).toBe(0);
    expect(w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '')).toMatchObject({
      name: 'deploy',
      revoked: false,
    });
  });
});
