/**
 * Proxies from the environment, through a real forward proxy on loopback (the `proxy` package): which variable is
 * used for which URL, NO_PROXY, proxy credentials, and failures that are the proxy's. HTTPS through a proxy to a
 * private-CA server, end to end, is in private-ca.test.ts (it needs NODE_EXTRA_CA_CERTS at process start).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeGitlabError } from '../../src/core/gitlab/describe-error.js';
import { createHttpTransport, type HttpResponse } from '../../src/core/gitlab/http-transport.js';
import { HttpTransportError } from '../../src/core/gitlab/http-transport-error.js';
import { curlNoProxy, proxyFor } from '../../src/core/gitlab/proxy.js';
import { GitlabNetworkError } from '../../src/core/gitlab/request.js';
import { startEmulator } from '../emulator/index.js';
import { runCli } from '../support/run-dist.js';
import {
  startForwardProxy,
  startRecordingServer,
  type ForwardProxy,
  type LoopbackServer,
} from './loopback-servers.js';

const CREDENTIAL = 'glpat-credential-0123456789abcdef';

let server: LoopbackServer;
let proxy: ForwardProxy;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await Promise.all([server.close(), proxy?.close()]);
});

async function get(env: NodeJS.ProcessEnv, url = `${server.url}/api/v4/user`): Promise<HttpResponse> {
  const transport = createHttpTransport({ env });
  try {
    return await transport.send({
      method: 'GET',
      url: new URL(url),
      headers: { 'private-token': CREDENTIAL },
      timeoutMs: 5_000,
    });
  } finally {
    transport.close();
  }
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('which proxy a request takes', () => {
  beforeEach(async () => {
    proxy = await startForwardProxy();
  });

  it.each(['HTTP_PROXY', 'http_proxy'])('sends http:// requests through %s', async (variable) => {
    const response = await get({ [variable]: proxy.url });
    expect(response.status).toBe(200);
    expect(proxy.asked).toEqual([`GET ${server.url}/api/v4/user`]);
    expect(server.requests[0]?.headers['private-token']).toBe(CREDENTIAL);
  });

  it('takes http_proxy over HTTP_PROXY, as curl does', async () => {
    const response = await get({ http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' });
    expect(response.status).toBe(200);
    expect(proxy.asked).toHaveLength(1);
  });

  it('takes a proxy without a scheme as http://', async () => {
    const response = await get({ HTTP_PROXY: `127.0.0.1:${proxy.port}` });
    expect(response.status).toBe(200);
    expect(proxy.asked).toHaveLength(1);
  });

  it('does not use HTTPS_PROXY for http:// URLs', async () => {
    await get({ HTTPS_PROXY: proxy.url, https_proxy: proxy.url });
    expect(proxy.asked).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it.each(['HTTPS_PROXY', 'https_proxy'])(
    'opens a CONNECT tunnel through %s for https:// URLs',
    async (variable) => {
      // Nothing listens there for TLS: what matters is what the proxy was asked, and that the failure is not the proxy's.
      const failure = await failureOf(
        get({ [variable]: proxy.url }, `https://localhost:${server.port}/api/v4/user`),
      );
      expect(proxy.asked).toEqual([`CONNECT localhost:${server.port}`]);
      expect(failure).toMatchObject({ reason: 'tls', tlsProblem: 'not-tls', proxy: proxy.url });
    },
  );

  it('falls back to ALL_PROXY', async () => {
    await get({ ALL_PROXY: proxy.url });
    expect(proxy.asked).toHaveLength(1);
  });

  it.each([
    ['the host', () => '127.0.0.1'],
    ['the host and its port', () => `127.0.0.1:${server.port}`],
    ['a wildcard', () => '*'],
    ['a list with the host', () => 'gitlab.example.com, localhost,127.0.0.1 ::1'],
  ])('goes direct when NO_PROXY names %s', async (_, noProxy) => {
    const response = await get({ HTTP_PROXY: proxy.url, NO_PROXY: noProxy() });
    expect(response.status).toBe(200);
    expect(proxy.asked).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('goes direct when no_proxy, in lower case, names localhost', async () => {
    await get(
      { http_proxy: proxy.url, no_proxy: 'localhost' },
      `http://localhost:${server.port}/api/v4/user`,
    );
    expect(proxy.asked).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('uses the proxy when NO_PROXY names the host with another port', async () => {
    await get({ HTTP_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${server.port + 1}` });
    expect(proxy.asked).toHaveLength(1);
  });

  it('uses the proxy for a loopback host that NO_PROXY does not name, as curl does', async () => {
    await get({ HTTP_PROXY: proxy.url, NO_PROXY: 'gitlab.example.com' });
    expect(proxy.asked).toHaveLength(1);
  });
});

describe('the NO_PROXY decision (no sockets)', () => {
  const HTTPS_PROXY = 'http://proxy.corp.example:3128';
  const route = (url: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(url), { HTTPS_PROXY, ...env });

  it.each([
    ['a domain covers its subdomains', 'corp.example', 'https://gitlab.corp.example', undefined],
    ['a domain covers itself', 'corp.example', 'https://corp.example', undefined],
    ['a domain does not cover a longer name', 'corp.example', 'https://notcorp.example', HTTPS_PROXY],
    ['a leading dot is a suffix', '.corp.example', 'https://gitlab.corp.example', undefined],
    ['a leading *. is a suffix', '*.corp.example', 'https://gitlab.corp.example', undefined],
    [
      'host:port matches that port',
      'gitlab.corp.example:8443',
      'https://gitlab.corp.example:8443',
      undefined,
    ],
    ['host:port not another one', 'gitlab.corp.example:8443', 'https://gitlab.corp.example', HTTPS_PROXY],
    ['an IPv6 address without brackets', '::1', 'https://[::1]:8443', undefined],
    ['an IP address only itself', '10.1.2.3', 'https://10.1.2.30', HTTPS_PROXY],
    ['upper case names', 'GITLAB.CORP.EXAMPLE', 'https://gitlab.corp.example', undefined],
  ])('%s', async (_, noProxy, url, expected) => {
    const chosen = await route(url, { NO_PROXY: noProxy });
    expect(chosen === undefined ? undefined : chosen.shown).toBe(expected);
  });

  it('goes direct when no proxy variable is set, whatever NO_PROXY says', async () => {
    expect(await proxyFor(new URL('https://gitlab.example.com'), { NO_PROXY: '*' })).toBeUndefined();
  });

  it('rewrites NO_PROXY into the library syntax', () => {
    expect(curlNoProxy(' corp.example,.other.example *.third.example 10.0.0.1 ::1 host:8443 *')).toBe(
      'corp.example,.corp.example,.other.example,*.third.example,10.0.0.1,[::1],host:8443,.host:8443,*',
    );
  });

  it('keeps the proxy credentials out of everything that may be shown', async () => {
    const chosen = await route('https://gitlab.example.com', {
      HTTPS_PROXY: 'http://build%40corp:s3cr%3At@proxy.corp.example:3128',
    });
    expect(chosen?.shown).toBe('http://proxy.corp.example:3128');
    expect(chosen?.url.href).toBe('http://proxy.corp.example:3128/');
    expect(chosen?.authorization).toBe(`Basic ${Buffer.from('build@corp:s3cr:t').toString('base64')}`);
  });

  it('refuses a SOCKS proxy with a message that says so', async () => {
    const failure = await failureOf(
      route('https://gitlab.example.com', { HTTPS_PROXY: 'socks5://user:pw@proxy:1080' }),
    );
    expect(failure).toBeInstanceOf(HttpTransportError);
    expect(failure).toMatchObject({
      reason: 'proxy',
      detail: 'socks5 proxies are not supported, only http:// and https:// ones',
      proxy: 'socks5://proxy:1080',
    });
    expect(JSON.stringify(failure)).not.toContain('pw');
  });

  it('refuses a proxy setting that is not a URL without repeating it', async () => {
    const failure = await failureOf(
      route('https://gitlab.example.com', { HTTPS_PROXY: 'http://us er:pa ss@[bad' }),
    );
    expect(failure).toMatchObject({ reason: 'proxy' });
    expect(`${(failure as Error).message} ${JSON.stringify(failure)}`).not.toContain('pa ss');
  });
});

describe('failures that are the proxy', () => {
  beforeEach(async () => {
    proxy = await startForwardProxy({ user: 'build', password: 'pr0xy-pass' });
  });

  it('sends the credentials of the proxy URL to the proxy', async () => {
    const response = await get({ HTTP_PROXY: `http://build:pr0xy-pass@127.0.0.1:${proxy.port}` });
    expect(response.status).toBe(200);
    expect(server.requests[0]?.headers['proxy-authorization']).toBeUndefined();
  });

  it.each([
    ['without credentials', (port: number) => `http://127.0.0.1:${port}`],
    ['with wrong credentials', (port: number) => `http://build:wrong-pass@127.0.0.1:${port}`],
  ])('reports 407 %s as the proxy, for http:// and for a CONNECT tunnel', async (_, proxyUrl) => {
    const plain = await failureOf(get({ HTTP_PROXY: proxyUrl(proxy.port) }));
    const tunnel = await failureOf(
      get({ HTTPS_PROXY: proxyUrl(proxy.port) }, `https://localhost:${server.port}/api/v4/user`),
    );
    for (const failure of [plain, tunnel]) {
      expect(failure).toMatchObject({ reason: 'proxy', proxyStatus: 407, proxy: proxy.url });
      expect(`${(failure as Error).message} ${JSON.stringify(failure)}`).not.toMatch(/wrong-pass|build/);
    }
    expect(server.requests).toEqual([]);
    expect(server.connections()).toBe(0);

    const error = new GitlabNetworkError('GET', '/user', 'proxy', (plain as HttpTransportError).detail, {
      proxy: proxy.url,
      proxyStatus: 407,
    });
    const message = describeGitlabError(error, { doing: 'Reading the credential', instanceUrl: server.url });
    expect(message).toContain(`the proxy ${proxy.url} answered 407: it requires authentication`);
    expect(message).toContain('HTTPS_PROXY=http://user:password@host:port');
  });

  it('names a proxy that cannot be reached, not GitLab', async () => {
    const closed = await startRecordingServer();
    await closed.close();
    const failure = await failureOf(get({ HTTP_PROXY: `http://build:pr0xy-pass@127.0.0.1:${closed.port}` }));
    expect(failure).toMatchObject({
      reason: 'proxy',
      detail: 'ECONNREFUSED',
      proxy: `http://127.0.0.1:${closed.port}`,
    });
    expect(JSON.stringify(failure)).not.toContain('pr0xy-pass');
    expect(server.requests).toEqual([]);
  });
});

describe('the built CLI through a forward proxy', () => {
  it('reaches GitLab through HTTP_PROXY and, with DEBUG=*, logs neither the credential nor the proxy password', async () => {
    proxy = await startForwardProxy({ user: 'build', password: 'pr0xy-pass' });
    const gitlab = await startEmulator();
    try {
      gitlab.addUser({ username: 'svc-ci', serviceAccount: true });
      const { token, id } = gitlab.issueToken({ user: 'svc-ci', name: 'ci', scopes: ['read_api'] });
      const run = await runCli(['get', '--gitlab-url', gitlab.url], {
        GITLAB_TOKEN: token,
        HTTP_PROXY: `http://build:pr0xy-pass@127.0.0.1:${proxy.port}`,
        // http-proxy-agent would log the whole request, PRIVATE-TOKEN header included.
        DEBUG: '*',
      });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.json).toMatchObject({ 'token-id': id });
      expect(proxy.asked).toEqual([`GET ${gitlab.url}/api/v4/personal_access_tokens/self`]);
      const written = `${run.stdout}${run.stderr}`;
      for (const secret of [token, 'pr0xy-pass', Buffer.from('build:pr0xy-pass').toString('base64')]) {
        expect(written).not.toContain(secret);
      }
    } finally {
      await gitlab.close();
    }
  });
});
