import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { RawOptions } from '../../src/core/options/option-kit.js';
import { parseOptions } from '../../src/core/options/parse-options.js';

const TOKEN = 'glpat-0123456789abcdefghij';
const context = { today: '2026-11-27' };
const parse = (raw: RawOptions) => parseOptions({ 'gitlab-token': TOKEN, ...raw }, context);

function inputError(raw: RawOptions): string {
  try {
    parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  return expect.fail('expected an InputError');
}

describe('options: every error a user can cause names the input, the expectation and what was given', () => {
  it.each<{ raw: RawOptions; contains: string[] }>([
    {
      raw: { operation: 'rotat' },
      contains: ['Input operation', 'one of create, list, get, revoke, rotate', '"rotat"'],
    },
    {
      raw: { operation: 'create', name: 'ci', scopes: 'api,Read-API' },
      contains: ['Input scopes', 'malformed: Read-API'],
    },
    {
      raw: { operation: 'create', name: 'ci', scopes: ' , ' },
      contains: ['Input scopes', 'at least one scope'],
    },
    { raw: { 'expires-at': '2026-11-27' }, contains: ['Input expires-at', 'not in the future'] },
    { raw: { 'expires-at': '2025-01-01' }, contains: ['Input expires-at', 'not in the future'] },
    {
      raw: { 'expires-at': '2027-11-28' },
      contains: ['Input expires-at', 'beyond the maximum lifetime of 365 days', '2027-11-27'],
    },
    { raw: { 'expires-at': '2027-02-29' }, contains: ['Input expires-at', 'YYYY-MM-DD', '"2027-02-29"'] },
    {
      raw: { 'expires-in': '5x' },
      contains: ['Input expires-in', 'duration such as 30d', 'unknown unit "x"'],
    },
    { raw: { 'rotate-before': 'soon' }, contains: ['Input rotate-before', 'duration', '"soon"'] },
    { raw: { 'token-id': 'abc' }, contains: ['Input token-id', '"self" or a numeric token id', '"abc"'] },
    { raw: { 'token-id': '0' }, contains: ['Input token-id'] },
    { raw: { 'token-id': '1', 'token-name': 'x' }, contains: ['token-id and token-name', 'only one'] },
    { raw: { 'expires-at': '2027-01-01', 'expires-in': '30d' }, contains: ['expires-at and expires-in'] },
    {
      raw: { 'gitlab-url': 'http://gitlab.example.com' },
      contains: ['Input gitlab-url', 'plain http', 'allow-insecure-http'],
    },
    { raw: { 'gitlab-url': 'ftp://gitlab.example.com' }, contains: ['Input gitlab-url', 'https://'] },
    { raw: { 'gitlab-url': 'not a url' }, contains: ['Input gitlab-url', '"not a url"'] },
    { raw: { 'max-lifetime-days': '401' }, contains: ['Input max-lifetime-days', '1 to 400'] },
    { raw: { operation: 'revoke' }, contains: ['Operation revoke needs token-id'] },
    { raw: { operation: 'create', scopes: 'api' }, contains: ['Operation create needs name'] },
    { raw: { operation: 'create', name: 'x' }, contains: ['Operation create needs scopes'] },
    {
      raw: { operation: 'rotate', scopes: 'api' },
      contains: ['Input scopes does not apply to operation rotate', 'for create'],
    },
    {
      raw: { operation: 'list', 'rotate-before': '30d' },
      contains: ['Input rotate-before does not apply to operation list'],
    },
    { raw: { 'dry-run': 'maybe' }, contains: ['Input dry-run', 'true or false', '"maybe"'] },
    { raw: { user: 'a b' }, contains: ['Input user', 'username'] },
    {
      raw: { user: 'svc-deploy' },
      contains: ['Input user says whose token', 'would act on gitlab-token itself', 'Give token-name'],
    },
    {
      raw: { 'variable-key': 'T', 'variable-project': 'a/b', 'variable-environment-scope': 'prod $(x)' },
      contains: ['Input variable-environment-scope', 'an environment scope of letters', '"prod $(x)"'],
    },
  ])('rejects $raw', ({ raw, contains }) => {
    const message = inputError(raw);
    for (const part of contains) expect(message).toContain(part);
  });

  it('lists every problem at once', () => {
    const message = inputError({ operation: 'create', 'expires-in': '5x', 'token-id': 'x' });
    expect(message).toContain('Input expires-in');
    expect(message).toContain('Input token-id');
  });

  it('requires a credential and says where it comes from', () => {
    expect(() => parseOptions({}, context)).toThrow(/gitlab-token is required.*GITLAB_TOKEN/);
  });

  it.each([
    ['with a line break', `${TOKEN}\nextra`, 'line break'],
    ['with a space', `glpat-0123456789 abcdefghij`, 'space'],
    ['too short', 'glpat-short', 'only 11 characters'],
  ])('rejects a credential %s without echoing it', (_, value, problem) => {
    const message = inputError({ 'gitlab-token': value });
    expect(message).toContain('Input gitlab-token');
    expect(message).toContain(problem);
    for (const part of value.split(/\s+/)) expect(message).not.toContain(part);
  });

  it('rejects credentials in the URL without echoing them', () => {
    const message = inputError({
      'gitlab-url': 'https://oauth2:glpat-secretsecretsecret@gitlab.example.com',
    });
    expect(message).toContain('contains credentials');
    expect(message).not.toContain('glpat-secretsecretsecret');
  });
});

describe('options: defaults and normal forms', () => {
  it('defaults to rotating the credential itself on gitlab.com', () => {
    const { options } = parse({});
    expect(options).toMatchObject({
      operation: 'rotate',
      gitlabUrl: 'https://gitlab.com',
      address: { owner: { kind: 'personal', user: undefined }, selector: { kind: 'self' } },
      maxLifetimeDays: 365,
      dryRun: false,
      state: 'active',
    });
  });

  it('treats empty strings as not given, as the Action passes every input', () => {
    const { options } = parse({ operation: '', 'token-id': '', 'expires-in': ' ', 'dry-run': '' });
    expect(options.operation).toBe('rotate');
    expect(options.expiry).toBeUndefined();
  });

  it('normalises the instance URL', () => {
    expect(parse({ 'gitlab-url': 'https://gitlab.example.com/api/v4/' }).options.gitlabUrl).toBe(
      'https://gitlab.example.com',
    );
    expect(parse({ 'gitlab-url': 'https://example.com/gitlab/' }).options.gitlabUrl).toBe(
      'https://example.com/gitlab',
    );
    expect(parse({ 'gitlab-url': 'http://127.0.0.1:8080' }).options.gitlabUrl).toBe('http://127.0.0.1:8080');
    expect(
      parse({ 'gitlab-url': 'http://gitlab.internal', 'allow-insecure-http': 'true' }).options.gitlabUrl,
    ).toBe('http://gitlab.internal');
  });

  it('splits scopes on commas, spaces and newlines and warns about unknown well-formed ones', () => {
    const { options, warnings } = parse({
      operation: 'create',
      name: 'ci',
      scopes: 'api,\nread_repository  future_scope',
    });
    expect(options.create?.scopes).toEqual(['api', 'read_repository', 'future_scope']);
    expect(warnings.join()).toContain('future_scope');
  });

  it('selects a token by id, name or self', () => {
    expect(parse({ 'token-id': '42' }).options.address.selector).toEqual({ kind: 'id', id: 42 });
    expect(parse({ 'token-id': 'SELF' }).options.address.selector).toEqual({ kind: 'self' });
    expect(parse({ 'token-name': 'deploy' }).options.address.selector).toEqual({
      kind: 'name',
      name: 'deploy',
    });
    expect(parse({ operation: 'list' }).options.address.selector).toEqual({ kind: 'self' });
  });

  it('accepts the maximum date exactly and raises it with max-lifetime-days', () => {
    expect(parse({ 'expires-at': '2027-11-27' }).options.expiry).toEqual({ kind: 'at', date: '2027-11-27' });
    expect(parse({ 'expires-at': '2027-12-31', 'max-lifetime-days': '400' }).options.maxLifetimeDays).toBe(
      400,
    );
  });

  it('reads user ids as numbers and usernames as text', () => {
    expect(parse({ operation: 'list', user: '17' }).options.address.owner).toEqual({
      kind: 'personal',
      user: 17,
    });
    expect(parse({ operation: 'list', user: 'svc-deploy' }).options.address.owner).toEqual({
      kind: 'personal',
      user: 'svc-deploy',
    });
  });
});

describe('one wrong value is one problem: the options around it are judged by the operation given', () => {
  it.each<{ raw: RawOptions; problem: string }>([
    {
      raw: { operation: 'list', 'expires-within': '30x' },
      problem: 'Input expires-within: expected a duration',
    },
    {
      raw: { operation: 'create', name: 'ci', scopes: 'api', 'expires-at': '2026-13-45' },
      problem: 'Input expires-at: expected',
    },
  ])('$raw', ({ raw, problem }) => {
    const message = inputError(raw);
    expect(message).toContain(problem);
    expect(message).not.toContain('does not apply');
  });

  it('an operation that is not one says so, and nothing about which options it would take', () => {
    const message = inputError({ operation: 'lsit', 'expires-within': '30d' });
    expect(message).toContain('Input operation');
    expect(message).not.toContain('does not apply');
  });

  it('a valid operation still refuses the options it does not take, beside another problem', () => {
    const message = inputError({ operation: 'list', 'expires-within': '30x', 'rotate-before': '30d' });
    expect(message).toContain('Input expires-within: expected a duration');
    expect(message).toContain('Input rotate-before does not apply to operation list');
  });
});

describe('ids and paths that a URL would turn into something else are refused before any request', () => {
  it.each<{ raw: RawOptions; contains: string[] }>([
    {
      raw: { operation: 'get', 'token-id': '9007199254740993' },
      contains: ['Input token-id', 'from 1 to 9007199254740991', '"9007199254740993"'],
    },
    { raw: { operation: 'get', 'token-id': '9'.repeat(400) }, contains: ['Input token-id', 'from 1 to'] },
    { raw: { operation: 'list', user: '9007199254740993' }, contains: ['Input user', 'a user id from 1'] },
    {
      raw: { 'variable-key': 'K', 'variable-project': '..' },
      contains: ['Input variable-project', 'full path'],
    },
    {
      raw: { 'variable-key': 'K', 'variable-project': '.' },
      contains: ['Input variable-project', 'full path'],
    },
    { raw: { 'variable-key': 'K', 'variable-group': 'acme/../other' }, contains: ['Input variable-group'] },
    {
      raw: { operation: 'list', 'token-kind': 'project', project: '90071992547409930' },
      contains: ['Input project', 'numeric id'],
    },
  ])('$raw', ({ raw, contains }) => {
    const message = inputError(raw);
    for (const part of contains) expect(message).toContain(part);
  });

  it('a path with dots inside a segment is still a path', () => {
    expect(() => parse({ 'variable-key': 'K', 'variable-project': 'acme/app.v2' })).not.toThrow();
  });
});

describe('a duration without its unit', () => {
  it('suggests days, the unit people mean', () => {
    expect(inputError({ operation: 'create', name: 'ci', scopes: 'api', 'expires-in': '90' })).toContain(
      'got "90" (no unit: did you mean 90d?)',
    );
  });
});
