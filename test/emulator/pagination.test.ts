import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let admin: string;

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'root', admin: true });
  admin = emu.issueToken({ user: 'root', name: 'admin', scopes: ['api'] }).token;
});

afterEach(async () => {
  await emu.close();
});

function issue(count: number): void {
  for (let index = 0; index < count; index++)
    emu.issueToken({ user: 'root', name: `t${index}`, scopes: ['read_api'] });
}

describe('pagination headers', () => {
  it('pages 20 by default and links first and last, keeping the query sorted', async () => {
    issue(44);

    const answer = await callApi(emu, 'GET', '/personal_access_tokens?state=active', { token: admin });

    expect((answer.body as unknown[]).length).toBe(20);
    expect(Object.fromEntries([...answer.headers].filter(([name]) => name.startsWith('x-')))).toEqual({
      'x-page': '1',
      'x-per-page': '20',
      'x-next-page': '2',
      'x-prev-page': '',
      'x-total': '45',
      'x-total-pages': '3',
    });
    const url = `${emu.url}/api/v4/personal_access_tokens`;
    expect(answer.headers.get('link')).toBe(
      `<${url}?page=2&per_page=20&state=active>; rel="next", ` +
        `<${url}?page=1&per_page=20&state=active>; rel="first", ` +
        `<${url}?page=3&per_page=20&state=active>; rel="last"`,
    );
  });

  it('links prev and next from a middle page', async () => {
    issue(44);

    const answer = await callApi(emu, 'GET', '/personal_access_tokens?per_page=10&page=3', { token: admin });

    expect((answer.body as { id: number }[]).map((token) => token.id)).toEqual([
      21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
    ]);
    expect(answer.headers.get('x-prev-page')).toBe('2');
    expect(answer.headers.get('x-next-page')).toBe('4');
    expect(answer.headers.get('link')).toContain('page=2&per_page=10>; rel="prev"');
    expect(answer.headers.get('link')).toContain('page=5&per_page=10>; rel="last"');
  });

  it('caps per_page at 100 and answers an empty page beyond the last', async () => {
    issue(120);

    const capped = await callApi(emu, 'GET', '/personal_access_tokens?per_page=500', { token: admin });
    const beyond = await callApi(emu, 'GET', '/personal_access_tokens?page=9', { token: admin });

    expect((capped.body as unknown[]).length).toBe(100);
    expect(capped.headers.get('x-per-page')).toBe('100');
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('x-next-page')).toBe('');
  });

  it('rejects per_page=0 and a non-numeric page', async () => {
    const zero = await callApi(emu, 'GET', '/personal_access_tokens?per_page=0', { token: admin });
    const word = await callApi(emu, 'GET', '/personal_access_tokens?page=two', { token: admin });

    expect(zero).toMatchObject({ status: 400, body: { error: 'per_page has a value not allowed' } });
    expect(word).toMatchObject({ status: 400, body: { error: 'page is invalid' } });
  });

  it('writes a given value instead of the declared default into the links', async () => {
    const answer = await callApi(emu, 'GET', '/users?active=true&sort=asc');

    const link = answer.headers.get('link') ?? '';
    expect(link).toContain('active=true&admins=false');
    expect(link).not.toMatch(/[?&]active=false/);
    expect(link).toContain('skip_ldap=false&sort=asc&with_custom_attributes=false');
  });

  it('reports one page for an empty list', async () => {
    const answer = await callApi(emu, 'GET', '/users?username=nobody');

    expect(answer.body).toEqual([]);
    expect(answer.headers.get('x-total')).toBe('0');
    expect(answer.headers.get('x-total-pages')).toBe('1');
  });

  it('leaves out x-total, x-total-pages and the last link above 10,000 rows, keeping next', async () => {
    emu.issueTokens({ user: 'root', count: 10_000, scopes: ['read_api'] });

    const answer = await callApi(emu, 'GET', '/personal_access_tokens?per_page=100&page=3', { token: admin });

    expect((answer.body as unknown[]).length).toBe(100);
    expect(answer.headers.get('x-total')).toBeNull();
    expect(answer.headers.get('x-total-pages')).toBeNull();
    expect(answer.headers.get('x-next-page')).toBe('4');
    expect(answer.headers.get('x-prev-page')).toBe('2');
    const rels = [...(answer.headers.get('link') ?? '').matchAll(/rel="(\w+)"/g)].map((match) => match[1]);
    expect(rels).toEqual(['prev', 'next', 'first']);
  });

  it('counts exactly 10,000 rows, and ends the uncounted list with an empty next page', async () => {
    emu.issueTokens({ user: 'root', count: 9_999, scopes: ['read_api'] });
    const counted = await callApi(emu, 'GET', '/personal_access_tokens?per_page=100', { token: admin });
    emu.issueToken({ user: 'root', name: 'one more', scopes: ['read_api'] });
    const last = await callApi(emu, 'GET', '/personal_access_tokens?per_page=100&page=101', { token: admin });

    expect(counted.headers.get('x-total')).toBe('10000');
    expect(counted.headers.get('link')).toContain('rel="last"');
    expect((last.body as unknown[]).length).toBe(1);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('x-total')).toBeNull();
  });
});

describe('bulk seeding', () => {
  it('issues 10,051 tokens of one user in well under a second, each with its own value', async () => {
    emu.addUser({ username: 'svc' });
    const started = performance.now();

    const ids = emu.issueTokens({
      user: 'svc',
      count: 10_051,
      name: (index) => `t${index}`,
      scopes: ['api'],
    });
    const elapsed = performance.now() - started;

    expect(ids).toHaveLength(10_051);
    expect(elapsed).toBeLessThan(1_000);
    expect(emu.token(ids[10_050] ?? 0)).toMatchObject({
      name: 't10050',
      scopes: ['api'],
      expiresAt: '2027-06-17',
    });
    expect(new Set(emu.issuedTokenValues()).size).toBe(10_052);
    expect(emu.activeTokens('svc')).toHaveLength(10_051);
  });

  it('names tokens token-1, token-2, ... by default and takes expiry and revocation', () => {
    const ids = emu.issueTokens({
      user: 'root',
      count: 2,
      scopes: ['read_api'],
      expiresAt: null,
      revoked: true,
    });

    expect(ids.map((id) => emu.token(id))).toMatchObject([
      { name: 'token-1', expiresAt: null, revoked: true },
      { name: 'token-2', expiresAt: null, revoked: true },
    ]);
    expect(() => emu.issueTokens({ user: 'nobody', count: 1, scopes: [] })).toThrow(/no user/);
  });
});
