/**
 * What counts as an answer: one read whole within the attempt's time. Answers that never come, stall, break off or
 * are not JSON are lost answers (network-type errors, never refusals, never quoting the body); connections are
 * shared within a run, and idle ones do not keep the process alive.
 */
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeGitlabError } from '../../src/core/gitlab/describe-error.js';
import { createGitlabApi } from '../../src/core/gitlab/gitlab-api.js';
import {
  createHttpTransport,
  type HttpRequest,
  type HttpTransport,
} from '../../src/core/gitlab/http-transport.js';
import { GitlabNetworkError } from '../../src/core/gitlab/request.js';
import { createLogger } from '../../src/core/logger.js';
import { postOutcome } from '../../src/core/gitlab/post-outcome.js';
import { SecretRegistry } from '../../src/core/redact.js';
import { DEFAULT_RETRY_POLICY } from '../../src/core/retry-policy.js';
import { runCli } from '../support/run-dist.js';
import { sendJson, startRecordingServer, type Answer, type LoopbackServer } from './loopback-servers.js';

const NEW_TOKEN = 'glpat-newtoken-0123456789abcdef';
const TOKEN_JSON = {
  id: 7,
  name: 'ci',
  revoked: false,
  active: true,
  scopes: ['read_api'],
  user_id: 3,
  created_at: '2026-11-01T00:00:00Z',
  last_used_at: null,
  expires_at: '2027-01-01',
};

let server: LoopbackServer | undefined;
let transport: HttpTransport;
beforeEach(() => {
  transport = createHttpTransport({ env: {} });
});
afterEach(async () => {
  transport.close();
  await server?.close();
  server = undefined;
});

async function serve(answer: Answer, options?: { keepAliveTimeoutMs?: number }): Promise<LoopbackServer> {
  server = await startRecordingServer(answer, options);
  return server;
}

function request(overrides: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'GET',
    url: new URL(`${server?.url ?? ''}/api/v4/personal_access_tokens/self`),
    headers: {},
    timeoutMs: 5_000,
    ...overrides,
  };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('time', () => {
  it('gives up on an answer that never comes', async () => {
    await serve(() => undefined);
    const started = Date.now();
    const failure = await failureOf(transport.send(request({ timeoutMs: 300 })));
    expect(failure).toMatchObject({ reason: 'timeout', detail: 'no complete answer within 300 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('counts the body too: headers in time and a body that stalls time out', async () => {
    await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"token": "');
    });
    const failure = await failureOf(transport.send(request({ timeoutMs: 300 })));
    expect(failure).toMatchObject({ reason: 'timeout' });
  });

  it('counts the proxy too: a proxy that never opens the tunnel is named, and its connection ended', async () => {
    const open = new Set<Socket>();
    const silent = createTcpServer((socket: Socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const proxied = createHttpTransport({ env: { HTTPS_PROXY: `http://127.0.0.1:${port}` } });
    const failure = await failureOf(
      proxied.send({
        method: 'GET',
        url: new URL('https://gitlab.example.com/api/v4/version'),
        headers: {},
        timeoutMs: 300,
      }),
    );
    expect(failure).toMatchObject({
      reason: 'proxy',
      detail: 'the proxy did not open a connection within 300 ms',
      proxy: `http://127.0.0.1:${port}`,
    });
    // Left open, that connection would keep the process alive for as long as the proxy keeps quiet.
    await expect.poll(() => open.size).toBe(0);
    proxied.close();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});

describe('answers that are not whole', () => {
  it('fails a 2xx whose body breaks off as a lost connection', async () => {
    await serve((_req, res) => {
      const body = JSON.stringify({ ...TOKEN_JSON, token: NEW_TOKEN });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.slice(0, 40));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const failure = await failureOf(transport.send(request()));
    expect(failure).toMatchObject({ reason: 'connection', detail: 'the answer broke off before its end' });
    expect(JSON.stringify(failure)).not.toContain('glpat');
  });

  it('decodes a compressed answer that was not asked for', async () => {
    const body = JSON.stringify(TOKEN_JSON);
    for (const [coding, encode] of [
      ['gzip', gzipSync],
      ['br', brotliCompressSync],
    ] as const) {
      await server?.close();
      await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
        res.end(encode(Buffer.from(body)));
      });
      const response = await transport.send(request());
      expect(JSON.parse(response.body)).toEqual(TOKEN_JSON);
    }
  });
});

describe('through the GitLab client', () => {
  function gitlabClient(instanceUrl: string) {
    return createGitlabApi({
      instanceUrl,
      token: 'glpat-credential-0123456789abcdef',
      environment: {
        policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1, attemptTimeoutMs: 2_000 },
        sleep: () => Promise.resolve(),
        nowMs: () => 0,
        random: () => 0.5,
        log: createLogger(
          { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, mask: () => {} },
          new SecretRegistry(),
        ),
      },
    });
  }

  it.each([
    [
      'an HTML page',
      'text/html',
      `<html>Sign in. ${NEW_TOKEN}</html>`,
      'the answer was not JSON (text/html)',
    ],
    ['broken JSON', 'application/json', `{"token": "${NEW_TOKEN}"`, 'the answer could not be read'],
    ['no content type', '', `token=${NEW_TOKEN}`, 'the answer was not JSON (no content type)'],
  ])(
    'treats a 200 with %s from a rotate as a lost answer, never a refusal',
    async (_, type, body, detail) => {
      const gitlab = await serve((_req, res) => {
        res.writeHead(200, type ? { 'content-type': type } : {});
        res.end(body);
      });
      const failure = await failureOf(
        gitlabClient(gitlab.url).client.post('personal_access_tokens/self/rotate', {
          expires_at: '2027-01-01',
        }),
      );
      expect(failure).toBeInstanceOf(GitlabNetworkError);
      expect(failure).toMatchObject({ reason: 'connection', detail });
      expect(postOutcome(failure)).toBe('unknown');
      expect(
        describeGitlabError(failure, { doing: 'Rotating token self', instanceUrl: gitlab.url }),
      ).toContain(`Rotating token self on ${gitlab.url} got an answer it could not use (${detail})`);
      expect(`${(failure as Error).message} ${JSON.stringify(failure)}`).not.toContain(NEW_TOKEN);
      expect(gitlab.requests).toHaveLength(1);
    },
  );
});

describe('connections', () => {
  it('shares one connection between the requests of a run; a POST gets a connection of its own', async () => {
    const gitlab = await serve((_req, res) => sendJson(res, 200, TOKEN_JSON));
    await transport.send(request());
    await transport.send(request());
    expect(gitlab.connections()).toBe(1);
    await transport.send(request({ method: 'POST', body: '{}' }));
    expect(gitlab.connections()).toBe(2);
    await transport.send(request({ method: 'PUT', body: '{}' }));
    expect(gitlab.connections()).toBe(2);
    expect(gitlab.requests.map((seen) => seen.method)).toEqual(['GET', 'GET', 'POST', 'PUT']);
  });

  it('lets the process exit at once after a run, although GitLab keeps the connection open for a minute', async () => {
    const gitlab = await serve((_req, res) => sendJson(res, 200, TOKEN_JSON), { keepAliveTimeoutMs: 60_000 });
    const started = Date.now();
    const run = await runCli(['get', '--gitlab-url', gitlab.url], {
      GITLAB_TOKEN: 'glpat-credential-0123456789abcdef',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ 'token-id': 7 });
    // A socket that held the event loop would keep the CLI alive until the server's 60 s keep-alive ends.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(gitlab.connections()).toBe(1);
  });

  it('ends every connection on close() and refuses to send afterwards', async () => {
    const gitlab = await serve((_req, res) => sendJson(res, 200, TOKEN_JSON), { keepAliveTimeoutMs: 60_000 });
    await transport.send(request());
    transport.close();
    await expect(transport.send(request())).rejects.toThrow('This HTTP transport was closed');
    // The server sees the idle connection end.
    await expect.poll(() => gitlab.openConnections()).toBe(0);
  });
});
