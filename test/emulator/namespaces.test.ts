import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { ACCESS_LEVELS, startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let rootToken: string;
let ownerToken: string;
let developerToken: string;
let outsiderToken: string;

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'root', admin: true });
  emu.addUser({ username: 'olivia' });
  emu.addUser({ username: 'dev' });
  emu.addUser({ username: 'outsider' });
  emu.addGroup({
    path: 'acme',
    name: 'ACME',
    members: [{ user: 'olivia', accessLevel: ACCESS_LEVELS.owner }],
  });
  emu.addProject({
    path: 'acme/platform/app',
    members: [{ user: 'dev', accessLevel: ACCESS_LEVELS.developer }],
  });
  rootToken = emu.issueToken({ user: 'root', name: 'root', scopes: ['api'] }).token;
  ownerToken = emu.issueToken({ user: 'olivia', name: 'o', scopes: ['api'] }).token;
  developerToken = emu.issueToken({ user: 'dev', name: 'd', scopes: ['api'] }).token;
  outsiderToken = emu.issueToken({ user: 'outsider', name: 'x', scopes: ['api'] }).token;
});

afterEach(async () => {
  await emu.close();
});

describe('groups and projects in the control API', () => {
  it('builds full paths from parents and creates a missing namespace as nested groups', () => {
    const sub = emu.group('acme/platform');

    expect(sub).toMatchObject({
      path: 'platform',
      fullPath: 'acme/platform',
      parentId: emu.group('acme')?.id,
    });
    expect(emu.project('acme/platform/app')).toMatchObject({
      path: 'app',
      pathWithNamespace: 'acme/platform/app',
      namespace: { kind: 'group', groupId: sub?.id },
    });
    expect(emu.addGroup({ path: 'infra', parent: 'acme/platform' }).fullPath).toBe('acme/platform/infra');
  });

  it('shares namespace ids between users and groups and honours explicit ids', async () => {
    await using fresh = await startEmulator();
    fresh.addUser({ username: 'root' });

    expect(fresh.addGroup({ path: 'a' }).id).toBe(2);
    expect(fresh.addGroup({ path: 'b', id: 10 }).id).toBe(10);
    expect(fresh.addGroup({ path: 'c' }).id).toBe(11);
    expect(fresh.addProject({ path: 'a/p' }).id).toBe(1);
    expect(fresh.addProject({ path: 'a/q', id: 7 }).id).toBe(7);
    expect(() => fresh.addGroup({ path: 'a' })).toThrow(/taken/);
    expect(() => fresh.addGroup({ path: 'root' })).toThrow(/taken/);
    expect(() => fresh.addGroup({ path: 'x', parent: 'missing' })).toThrow(/no parent/);
    expect(() => fresh.addProject({ path: 'lonely' })).toThrow(/namespace/);
  });

  it("puts a project under a user's name into their personal namespace, owned by them", () => {
    const project = emu.addProject({ path: 'dev/scratch' });

    expect(project.namespace).toEqual({ kind: 'user', userId: emu.user('dev')?.id });
    expect(project.members).toEqual([
      expect.objectContaining({ userId: emu.user('dev')?.id, accessLevel: 50 }),
    ]);
    expect(project.creatorId).toBe(emu.user('dev')?.id);
  });

  it('adds members or changes their level, and rejects what GitLab would not store', () => {
    emu.addMember({ project: 'acme/platform/app' }, 'dev', ACCESS_LEVELS.maintainer);
    emu.addMember({ group: 'acme/platform' }, 'outsider', ACCESS_LEVELS.reporter);

    expect(emu.project('acme/platform/app')?.members).toEqual([
      expect.objectContaining({ userId: emu.user('dev')?.id, accessLevel: 40 }),
    ]);
    expect(emu.group('acme/platform')?.members).toHaveLength(1);
    expect(() => emu.addMember({ group: 'acme' }, 'dev', 45)).toThrow(/not an access level/);
    expect(() => emu.addMember({ group: 'nope' }, 'dev', 30)).toThrow(/no group nope/);
    expect(() => emu.addMember({ project: 'acme/platform/app' }, 'nobody', 30)).toThrow(/no user/);
  });
});

describe('GET /projects/:id', () => {
  it('finds a project by URL-encoded full path or id, showing the caller’s inherited access', async () => {
    const byPath = await callApi(emu, 'GET', '/projects/acme%2Fplatform%2Fapp', { token: ownerToken });
    const project = byPath.body as Record<string, unknown>;
    const byId = await callApi(emu, 'GET', `/projects/${String(project['id'])}`, { token: ownerToken });

    expect(byPath.status).toBe(200);
    expect(project).toMatchObject({
      path_with_namespace: 'acme/platform/app',
      name_with_namespace: 'ACME / platform / app',
      namespace: { kind: 'group', full_path: 'acme/platform' },
      permissions: { project_access: null, group_access: { access_level: 50, notification_level: 3 } },
    });
    expect(project).toHaveProperty('runners_token');
    expect(project).toHaveProperty('import_error');
    expect(byId.body).toEqual(project);
  });

  it('hides the settings of a project from a Developer, who sees their direct access', async () => {
    const answer = await callApi(emu, 'GET', '/projects/acme%2Fplatform%2Fapp', { token: developerToken });
    const project = answer.body as Record<string, unknown>;

    expect(answer.status).toBe(200);
    expect(project['permissions']).toEqual({
      project_access: { access_level: 30, notification_level: 3 },
      group_access: null,
    });
    for (const hidden of ['runners_token', 'import_url', 'import_error', 'ci_default_git_depth'])
      expect(project).not.toHaveProperty(hidden);
    expect(project).not.toHaveProperty('repository_storage');
  });

  it('shows administrators the repository storage, without a membership', async () => {
    const answer = await callApi(emu, 'GET', '/projects/acme%2Fplatform%2Fapp', { token: rootToken });

    expect(answer.body).toMatchObject({
      repository_storage: 'default',
      permissions: { project_access: null, group_access: null },
    });
  });

  it('answers 404 for a missing project and for a private one the caller cannot see', async () => {
    const missing = await callApi(emu, 'GET', '/projects/acme%2Fnope', { token: ownerToken });
    const hidden = await callApi(emu, 'GET', '/projects/acme%2Fplatform%2Fapp', { token: outsiderToken });
    const anonymous = await callApi(emu, 'GET', '/projects/acme%2Fplatform%2Fapp');
    const noSlash = await callApi(emu, 'GET', '/projects/app', { token: rootToken });

    for (const answer of [missing, hidden, anonymous, noSlash]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ message: '404 Project Not Found' });
    }
  });

  it('shows a public project to anyone, anonymously in its basic form', async () => {
    emu.addProject({ path: 'acme/open', visibility: 'public' });

    const anonymous = await callApi(emu, 'GET', '/projects/acme%2Fopen');
    const outsider = await callApi(emu, 'GET', '/projects/acme%2Fopen', { token: outsiderToken });

    expect(anonymous.status).toBe(200);
    expect(Object.keys(anonymous.body as object).at(-1)).toBe('namespace');
    expect(outsider.body).toMatchObject({ permissions: { project_access: null, group_access: null } });
  });

  it('still rejects a bad token on a public project', async () => {
    emu.addProject({ path: 'acme/open', visibility: 'public' });

    const answer = await callApi(emu, 'GET', '/projects/acme%2Fopen', { token: 'glpat-not-a-real-token' });

    expect(answer.status).toBe(401);
  });
});

describe('GET /groups/:id', () => {
  it('shows a group with its projects and, to its Owner, the runners token', async () => {
    const answer = await callApi(emu, 'GET', '/groups/acme%2Fplatform', { token: ownerToken });
    const group = answer.body as Record<string, unknown>;

    expect(answer.status).toBe(200);
    expect(group).toMatchObject({
      path: 'platform',
      full_path: 'acme/platform',
      full_name: 'ACME / platform',
      parent_id: emu.group('acme')?.id,
      projects: [expect.objectContaining({ path_with_namespace: 'acme/platform/app' })],
      shared_projects: [],
    });
    expect(group).toHaveProperty('runners_token');
    // Settings of top-level groups only.
    expect(group).not.toHaveProperty('prevent_sharing_groups_outside_hierarchy');
  });

  it('shows a group to a member of a project inside it, without the runners token', async () => {
    const answer = await callApi(emu, 'GET', '/groups/acme', { token: developerToken });

    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty('runners_token');
    expect(answer.body).toHaveProperty('prevent_sharing_groups_outside_hierarchy', false);
  });

  it('answers 404 "Group Not Found" for a missing or invisible group', async () => {
    const missing = await callApi(emu, 'GET', '/groups/acme%2Fnope', { token: rootToken });
    const invisible = await callApi(emu, 'GET', '/groups/acme', { token: outsiderToken });

    for (const answer of [missing, invisible]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ message: '404 Group Not Found' });
    }
  });
});

describe('GET /(projects|groups)/:id/members/all/:user_id', () => {
  it('answers the highest effective membership, inherited ones included', async () => {
    const oliviaId = emu.user('olivia')?.id ?? 0;
    emu.addMember({ project: 'acme/platform/app' }, 'olivia', ACCESS_LEVELS.developer);

    const inProject = await callApi(emu, 'GET', `/projects/acme%2Fplatform%2Fapp/members/all/${oliviaId}`, {
      token: developerToken,
    });
    const inSubgroup = await callApi(emu, 'GET', `/groups/acme%2Fplatform/members/all/${oliviaId}`, {
      token: ownerToken,
    });

    expect(inProject.status).toBe(200);
    expect(inProject.body).toMatchObject({
      id: oliviaId,
      username: 'olivia',
      access_level: 50,
      membership_state: 'active',
    });
    expect(inProject.body).not.toHaveProperty('email');
    expect(inSubgroup.body).toMatchObject({ id: oliviaId, access_level: 50 });
  });

  it('answers 404 for someone without a membership, administrators included', async () => {
    const rootId = emu.user('root')?.id ?? 0;

    const answer = await callApi(emu, 'GET', `/groups/acme/members/all/${rootId}`, { token: rootToken });

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ message: '404 Not found' });
  });

  it('shows administrators the member’s email', async () => {
    const devId = emu.user('dev')?.id ?? 0;

    const answer = await callApi(emu, 'GET', `/projects/acme%2Fplatform%2Fapp/members/all/${devId}`, {
      token: rootToken,
    });

    expect(answer.body).toMatchObject({ access_level: 30, email: 'dev@example.com' });
  });

  it('needs a token and an integer user id', async () => {
    const anonymous = await callApi(emu, 'GET', '/groups/acme/members/all/1');
    const notInteger = await callApi(emu, 'GET', '/groups/acme/members/all/olivia', { token: ownerToken });

    expect(anonymous.status).toBe(401);
    expect(notInteger.status).toBe(400);
    expect(notInteger.body).toEqual({ error: 'user_id is invalid' });
  });
});
