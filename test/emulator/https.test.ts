import { execFile } from 'node:child_process';
import { get } from 'node:https';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTestCertificates, startEmulator, type GitlabEmulator } from './index.js';

const certificates = loadTestCertificates();
let emu: GitlabEmulator;
let token: string;

beforeEach(async () => {
  emu = await startEmulator({ now: '2026-06-17T09:00:00Z', tls: certificates });
  emu.addUser({ username: 'alice' });
  token = emu.issueToken({ user: 'alice', name: 'ci', scopes: ['api'] }).token;
});

afterEach(async () => {
  await emu.close();
});

/** GET over HTTPS with node:https; `ca` undefined means the default trust store. */
function httpsGet(url: string, ca: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { 'private-token': token }, ...(ca ? { ca } : {}) }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

describe('the emulator over HTTPS', () => {
  it('serves the API at an https:// URL to a client that trusts the private CA', async () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const answer = await httpsGet(`${emu.url}/api/v4/personal_access_tokens/self`, certificates.ca);

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ name: 'ci', active: true });
  });

  it('fails the handshake for a client that does not trust the CA, before any request is logged', async () => {
    await expect(httpsGet(`${emu.url}/api/v4/user`, undefined)).rejects.toThrow(/certificate/i);
    expect(emu.requests).toEqual([]);
  });

  it('works for a child process given the CA through NODE_EXTRA_CA_CERTS', async () => {
    const script =
      'const r = await fetch(process.argv[1], { headers: { "private-token": process.env.GITLAB_TOKEN } });' +
      'console.log(r.status, (await r.json()).username);';

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, `${emu.url}/api/v4/user`],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          NODE_EXTRA_CA_CERTS: certificates.caPath,
          GITLAB_TOKEN: token,
        },
      },
    );

    expect(stdout.trim()).toBe('200 alice');
  });
});
