import {
  GitbeakerRequestError,
  GroupVariables,
  Groups,
  ProjectMembers,
  ProjectVariables,
  Projects,
} from '@gitbeaker/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_LEVELS, startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let options: { host: string; token: string };

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'olivia' });
  emu.addGroup({ path: 'acme', members: [{ user: 'olivia', accessLevel: ACCESS_LEVELS.owner }] });
  emu.addProject({ path: 'acme/app' });
  options = { host: emu.url, token: emu.issueToken({ user: 'olivia', name: 'o', scopes: ['api'] }).token };
});

afterEach(async () => {
  await emu.close();
});

describe('the real @gitbeaker/rest client against the emulator’s projects, groups and variables', () => {
  it('looks up a project and a group by full path', async () => {
    const project = await new Projects(options).show('acme/app');
    const group = await new Groups(options).show('acme');
    const membership = await new ProjectMembers(options).show('acme/app', emu.user('olivia')?.id ?? 0, {
      includeInherited: true,
    });

    expect(project).toMatchObject({ id: emu.project('acme/app')?.id, path_with_namespace: 'acme/app' });
    expect(group).toMatchObject({ id: emu.group('acme')?.id, full_path: 'acme' });
    expect(membership).toMatchObject({ username: 'olivia', access_level: 50 });
  });

  it('creates, shows, edits with a filter in the body, lists and removes project variables', async () => {
    const variables = new ProjectVariables(options);

    await variables.create('acme/app', 'TOKEN', 'first-value', { environmentScope: '*', masked: true });
    await variables.create('acme/app', 'TOKEN', 'second-value', { environmentScope: 'production' });
    const shown = await variables.show('acme/app', 'TOKEN', { filter: { environment_scope: 'production' } });
    const edited = await variables.edit('acme/app', 'TOKEN', 'third-value', {
      filter: { environment_scope: 'production' },
    });
    const all = await variables.all('acme/app', { perPage: 1 });
    await variables.remove('acme/app', 'TOKEN', { filter: { environment_scope: '*' } });

    expect(shown).toMatchObject({ value: 'second-value', environment_scope: 'production' });
    expect(edited).toMatchObject({ value: 'third-value', environment_scope: 'production' });
    expect(all.map((variable) => variable.value)).toEqual(['first-value', 'third-value']);
    expect(emu.variables({ project: 'acme/app' })).toEqual([
      expect.objectContaining({ key: 'TOKEN', value: 'third-value', environmentScope: 'production' }),
    ]);
    expect(emu.requests.find((request) => request.method === 'PUT')).toMatchObject({
      path: '/api/v4/projects/acme%2Fapp/variables/TOKEN',
      body: { value: 'third-value', filter: { environment_scope: 'production' } },
    });
  });

  it('sends masked_and_hidden through the requester (its prefix is projects/), which the typed create does not know', async () => {
    const variables = new ProjectVariables(options);

    await variables.requester.post('acme%2Fapp/variables', {
      body: { key: 'TOKEN', value: 'glpat-abcdefghijklmnopqrst', masked_and_hidden: true, masked: true },
    });
    const shown = await variables.show('acme/app', 'TOKEN');

    expect(shown).toMatchObject({ value: null, hidden: true, masked: true });
  });

  it('surfaces the 409 of an ambiguous group variable edit and the 400 of a bad mask', async () => {
    emu.setVariable({ group: 'acme' }, { key: 'TOKEN', value: 'one-value' });
    emu.setVariable({ group: 'acme' }, { key: 'TOKEN', value: 'two-value', environmentScope: 'production' });
    const variables = new GroupVariables(options);

    const ambiguous = await variables.show('acme', 'TOKEN').catch((error: unknown) => error);
    const badMask = await variables
      .create('acme', 'MASKED', 'short', { masked: true })
      .catch((error: unknown) => error);

    expect(ambiguous).toBeInstanceOf(GitbeakerRequestError);
    expect((ambiguous as GitbeakerRequestError).cause?.response.status).toBe(409);
    expect(badMask).toBeInstanceOf(GitbeakerRequestError);
    expect((badMask as GitbeakerRequestError).cause?.response.status).toBe(400);
    expect((badMask as GitbeakerRequestError).cause?.description).toContain('is invalid');
  });
});
