import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callApi } from './call-api.js';
import { htmlErrorPage, redirectAnswer, startEmulator, type GitlabEmulator } from './index.js';

let emu: GitlabEmulator;
let alice: { id: number; token: string };

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z' });
  emu.addUser({ username: 'alice' });
  alice = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] });
});

afterEach(async () => {
  await emu.close();
});

const ROTATE_BY_ID = '/api/v4/personal_access_tokens/*/rotate';

describe('respond faults', () => {
  it('answers without processing: nothing changes', async () => {
    emu.faults.inject({
      method: 'POST',
      path: '/api/v4/personal_access_tokens/self/rotate',
      respond: { status: 429, headers: { 'retry-after': '7' }, body: { message: '429 Too Many Requests' } },
    });

    const answer = await callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token: alice.token });

    expect(answer).toMatchObject({ status: 429, body: { message: '429 Too Many Requests' } });
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(emu.token(alice.id)?.revoked).toBe(false);
    expect(emu.issuedTokenValues()).toEqual([alice.token]);
    expect(emu.requests.at(-1)).toMatchObject({ status: 429, faulted: true, authTokenId: alice.id });
  });

  it('applies to the next `times` matching requests only, then lets requests through', async () => {
    emu.faults.inject({ path: '/api/v4/user', times: 2, respond: { status: 500 } });
    expect(emu.faults.pending()).toBe(2);

    const statuses = [];
    for (let index = 0; index < 3; index++)
      statuses.push((await callApi(emu, 'GET', '/user', { token: alice.token })).status);

    expect(statuses).toEqual([500, 500, 200]);
    expect(emu.faults.pending()).toBe(0);
  });

  it('matches by method, wildcard segment and RegExp, and can be cleared', async () => {
    emu.faults.inject({ method: 'POST', path: ROTATE_BY_ID, respond: { status: 503 } });
    emu.faults.inject({ path: /\/users$/, respond: { status: 502 } });

    expect(
      (await callApi(emu, 'GET', `/personal_access_tokens/${alice.id}`, { token: alice.token })).status,
    ).toBe(200);
    expect((await callApi(emu, 'GET', '/users')).status).toBe(502);
    expect(
      (await callApi(emu, 'POST', `/personal_access_tokens/${alice.id}/rotate`, { token: alice.token }))
        .status,
    ).toBe(503);

    emu.faults.inject({ path: '/api/v4/user', respond: { status: 500 } });
    emu.faults.clear();
    expect(emu.faults.pending()).toBe(0);
    expect((await callApi(emu, 'GET', '/user', { token: alice.token })).status).toBe(200);
  });
});

describe('afterCommit faults', () => {
  it('rotates for real, then answers 502: the old token is dead and the new value was never seen', async () => {
    emu.faults.inject({
      method: 'POST',
      path: ROTATE_BY_ID,
      afterCommit: { status: 502, body: { message: 'Bad Gateway' } },
    });

    const answer = await callApi(emu, 'POST', `/personal_access_tokens/${alice.id}/rotate`, {
      token: alice.token,
      body: { expires_at: '2026-09-01' },
    });

    expect(answer).toMatchObject({ status: 502, body: { message: 'Bad Gateway' } });
    expect(emu.token(alice.id)?.revoked).toBe(true);
    const [successor] = emu.activeTokens('alice');
    expect(successor).toMatchObject({ previousTokenId: alice.id, expiresAt: '2026-09-01' });
    expect(emu.issuedTokenValues()).toEqual([alice.token, successor?.value]);
    expect(emu.requests.at(-1)).toMatchObject({
      status: 502,
      faulted: true,
      body: { expires_at: '2026-09-01' },
    });
  });

  it('drops the connection after committing', async () => {
    emu.faults.inject({
      method: 'POST',
      path: '/api/v4/personal_access_tokens/self/rotate',
      afterCommit: 'drop',
    });

    await expect(
      callApi(emu, 'POST', '/personal_access_tokens/self/rotate', { token: alice.token }),
    ).rejects.toThrow();

    expect(emu.token(alice.id)?.revoked).toBe(true);
    expect(emu.activeTokens('alice')).toHaveLength(1);
    expect(emu.requests.at(-1)).toMatchObject({ status: 0, faulted: true });
  });

  it('never answers a hung request; the client times out while the rotation stands', async () => {
    emu.faults.inject({
      method: 'POST',
      path: '/api/v4/personal_access_tokens/self/rotate',
      afterCommit: 'hang',
    });

    const call = callApi(emu, 'POST', '/personal_access_tokens/self/rotate', {
      token: alice.token,
      signal: AbortSignal.timeout(200),
    });

    await expect(call).rejects.toThrow(/abort|timeout/i);
    expect(emu.token(alice.id)?.revoked).toBe(true);
    expect(emu.requests.at(-1)).toMatchObject({ status: 0, faulted: true });
  });
});

describe('answers a proxy or a moved instance gives', () => {
  it('redirects without processing; fetch follows a 308 and re-sends the POST to the new place', async () => {
    const target = `${emu.url}/api/v4/personal_access_tokens/self/rotate`;
    emu.faults.inject({
      path: '/api/v4/old/personal_access_tokens/self/rotate',
      respond: redirectAnswer(308, target),
    });

    const raw = await fetch(`${emu.url}/api/v4/old/personal_access_tokens/self/rotate`, {
      method: 'POST',
      headers: { 'private-token': alice.token },
      redirect: 'manual',
    });
    expect(raw.status).toBe(308);
    expect(raw.headers.get('location')).toBe(target);
    expect(emu.token(alice.id)?.revoked).toBe(false);

    emu.faults.inject({
      path: '/api/v4/old/personal_access_tokens/self/rotate',
      respond: { status: 308, headers: { location: target } },
    });
    const followed = await fetch(`${emu.url}/api/v4/old/personal_access_tokens/self/rotate`, {
      method: 'POST',
      headers: { 'private-token': alice.token, 'content-type': 'application/json' },
      body: JSON.stringify({ expires_at: '2026-09-01' }),
    });

    expect(followed.status).toBe(200);
    expect(emu.requests.slice(-2).map((request) => [request.path, request.status, request.body])).toEqual([
      ['/api/v4/old/personal_access_tokens/self/rotate', 308, { expires_at: '2026-09-01' }],
      ['/api/v4/personal_access_tokens/self/rotate', 200, { expires_at: '2026-09-01' }],
    ]);
  });

  it('replaces the answer with a proxy’s HTML page after the rotation happened', async () => {
    emu.faults.inject({
      method: 'POST',
      path: '/api/v4/personal_access_tokens/self/rotate',
      afterCommit: htmlErrorPage(502),
    });

    const response = await fetch(`${emu.url}/api/v4/personal_access_tokens/self/rotate`, {
      method: 'POST',
      headers: { 'private-token': alice.token },
    });
    const text = await response.text();

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(text).toContain('<title>502 Bad Gateway</title>');
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(emu.token(alice.id)?.revoked).toBe(true);
    expect(emu.activeTokens('alice')).toHaveLength(1);
  });

  it('answers a WAF’s 403 block page without processing', async () => {
    emu.faults.inject({ path: '/api/v4/user', respond: htmlErrorPage(403, { server: 'cloudflare' }) });

    const response = await fetch(`${emu.url}/api/v4/user`, { headers: { 'private-token': alice.token } });

    expect(response.status).toBe(403);
    expect(response.headers.get('server')).toBe('cloudflare');
    expect(await response.text()).toContain('Sorry, you have been blocked');
  });
});

describe('the Date header', () => {
  it('follows the emulated clock, or a bogus server date while expiry still follows the clock', async () => {
    const before = await callApi(emu, 'GET', '/user', { token: alice.token });
    emu.setServerDate('1999-12-31T23:59:59Z');
    const bogus = await callApi(emu, 'GET', '/personal_access_tokens/self', { token: alice.token });
    emu.setServerDate(null);
    const after = await callApi(emu, 'GET', '/user', { token: alice.token });

    expect(before.headers.get('date')).toBe('Wed, 17 Jun 2026 09:00:00 GMT');
    expect(bogus.headers.get('date')).toBe('Fri, 31 Dec 1999 23:59:59 GMT');
    expect(bogus.body).toMatchObject({ active: true });
    expect(after.headers.get('date')).toBe('Wed, 17 Jun 2026 09:00:00 GMT');
    expect(() => emu.setServerDate('yesterday')).toThrow(/not a date/);
  });

  it('can be overridden on single answers by a headers-only fault', async () => {
    emu.faults.inject({ path: '/api/v4/user', headers: { date: 'Sat, 01 Jan 2000 00:00:00 GMT' } });

    const faulted = await callApi(emu, 'GET', '/user', { token: alice.token });
    const next = await callApi(emu, 'GET', '/user', { token: alice.token });

    expect(faulted).toMatchObject({ status: 200, body: { username: 'alice' } });
    expect(faulted.headers.get('date')).toBe('Sat, 01 Jan 2000 00:00:00 GMT');
    expect(next.headers.get('date')).toBe('Wed, 17 Jun 2026 09:00:00 GMT');
  });
});

describe('latency', () => {
  it('delays every answer, concurrently rather than one after another', async () => {
    emu.setLatency(300);
    const started = Date.now();

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => callApi(emu, 'GET', '/user', { token: alice.token })),
    );
    const elapsed = Date.now() - started;
    emu.setLatency(0);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // Five answers one after another would take 1.5 s; concurrent ones take one latency (generous for busy CI).
    expect(elapsed).toBeLessThan(1_200);
    expect(() => emu.setLatency(-1)).toThrow(/milliseconds/);
  });

  it('can be set when starting', async () => {
    await using slow = await startEmulator({ latencyMs: 120 });
    const started = Date.now();

    expect((await fetch(`${slow.url}/api/v4/users`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('delays and the request log', () => {
  it('delays a request by real time and still processes it', async () => {
    emu.faults.inject({ path: '/api/v4/user', delayMs: 150 });
    const started = Date.now();

    const answer = await callApi(emu, 'GET', '/user', { token: alice.token });

    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(emu.requests.at(-1)).toMatchObject({ faulted: true, status: 200 });
  });

  it('logs every request with method, path, query, status, token id and emulated time', async () => {
    emu.clock.set('2026-06-18T10:00:00Z');
    await callApi(emu, 'GET', '/users?username=alice&per_page=5');
    await callApi(emu, 'GET', '/personal_access_tokens/self', { token: 'glpat-unknown' });
    await callApi(emu, 'GET', '/personal_access_tokens/self', { token: alice.token, via: 'bearer' });

    expect(emu.requests).toEqual([
      {
        method: 'GET',
        path: '/api/v4/users',
        query: { username: 'alice', per_page: '5' },
        status: 200,
        at: '2026-06-18T10:00:00.000Z',
      },
      {
        method: 'GET',
        path: '/api/v4/personal_access_tokens/self',
        query: {},
        status: 401,
        at: '2026-06-18T10:00:00.000Z',
      },
      {
        method: 'GET',
        path: '/api/v4/personal_access_tokens/self',
        query: {},
        status: 200,
        authTokenId: alice.id,
        at: '2026-06-18T10:00:00.000Z',
      },
    ]);

    emu.clearRequests();
    expect(emu.requests).toEqual([]);
  });
});
