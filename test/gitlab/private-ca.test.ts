/**
 * A self-managed GitLab with a certificate from a private CA, made here with the openssl command line, served over
 * HTTPS on loopback (a TLS front before the emulator). Node.js reads NODE_EXTRA_CA_CERTS only when it starts, so
 * the built CLI runs as a child process: with the CA it works, directly and through a proxy; without it, the error
 * says to set NODE_EXTRA_CA_CERTS. Certificate problems are never "could not reach GitLab".
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { createHttpTransport } from '../../src/core/gitlab/http-transport.js';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { runCli } from '../support/run-dist.js';
import {
  makeCertificates,
  startForwardProxy,
  startTlsFront,
  type ForwardProxy,
  type TestCertificates,
  type TlsFront,
} from './loopback-servers.js';

let certificates: TestCertificates;
let gitlab: GitlabEmulator;
let front: TlsFront;
let proxy: ForwardProxy | undefined;
let token: string;
let tokenId: number;

beforeAll(() => {
  certificates = makeCertificates();
});
afterAll(() => certificates.remove());
beforeEach(async () => {
  gitlab = await startEmulator();
  gitlab.addUser({ username: 'svc-ci', serviceAccount: true });
  ({ token, id: tokenId } = gitlab.issueToken({ user: 'svc-ci', name: 'ci', scopes: ['read_api'] }));
  front = await startTlsFront(certificates, new URL(gitlab.url).port ? Number(new URL(gitlab.url).port) : 80);
});
afterEach(async () => {
  await Promise.all([front.close(), gitlab.close(), proxy?.close()]);
  proxy = undefined;
});

function getSelf(gitlabUrl: string, env: NodeJS.ProcessEnv = {}) {
  return runCli(['get', '--gitlab-url', gitlabUrl], { GITLAB_TOKEN: token, ...env });
}

describe('a GitLab whose certificate comes from a private CA', () => {
  it('works with NODE_EXTRA_CA_CERTS set to the CA', async () => {
    const run = await getSelf(front.url, { NODE_EXTRA_CA_CERTS: certificates.caFile });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ 'token-id': tokenId });
  });

  it('without it fails saying to set NODE_EXTRA_CA_CERTS, not that GitLab is unreachable', async () => {
    const run = await getSelf(front.url);
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toMatch(
      /GitLab's TLS certificate is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    );
    expect(run.stderr).toContain(
      "Set NODE_EXTRA_CA_CERTS to the PEM file of the CA that signed GitLab's certificate",
    );
    expect(run.stderr).not.toContain('could not reach GitLab');
    expect(gitlab.requests).toEqual([]);
  });

  it('names the host name when the certificate is for another one', async () => {
    const run = await getSelf(front.url.replace('localhost', '127.0.0.1'), {
      NODE_EXTRA_CA_CERTS: certificates.caFile,
    });
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain(
      "GitLab's TLS certificate is not issued for the host name in gitlab-url (ERR_TLS_CERT_ALTNAME_INVALID)",
    );
    expect(gitlab.requests).toEqual([]);
  });

  it('says to use http:// when the server does not speak TLS', async () => {
    const run = await getSelf(gitlab.url.replace('http:', 'https:'));
    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain('The server did not answer with TLS');
    expect(run.stderr).toContain('gitlab-url must start with http://');
  });

  it('works through an HTTPS_PROXY tunnel, with the CA', async () => {
    proxy = await startForwardProxy();
    const run = await getSelf(front.url, {
      NODE_EXTRA_CA_CERTS: certificates.caFile,
      HTTPS_PROXY: proxy.url,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ 'token-id': tokenId });
    expect(proxy.asked).toEqual([`CONNECT localhost:${front.port}`]);
  });

  it('goes around the proxy for a host NO_PROXY names', async () => {
    proxy = await startForwardProxy();
    const run = await getSelf(front.url, {
      NODE_EXTRA_CA_CERTS: certificates.caFile,
      https_proxy: proxy.url,
      no_proxy: 'localhost',
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(proxy.asked).toEqual([]);
  });

  it('sends proxy credentials from the proxy URL, and shows them nowhere when they are refused', async () => {
    proxy = await startForwardProxy({ user: 'build', password: 'pr0xy-pass' });
    const good = await getSelf(front.url, {
      NODE_EXTRA_CA_CERTS: certificates.caFile,
      HTTPS_PROXY: `http://build:pr0xy-pass@127.0.0.1:${proxy.port}`,
    });
    expect(good.exitCode, good.stderr).toBe(0);

    const refused = await getSelf(front.url, {
      NODE_EXTRA_CA_CERTS: certificates.caFile,
      HTTPS_PROXY: `http://build:wr0ng-pass@127.0.0.1:${proxy.port}`,
      DEBUG: '*',
    });
    expect(refused.exitCode).toBe(ExitCode.failedUnchanged);
    expect(refused.stderr).toContain(`the proxy http://127.0.0.1:${proxy.port} answered 407`);
    expect(`${refused.stdout}${refused.stderr}`).not.toMatch(/wr0ng-pass|build:|YnVpbGQ6/);
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(token);
    expect(gitlab.requests).toHaveLength(1);
  });
});

describe('the transport in this process (which has no NODE_EXTRA_CA_CERTS for this CA)', () => {
  it('fails the handshake as an untrusted certificate, before sending anything', async () => {
    const transport = createHttpTransport({ env: {} });
    const failure = await transport
      .send({ method: 'GET', url: new URL(`${front.url}/api/v4/version`), headers: {}, timeoutMs: 5_000 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    transport.close();
    expect(failure).toMatchObject({ reason: 'tls', tlsProblem: 'untrusted' });
    expect(gitlab.requests).toEqual([]);
  });
});
