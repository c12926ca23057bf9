import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callApi } from './call-api.js';
import { ACCESS_LEVELS, startEmulator, type GitlabEmulator } from './index.js';

const PROJECT = '/projects/acme%2Fapp';
const GROUP = '/groups/acme';
const NEW_TOKEN = 'glpat-Zx9_new-token-value.1';

let emu: GitlabEmulator;
let maintainer: string;
let developer: string;
let owner: string;
let admin: string;

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'root', admin: true });
  emu.addUser({ username: 'olivia' });
  emu.addUser({ username: 'mia' });
  emu.addUser({ username: 'dev' });
  emu.addGroup({ path: 'acme', members: [{ user: 'olivia', accessLevel: ACCESS_LEVELS.owner }] });
  emu.addProject({
    path: 'acme/app',
    members: [
      { user: 'mia', accessLevel: ACCESS_LEVELS.maintainer },
      { user: 'dev', accessLevel: ACCESS_LEVELS.developer },
    ],
  });
  emu.addMember({ group: 'acme' }, 'mia', ACCESS_LEVELS.maintainer);
  admin = emu.issueToken({ user: 'root', name: 'root', scopes: ['api'] }).token;
  owner = emu.issueToken({ user: 'olivia', name: 'o', scopes: ['api'] }).token;
  maintainer = emu.issueToken({ user: 'mia', name: 'm', scopes: ['api'] }).token;
  developer = emu.issueToken({ user: 'dev', name: 'd', scopes: ['api'] }).token;
});

afterEach(async () => {
  await emu.close();
});

describe('creating a project variable', () => {
  it('creates it with every attribute and answers 201 with the entity', async () => {
    const answer = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: {
        key: 'DEPLOY_KEY',
        value: 'some value',
        variable_type: 'file',
        protected: true,
        raw: true,
        environment_scope: 'production',
        description: 'for deploys',
      },
    });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      variable_type: 'file',
      key: 'DEPLOY_KEY',
      value: 'some value',
      hidden: false,
      protected: true,
      masked: false,
      raw: true,
      environment_scope: 'production',
      description: 'for deploys',
    });
    expect(emu.variables({ project: 'acme/app' })).toEqual([
      {
        key: 'DEPLOY_KEY',
        value: 'some value',
        masked: false,
        hidden: false,
        protected: true,
        environmentScope: 'production',
        raw: true,
        variableType: 'file',
        description: 'for deploys',
      },
    ]);
  });

  it('makes a masked_and_hidden variable masked and hidden, and never shows its value again', async () => {
    const created = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'TOKEN', value: NEW_TOKEN, masked_and_hidden: true, masked: false },
    });
    const listed = await callApi(emu, 'GET', `${PROJECT}/variables`, { token: maintainer });
    const shown = await callApi(emu, 'GET', `${PROJECT}/variables/TOKEN`, { token: admin });

    expect(created.body).toMatchObject({ key: 'TOKEN', value: null, hidden: true, masked: true });
    expect(listed.body).toEqual([expect.objectContaining({ key: 'TOKEN', value: null })]);
    expect(shown.body).toMatchObject({ value: null, hidden: true });
    expect(emu.variables({ project: 'acme/app' })[0]).toMatchObject({ value: NEW_TOKEN, hidden: true });
  });

  it('defaults to an unprotected, unmasked env_var in scope *', async () => {
    const answer = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'PLAIN', value: 'x' },
    });

    expect(answer.body).toEqual({
      variable_type: 'env_var',
      key: 'PLAIN',
      value: 'x',
      hidden: false,
      protected: false,
      masked: false,
      raw: false,
      environment_scope: '*',
      description: null,
    });
  });

  it('refuses a key already taken in the same environment scope, but not in another', async () => {
    emu.setVariable({ project: 'acme/app' }, { key: 'TOKEN', value: 'old' });

    const taken = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'TOKEN', value: 'new' },
    });
    const otherScope = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'TOKEN', value: 'new', environment_scope: 'staging' },
    });

    expect(taken.status).toBe(400);
    expect(taken.body).toEqual({ message: { key: ['(TOKEN) has already been taken'] } });
    expect(otherScope.status).toBe(201);
  });

  it.each([
    ['short', false, 'fewer than 8 characters'],
    ['has space in it', false, 'a space'],
    ['dollar$sign1', false, 'a character outside the expanded-mask alphabet'],
    ['tab\there-and-more', true, 'whitespace, even raw'],
  ])('refuses to mask %j (raw: %s): %s', async (value, raw) => {
    const answer = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'SECRET', value, masked: true, raw },
    });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ message: { value: ['is invalid'] } });
  });

  it('masks what each rule allows: the alphabet when expanded, any non-space when raw', async () => {
    const expanded = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'A', value: 'Hello+World_123/@:-~.=', masked: true },
    });
    const raw = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'B', value: 'HelloWorld%#^$x', masked: true, raw: true },
    });

    expect([expanded.status, raw.status]).toEqual([201, 201]);
  });

  it('accepts values of any length: the 10,000-character limit is for instance variables only', async () => {
    const answer = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'BIG', value: 'x'.repeat(20_000), masked: true },
    });

    expect(answer.status).toBe(201);
  });

  it('reports every model error at once, in GitLab’s order', async () => {
    const answer = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: {
        key: 'bad-key',
        value: 'short',
        masked: true,
        environment_scope: 'prod!',
        description: 'd'.repeat(256),
      },
    });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      message: {
        key: ["can contain only letters, digits and '_'."],
        value: ['is invalid'],
        environment_scope: [
          "can contain only letters, digits, '-', '_', '/', '$', '{', '}', '.', '*' and spaces",
        ],
        description: ['is too long (maximum is 255 characters)'],
      },
    });
  });

  it('answers Grape’s 400 for missing or malformed parameters', async () => {
    const missing = await callApi(emu, 'POST', `${PROJECT}/variables`, { token: maintainer, body: {} });
    const badType = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'K', value: 'v', variable_type: 'secret', masked: 'maybe' },
    });

    expect(missing.body).toEqual({ error: 'key is missing, value is missing' });
    expect(badType.status).toBe(400);
    expect(badType.body).toEqual({ error: 'masked is invalid, variable_type does not have a valid value' });
  });

  it('strips the key and refuses one that is too long', async () => {
    const stripped = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: '  SPACED ', value: 'v' },
    });
    const long = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'K'.repeat(256), value: 'v' },
    });

    expect(stripped.body).toMatchObject({ key: 'SPACED' });
    expect(long.body).toEqual({ message: { key: ['is too long (maximum is 255 characters)'] } });
  });
});

describe('reading, updating and deleting one project variable', () => {
  beforeEach(() => {
    emu.setVariable({ project: 'acme/app' }, { key: 'TOKEN', value: 'old-value-1', hidden: true });
    emu.setVariable(
      { project: 'acme/app' },
      { key: 'TOKEN', value: 'old-value-2', environmentScope: 'production' },
    );
    emu.setVariable({ project: 'acme/app' }, { key: 'SOLO', value: 'solo-value' });
  });

  it('answers 409 when the key exists in several scopes and no filter is given', async () => {
    const answers = await Promise.all([
      callApi(emu, 'GET', `${PROJECT}/variables/TOKEN`, { token: maintainer }),
      callApi(emu, 'PUT', `${PROJECT}/variables/TOKEN`, {
        token: maintainer,
        body: { value: 'new-value-1' },
      }),
      callApi(emu, 'DELETE', `${PROJECT}/variables/TOKEN`, { token: maintainer }),
    ]);

    for (const answer of answers) {
      expect(answer.status).toBe(409);
      expect(answer.body).toEqual({
        message:
          "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'",
      });
    }
    expect(emu.variables({ project: 'acme/app' })).toHaveLength(3);
  });

  it('takes filter[environment_scope] from the query or from the JSON body', async () => {
    const byQuery = await callApi(
      emu,
      'GET',
      `${PROJECT}/variables/TOKEN?filter%5Benvironment_scope%5D=production`,
      {
        token: maintainer,
      },
    );
    const byBody = await callApi(emu, 'PUT', `${PROJECT}/variables/TOKEN`, {
      token: maintainer,
      body: { value: NEW_TOKEN, masked: true, filter: { environment_scope: 'production' } },
    });

    expect(byQuery.body).toMatchObject({ value: 'old-value-2', environment_scope: 'production' });
    expect(byBody.status).toBe(200);
    expect(byBody.body).toMatchObject({ value: NEW_TOKEN, masked: true, environment_scope: 'production' });
    expect(emu.variables({ project: 'acme/app' }).map((variable) => variable.value)).toEqual([
      'old-value-1',
      NEW_TOKEN,
      'solo-value',
    ]);
  });

  it('updates a hidden variable in place: it stays hidden and its new value reads back null', async () => {
    const answer = await callApi(emu, 'PUT', `${PROJECT}/variables/TOKEN?filter[environment_scope]=*`, {
      token: maintainer,
      body: { value: NEW_TOKEN, masked: true, protected: true, masked_and_hidden: false },
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ value: null, hidden: true, masked: true, protected: true });
    expect(emu.variables({ project: 'acme/app' })[0]).toMatchObject({ value: NEW_TOKEN, hidden: true });
  });

  it('refuses to unmask a hidden variable', async () => {
    const answer = await callApi(emu, 'PUT', `${PROJECT}/variables/TOKEN?filter[environment_scope]=*`, {
      token: maintainer,
      body: { masked: false },
    });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      message: { base: ['The visibility setting cannot be changed for masked and hidden variables.'] },
    });
    expect(emu.variables({ project: 'acme/app' })[0]).toMatchObject({ masked: true, value: 'old-value-1' });
  });

  it('checks the masking rules against the stored value when only masked changes', async () => {
    emu.setVariable({ project: 'acme/app' }, { key: 'WEAK', value: 'short' });

    const answer = await callApi(emu, 'PUT', `${PROJECT}/variables/WEAK`, {
      token: maintainer,
      body: { masked: true },
    });

    expect(answer.body).toEqual({ message: { value: ['is invalid'] } });
  });

  it('refuses to move a variable into a scope where its key is taken', async () => {
    const answer = await callApi(
      emu,
      'PUT',
      `${PROJECT}/variables/TOKEN?filter[environment_scope]=production`,
      {
        token: maintainer,
        body: { environment_scope: '*' },
      },
    );
    const moved = await callApi(emu, 'PUT', `${PROJECT}/variables/SOLO`, {
      token: maintainer,
      body: { environment_scope: 'review/*' },
    });

    expect(answer.body).toEqual({ message: { key: ['(TOKEN) has already been taken'] } });
    expect(moved.body).toMatchObject({ key: 'SOLO', environment_scope: 'review/*' });
  });

  it('answers 404 "Variable Not Found" for a key that is not there', async () => {
    const get = await callApi(emu, 'GET', `${PROJECT}/variables/NOPE`, { token: maintainer });
    const put = await callApi(emu, 'PUT', `${PROJECT}/variables/NOPE`, {
      token: maintainer,
      body: { value: 'x' },
    });
    const inOtherScope = await callApi(
      emu,
      'GET',
      `${PROJECT}/variables/SOLO?filter[environment_scope]=production`,
      {
        token: maintainer,
      },
    );

    for (const answer of [get, put, inOtherScope]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ message: '404 Variable Not Found' });
    }
  });

  it('deletes one variable and answers 204', async () => {
    const answer = await callApi(
      emu,
      'DELETE',
      `${PROJECT}/variables/TOKEN?filter[environment_scope]=production`,
      {
        token: maintainer,
      },
    );

    expect(answer.status).toBe(204);
    expect(emu.variables({ project: 'acme/app' }).map((variable) => variable.environmentScope)).toEqual([
      '*',
      '*',
    ]);
  });

  it('rejects a filter that is not a hash', async () => {
    const answer = await callApi(emu, 'GET', `${PROJECT}/variables/SOLO?filter=production`, {
      token: maintainer,
    });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'filter is invalid' });
  });
});

describe('listing variables', () => {
  it('paginates with GitLab’s headers; the Link URLs carry the id parameter', async () => {
    for (let index = 0; index < 25; index++)
      emu.setVariable({ project: 'acme/app' }, { key: `V${index}`, value: 'v' });

    const first = await callApi(emu, 'GET', `${PROJECT}/variables?per_page=10`, { token: maintainer });

    expect(first.body).toHaveLength(10);
    expect(first.headers.get('x-total')).toBe('25');
    expect(first.headers.get('x-total-pages')).toBe('3');
    expect(first.headers.get('x-next-page')).toBe('2');
    expect(first.headers.get('link')).toContain(
      `<${emu.url}/api/v4/projects/acme%2Fapp/variables?id=acme%2Fapp&page=2&per_page=10>; rel="next"`,
    );
  });
});

describe('who may touch variables', () => {
  it('lets Maintainers and admins at project variables, not Developers', async () => {
    const asDeveloper = await callApi(emu, 'GET', `${PROJECT}/variables`, { token: developer });
    const asMaintainer = await callApi(emu, 'GET', `${PROJECT}/variables`, { token: maintainer });
    const asGroupOwner = await callApi(emu, 'GET', `${PROJECT}/variables`, { token: owner });
    const asAdmin = await callApi(emu, 'GET', `${PROJECT}/variables`, { token: admin });

    expect(asDeveloper.status).toBe(403);
    expect(asDeveloper.body).toEqual({ message: '403 Forbidden' });
    expect([asMaintainer.status, asGroupOwner.status, asAdmin.status]).toEqual([200, 200, 200]);
  });

  it('lets only Owners and admins at group variables: a group Maintainer gets 403', async () => {
    const asMaintainer = await callApi(emu, 'GET', `${GROUP}/variables`, { token: maintainer });
    const asOwner = await callApi(emu, 'GET', `${GROUP}/variables`, { token: owner });
    const asAdmin = await callApi(emu, 'POST', `${GROUP}/variables`, {
      token: admin,
      body: { key: 'K', value: 'v' },
    });

    expect(asMaintainer.status).toBe(403);
    expect(asOwner.status).toBe(200);
    expect(asAdmin.status).toBe(201);
  });

  it('inherits the Owner role into subgroups', async () => {
    emu.addGroup({ path: 'team', parent: 'acme' });

    const answer = await callApi(emu, 'POST', '/groups/acme%2Fteam/variables', {
      token: owner,
      body: { key: 'K', value: 'v' },
    });

    expect(answer.status).toBe(201);
  });

  it('checks the role before the parameters, and hides what the caller cannot see', async () => {
    const stranger = emu.issueToken({
      user: emu.addUser({ username: 'stranger' }).id,
      name: 's',
      scopes: ['api'],
    });

    const forbidden = await callApi(emu, 'POST', `${PROJECT}/variables`, { token: developer, body: {} });
    const invisible = await callApi(emu, 'GET', `${PROJECT}/variables`, { token: stranger.token });
    const missingGroup = await callApi(emu, 'GET', '/groups/nope/variables', { token: admin });
    const anonymous = await callApi(emu, 'GET', `${PROJECT}/variables`);

    expect(forbidden.status).toBe(403);
    expect(invisible.body).toEqual({ message: '404 Project Not Found' });
    expect(missingGroup.body).toEqual({ message: '404 Group Not Found' });
    expect(anonymous.status).toBe(401);
  });

  it('lets read_api read but not write, and read_user do neither', async () => {
    const readApi = emu.issueToken({ user: 'mia', name: 'r', scopes: ['read_api'] }).token;
    const readUser = emu.issueToken({ user: 'mia', name: 'u', scopes: ['read_user'] }).token;

    const read = await callApi(emu, 'GET', `${PROJECT}/variables`, { token: readApi });
    const write = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: readApi,
      body: { key: 'K', value: 'v' },
    });
    const userOnly = await callApi(emu, 'GET', `${PROJECT}/variables`, { token: readUser });

    expect(read.status).toBe(200);
    for (const answer of [write, userOnly]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: 'api read_api',
      });
    }
  });
});

describe('group variables', () => {
  beforeEach(() => {
    emu.setVariable({ group: 'acme' }, { key: 'TOKEN', value: 'old-value-1' });
    emu.setVariable(
      { group: 'acme' },
      { key: 'TOKEN', value: 'old-value-2', environmentScope: 'production' },
    );
  });

  it('answers 404 "GroupVariable Not Found" and 409 like the project endpoints on GET', async () => {
    const missing = await callApi(emu, 'GET', `${GROUP}/variables/NOPE`, { token: owner });
    const ambiguous = await callApi(emu, 'GET', `${GROUP}/variables/TOKEN`, { token: owner });
    const filtered = await callApi(
      emu,
      'GET',
      `${GROUP}/variables/TOKEN?filter[environment_scope]=production`,
      {
        token: owner,
      },
    );

    expect(missing.body).toEqual({ message: '404 GroupVariable Not Found' });
    expect(ambiguous.status).toBe(409);
    expect(filtered.body).toMatchObject({ value: 'old-value-2' });
  });

  it('updates the first variable with the key on a PUT without filter (GitLab keeps this for compatibility)', async () => {
    const answer = await callApi(emu, 'PUT', `${GROUP}/variables/TOKEN`, {
      token: owner,
      body: { value: 'new-value-1' },
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ value: 'new-value-1', environment_scope: '*' });
  });

  it('honours filter[environment_scope] on PUT', async () => {
    const answer = await callApi(emu, 'PUT', `${GROUP}/variables/TOKEN`, {
      token: owner,
      body: { value: 'new-value-2', filter: { environment_scope: 'production' } },
    });

    expect(answer.body).toMatchObject({ value: 'new-value-2', environment_scope: 'production' });
    expect(emu.variables({ group: 'acme' }).map((variable) => variable.value)).toEqual([
      'old-value-1',
      'new-value-2',
    ]);
  });

  it('reads its boolean parameters as Strings, as GitLab declares them', async () => {
    const falseWord = await callApi(emu, 'POST', `${GROUP}/variables`, {
      token: owner,
      body: { key: 'A', value: 'valuevalue', protected: 'no', masked: 'off' },
    });
    const blankMasked = await callApi(emu, 'POST', `${GROUP}/variables`, {
      token: owner,
      body: { key: 'B', value: 'valuevalue', masked: '' },
    });
    const hiddenAnyway = await callApi(emu, 'POST', `${GROUP}/variables`, {
      token: owner,
      body: { key: 'C', value: 'valuevalue', masked_and_hidden: false },
    });

    // ActiveRecord reads "no" as true and "off" as false.
    expect(falseWord.body).toMatchObject({ protected: true, masked: false });
    expect(blankMasked.body).toEqual({ message: { masked: ['is not included in the list'] } });
    expect(hiddenAnyway.body).toMatchObject({ hidden: true, masked: true, value: null });
  });
});

describe('variable writes and secrets', () => {
  it('keeps a written value in the request log, for tests, and prints nothing', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => undefined),
    );
    try {
      await callApi(emu, 'POST', `${PROJECT}/variables`, {
        token: maintainer,
        body: { key: 'TOKEN', value: NEW_TOKEN, masked_and_hidden: true },
      });
      await callApi(emu, 'POST', `${PROJECT}/variables`, {
        token: maintainer,
        body: { key: 'TOKEN', value: NEW_TOKEN, masked_and_hidden: true },
      });
      await callApi(emu, 'PUT', `${PROJECT}/variables/TOKEN`, {
        token: developer,
        body: { value: NEW_TOKEN },
      });

      expect(emu.requests.map((request) => request.body)).toEqual([
        expect.objectContaining({ value: NEW_TOKEN }),
        expect.objectContaining({ value: NEW_TOKEN }),
        { value: NEW_TOKEN },
      ]);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('commits a write whose answer is lost to a 502', async () => {
    emu.faults.inject({ method: 'POST', path: '/api/v4/projects/*/variables', afterCommit: { status: 502 } });

    const lost = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'TOKEN', value: NEW_TOKEN, masked_and_hidden: true },
    });
    const retried = await callApi(emu, 'POST', `${PROJECT}/variables`, {
      token: maintainer,
      body: { key: 'TOKEN', value: NEW_TOKEN, masked_and_hidden: true },
    });

    expect(lost.status).toBe(502);
    expect(retried.body).toEqual({ message: { key: ['(TOKEN) has already been taken'] } });
    expect(emu.variables({ project: 'acme/app' })).toHaveLength(1);
    expect(emu.requests[0]).toMatchObject({ faulted: true, status: 502 });
  });
});

describe('setVariable and variables in the control API', () => {
  it('replaces by key and scope, and treats hidden as masked', () => {
    emu.setVariable({ group: 'acme' }, { key: 'K', value: 'one', hidden: true });
    emu.setVariable({ group: 'acme' }, { key: 'K', value: 'two', hidden: true });

    expect(emu.variables({ group: 'acme' })).toEqual([
      expect.objectContaining({ value: 'two', masked: true }),
    ]);
    expect(() =>
      emu.setVariable({ group: 'acme' }, { key: 'H', value: 'v', hidden: true, masked: false }),
    ).toThrow(/hidden variable is masked/);
    expect(() => emu.variables({ project: 'acme/nope' })).toThrow(/No project acme\/nope/);
  });
});
