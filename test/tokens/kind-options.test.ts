/**
 * The input rules of token-kind, project, group, user and access-level: every mistake is an input error (exit 2)
 * before the first request, naming the input, what was expected and what to do; and what the kinds default to.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { RawOptions } from '../../src/core/options/option-kit.js';
import { parseOptions, type ParseContext } from '../../src/core/options/parse-options.js';

const TOKEN = 'glpat-0123456789abcdefghij';
const context: ParseContext = { today: '2026-11-27' };
const parse = (raw: RawOptions, inCi: ParseContext = context) =>
  parseOptions({ 'gitlab-token': TOKEN, ...raw }, inCi);

function inputError(raw: RawOptions): string {
  try {
    parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  return expect.fail('expected an InputError');
}

const create = { operation: 'create', name: 'ci', scopes: 'api' };

describe('token kinds: input errors', () => {
  it.each<{ raw: RawOptions; contains: string[] }>([
    {
      raw: { 'token-kind': 'bot' },
      contains: ['Input token-kind', 'one of personal, project, group, service-account', '"bot"'],
    },
    {
      raw: { ...create, 'token-kind': 'project' },
      contains: ['token-kind project needs project: the project (id or full path)'],
    },
    {
      raw: { operation: 'list', 'token-kind': 'project' },
      contains: ['token-kind project needs project'],
    },
    {
      raw: { operation: 'get', 'token-kind': 'project', 'token-id': '12' },
      contains: ['token-kind project needs project'],
    },
    { raw: { ...create, 'token-kind': 'group' }, contains: ['token-kind group needs group'] },
    {
      raw: { operation: 'list', 'token-kind': 'service-account', group: 'platform' },
      contains: ["token-kind service-account needs user: the service account's username or id"],
    },
    {
      raw: { operation: 'list', 'token-kind': 'service-account', user: 'svc' },
      contains: ['token-kind service-account needs group'],
    },
    {
      raw: { ...create, 'token-kind': 'project', project: 'a/b', user: 'alice' },
      contains: [
        'Input user does not apply to token-kind project',
        "a project access token's user is the bot GitLab makes for it. Remove user.",
      ],
    },
    {
      raw: { ...create, 'token-kind': 'project', project: 'a/b', group: 'a' },
      contains: ['Input group does not apply to token-kind project'],
    },
    {
      raw: { ...create, 'token-kind': 'group', group: 'a', project: 'a/b' },
      contains: ['Input project does not apply to token-kind group'],
    },
    {
      raw: { ...create, 'token-kind': 'group', group: 'a', user: 'alice' },
      contains: ['Input user does not apply to token-kind group'],
    },
    {
      raw: { ...create, 'token-kind': 'service-account', group: 'a', user: 'svc', project: 'a/b' },
      contains: ['Input project does not apply to token-kind service-account', 'give group'],
    },
    {
      raw: { operation: 'list', project: 'a/b' },
      contains: [
        'Input project does not apply to token-kind personal',
        'For a project access token give token-kind project',
        'variable-project',
      ],
    },
    {
      raw: { operation: 'list', group: 'a' },
      contains: ['Input group does not apply to token-kind personal', 'give token-kind group'],
    },
    {
      raw: { ...create, 'access-level': 'developer' },
      contains: [
        'Input access-level applies to project and group access tokens',
        'token-kind is personal',
        'give token-kind project or group',
      ],
    },
    {
      raw: { ...create, 'token-kind': 'service-account', group: 'a', user: 'svc', 'access-level': '30' },
      contains: [
        'Input access-level applies to project and group access tokens',
        'token-kind is service-account',
      ],
    },
    {
      raw: { ...create, 'token-kind': 'project', project: 'a/b', 'access-level': 'admin' },
      contains: [
        'Input access-level',
        'guest (10), planner (15), reporter (20), developer (30), maintainer (40), owner (50)',
        '"admin"',
      ],
    },
    {
      raw: { ...create, 'token-kind': 'project', project: 'a/b', 'access-level': '35' },
      contains: ['Input access-level', '"35"'],
    },
    {
      raw: { 'token-kind': 'project', project: 'a/b', 'access-level': 'developer' },
      contains: ['Input access-level does not apply to operation rotate'],
    },
    {
      raw: { operation: 'list', 'token-kind': 'project', project: 'a b' },
      contains: ['Input project', 'a numeric id or a full path such as my-group/my-project', '"a b"'],
    },
    {
      raw: { operation: 'list', 'token-kind': 'group', group: '/leading' },
      contains: ['Input group', 'a numeric id or a full path'],
    },
    {
      raw: { user: 'alice' },
      contains: ['Input user says whose token', 'would act on gitlab-token itself', 'Give token-name'],
    },
  ])('rejects $raw', ({ raw, contains }) => {
    const message = inputError(raw);
    for (const part of contains) expect(message).toContain(part);
    expect(message).not.toContain(TOKEN);
  });
});

describe('token kinds: addresses and defaults', () => {
  it('a project token rotating itself with its project named is allowed, and its variable lives in that project', () => {
    const { options } = parse({ 'token-kind': 'project', project: 'platform/app', 'variable-key': 'T' });
    expect(options.address).toEqual({
      owner: { kind: 'project', project: 'platform/app' },
      selector: { kind: 'self' },
    });
    expect(options.variable?.owner).toEqual({ kind: 'project', ref: 'platform/app' });
  });

  it("without project, the variable goes to the token's own project, found once the credential is read", () => {
    const { options } = parse({ 'token-kind': 'project', 'variable-key': 'T' });
    expect(options.address.owner).toEqual({ kind: 'project', project: undefined });
    expect(options.variable?.owner).toBe('token-resource');
  });

  it("the token's own project wins over the job's project in GitLab CI", () => {
    const inCi = { ...context, defaultVariableProject: 99 };
    expect(parse({ 'token-kind': 'project', 'variable-key': 'T' }, inCi).options.variable?.owner).toBe(
      'token-resource',
    );
    expect(parse({ 'variable-key': 'T' }, inCi).options.variable?.owner).toEqual({
      kind: 'project',
      ref: 99,
    });
  });

  it("group and service-account tokens default to their group's variables", () => {
    expect(parse({ 'token-kind': 'group', group: '7', 'variable-key': 'T' }).options.variable?.owner).toEqual(
      {
        kind: 'group',
        ref: 7,
      },
    );
    expect(
      parse({
        'token-kind': 'service-account',
        group: 'platform',
        user: 'svc',
        'token-id': '400',
        'variable-key': 'T',
      }).options.variable?.owner,
    ).toEqual({ kind: 'group', ref: 'platform' });
  });

  it('variable-project and variable-group win over every default', () => {
    expect(
      parse({ 'token-kind': 'project', project: 'a/b', 'variable-key': 'T', 'variable-group': 'ops' }).options
        .variable?.owner,
    ).toEqual({ kind: 'group', ref: 'ops' });
  });

  it('a personal token rotating into a variable needs to know where, outside GitLab CI', () => {
    expect(inputError({ 'variable-key': 'T' })).toContain(
      'Input variable-key T needs variable-project or variable-group',
    );
  });

  it.each([
    ['names', 'maintainer', 40],
    ['numbers', '15', 15],
    ['any case', 'Owner', 50],
  ])('reads access levels by %s', (_, given, level) => {
    const { options } = parse({ ...create, 'token-kind': 'group', group: 'g', 'access-level': given });
    expect(options.create?.accessLevel).toBe(level);
  });

  it('reads a service account by username or id, and a project by id or path', () => {
    expect(
      parse({ operation: 'list', 'token-kind': 'service-account', group: '10', user: '4' }).options.address
        .owner,
    ).toEqual({ kind: 'service-account', group: 10, user: 4 });
    expect(
      parse({ operation: 'list', 'token-kind': 'project', project: 'a/b/c' }).options.address.owner,
    ).toEqual({
      kind: 'project',
      project: 'a/b/c',
    });
  });

  it.each([['project'], ['group']])(
    'warns that strategy overlap gives a %s token a new bot user (strategy rotate keeps it)',
    (kind) => {
      const { warnings } = parse({
        'token-kind': kind,
        [kind]: 'a/b',
        'token-name': 'x',
        strategy: 'overlap',
      });
      expect(warnings).toEqual([
        `strategy overlap creates a new ${kind} access token, which comes with a new bot user: protected-branch, approval and other rules that name the old bot user stop applying to the new token. strategy rotate keeps the bot user.`,
      ]);
      expect(parse({ 'token-kind': kind, [kind]: 'a/b', 'token-name': 'x' }).warnings).toEqual([]);
    },
  );
});
