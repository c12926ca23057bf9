import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { ACCESS_LEVELS, startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let ownerToken: string;
let outsiderToken: string;

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-11-30T10:00:00Z' });
  emu.addUser({ username: 'olivia' });
  emu.addUser({ username: 'outsider' });
  emu.addGroup({ path: 'acme', members: [{ user: 'olivia', accessLevel: ACCESS_LEVELS.owner }] });
  emu.addProject({ path: 'acme/site' });
  emu.addProject({ path: 'acme/platform/app' });
  emu.addProject({ path: 'acme/platform/tools/cli' });
  ownerToken = emu.issueToken({ user: 'olivia', name: 'o', scopes: ['api'] }).token;
  outsiderToken = emu.issueToken({ user: 'outsider', name: 'x', scopes: ['api'] }).token;
});

afterEach(async () => {
  await emu.close();
});

const paths = (body: unknown, field: string) =>
  (body as Record<string, unknown>[]).map((each) => each[field]);

describe('GET /groups/:id/projects', () => {
  it("lists the group's own projects, and with include_subgroups those of every subgroup", async () => {
    const own = await callApi(emu, 'GET', '/groups/acme/projects', { token: ownerToken });
    expect(own.status).toBe(200);
    expect(paths(own.body, 'path_with_namespace')).toEqual(['acme/site']);
    const all = await callApi(emu, 'GET', '/groups/acme/projects?include_subgroups=true&simple=true', {
      token: ownerToken,
    });
    expect(paths(all.body, 'path_with_namespace')).toEqual([
      'acme/site',
      'acme/platform/app',
      'acme/platform/tools/cli',
    ]);
    expect(all.headers.get('x-total')).toBe('3');
  });

  it('pages like every list', async () => {
    const first = await callApi(emu, 'GET', '/groups/acme/projects?include_subgroups=true&per_page=2', {
      token: ownerToken,
    });
    expect(first.headers.get('x-next-page')).toBe('2');
    expect(first.headers.get('x-total-pages')).toBe('2');
  });

  it('answers 404 for a private group the caller cannot see', async () => {
    const hidden = await callApi(emu, 'GET', '/groups/acme/projects', { token: outsiderToken });
    expect(hidden).toMatchObject({ status: 404, body: { message: '404 Group Not Found' } });
  });
});

describe('GET /groups/:id/descendant_groups', () => {
  it('lists every group below, by full path', async () => {
    const below = await callApi(emu, 'GET', '/groups/acme/descendant_groups', { token: ownerToken });
    expect(below.status).toBe(200);
    expect(paths(below.body, 'full_path')).toEqual(['acme/platform', 'acme/platform/tools']);
    expect((below.body as Record<string, unknown>[])[0]).not.toHaveProperty('projects');
  });
});

describe('a fault for one page', () => {
  it('matches the query as well as the path', async () => {
    emu.faults.inject({
      path: '/api/v4/groups/acme/projects',
      query: { page: '2' },
      respond: { status: 503, body: { message: 'busy' } },
    });
    const first = await callApi(emu, 'GET', '/groups/acme/projects?include_subgroups=true&per_page=2', {
      token: ownerToken,
    });
    expect(first.status).toBe(200);
    expect(emu.faults.pending()).toBe(1);
    const second = await callApi(
      emu,
      'GET',
      '/groups/acme/projects?include_subgroups=true&per_page=2&page=2',
      {
        token: ownerToken,
      },
    );
    expect(second.status).toBe(503);
    expect(emu.faults.pending()).toBe(0);
  });
});
