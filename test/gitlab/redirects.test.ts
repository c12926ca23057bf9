/**
 * Redirects are never followed: a 3xx on any method, to the same or to another origin, puts exactly one request on
 * the wire, delivers nothing anywhere else (no credential, no body), and fails with an error that says what to fix
 * without repeating the Location's query string or credentials.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeGitlabError } from '../../src/core/gitlab/describe-error.js';
import { createGitlabApi } from '../../src/core/gitlab/gitlab-api.js';
import { createHttpTransport } from '../../src/core/gitlab/http-transport.js';
import { HttpTransportError } from '../../src/core/gitlab/http-transport-error.js';
import { GitlabRedirectError } from '../../src/core/gitlab/request.js';
import { createLogger } from '../../src/core/logger.js';
import { SecretRegistry } from '../../src/core/redact.js';
import { DEFAULT_RETRY_POLICY } from '../../src/core/retry-policy.js';
import { startRecordingServer, type LoopbackServer } from './loopback-servers.js';

const CREDENTIAL = 'glpat-credential-0123456789abcdef';
const NEW_TOKEN = 'glpat-newtoken-0123456789abcdef';
const STATUSES = [301, 302, 303, 307, 308] as const;
const METHODS = ['GET', 'PUT', 'POST'] as const;

let gitlab: LoopbackServer;
let elsewhere: LoopbackServer;
/** What the GitLab side answers to every request. */
let status: number;
let location: string;

beforeEach(async () => {
  elsewhere = await startRecordingServer();
  gitlab = await startRecordingServer((_req, res) => {
    res.writeHead(status, { ...(location ? { location } : {}), 'content-type': 'text/html' });
    res.end('<html><body>You are being redirected.</body></html>');
  });
});
afterEach(async () => {
  await Promise.all([gitlab.close(), elsewhere.close()]);
});

describe('the transport', () => {
  const cases = STATUSES.flatMap((answer) =>
    METHODS.flatMap((method) => [
      { answer, method, to: 'another origin' as const },
      { answer, method, to: 'the same origin' as const },
    ]),
  );

  it.each(cases)('does not follow $answer on $method to $to', async ({ answer, method, to }) => {
    const origin = to === 'another origin' ? elsewhere.url : gitlab.url;
    status = answer;
    // Credentials and a query in the Location must never be repeated.
    location = `${origin.replace('://', '://user:hunter2@')}/gitlab/api/v4/user?private_token=${CREDENTIAL}`;
    const transport = createHttpTransport({ env: {} });
    const body = method === 'GET' ? undefined : JSON.stringify({ value: NEW_TOKEN });

    const failure = await transport
      .send({
        method,
        url: new URL(`${gitlab.url}/api/v4/user`),
        headers: { 'private-token': CREDENTIAL },
        ...(body === undefined ? {} : { body }),
        timeoutMs: 5_000,
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    transport.close();

    expect(failure).toBeInstanceOf(HttpTransportError);
    expect(failure).toMatchObject({
      reason: 'redirect',
      status: answer,
      location: `${origin}/gitlab/api/v4/user`,
    });
    expect(gitlab.requests).toHaveLength(1);
    expect(gitlab.requests[0]?.method).toBe(method);
    expect(elsewhere.requests).toHaveLength(0);
    expect(elsewhere.connections()).toBe(0);
    const shown = `${(failure as Error).message} ${JSON.stringify(failure)}`;
    for (const secret of [CREDENTIAL, NEW_TOKEN, 'hunter2', 'private_token'])
      expect(shown).not.toContain(secret);
  });

  it('reports a redirect without a Location as such', async () => {
    status = 302;
    location = '';
    const transport = createHttpTransport({ env: {} });
    await expect(
      transport.send({
        method: 'GET',
        url: new URL(`${gitlab.url}/api/v4/user`),
        headers: {},
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({ reason: 'redirect', status: 302, location: undefined });
    transport.close();
  });
});

describe('the GitLab client', () => {
  function readSelf(instanceUrl: string): Promise<unknown> {
    const api = createGitlabApi({
      instanceUrl,
      token: CREDENTIAL,
      environment: {
        policy: DEFAULT_RETRY_POLICY,
        sleep: () => Promise.resolve(),
        nowMs: () => 0,
        random: () => 0.5,
        log: createLogger(
          { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, mask: () => {} },
          new SecretRegistry(),
        ),
      },
    });
    return api.client.get('personal_access_tokens/self').then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  const describeFailure = (error: unknown, instanceUrl = gitlab.url) =>
    describeGitlabError(error, { doing: 'Reading the credential', instanceUrl });

  it.each(STATUSES)('sends a GET answered %i once, and says where it pointed', async (answer) => {
    status = answer;
    location = `${gitlab.url}/gitlab/api/v4/personal_access_tokens/self`;
    const error = await readSelf(gitlab.url);
    expect(error).toBeInstanceOf(GitlabRedirectError);
    expect(gitlab.requests).toHaveLength(1);
    expect(describeFailure(error)).toContain(
      `answered ${answer} with a redirect to ${location}. Redirects are not followed`,
    );
  });

  it('says to use https:// when http:// is redirected to it', async () => {
    status = 301;
    const https = gitlab.url.replace('http:', 'https:');
    location = `${https}/api/v4/personal_access_tokens/self`;
    expect(describeFailure(await readSelf(gitlab.url))).toContain(
      `GitLab is served over https there: set gitlab-url to ${https}.`,
    );
  });

  it('names the missing path prefix', async () => {
    status = 302;
    location = `${gitlab.url}/gitlab/api/v4/personal_access_tokens/self`;
    expect(describeFailure(await readSelf(gitlab.url))).toContain(`set gitlab-url to ${gitlab.url}/gitlab`);
  });

  it('names another host without recommending it blindly, and sends it nothing', async () => {
    status = 307;
    location = `${elsewhere.url}/api/v4/personal_access_tokens/self?private_token=${CREDENTIAL}`;
    const message = describeFailure(await readSelf(gitlab.url));
    expect(message).toContain(
      `The redirect points to another host (${elsewhere.url}). If GitLab really moved there`,
    );
    expect(message).not.toContain(CREDENTIAL);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('says gitlab-url is not the root when the redirect leads away from the API (a sign-in page)', async () => {
    status = 302;
    location = '/users/sign_in';
    const message = describeFailure(
      await readSelf(`${gitlab.url}/group/project`),
      `${gitlab.url}/group/project`,
    );
    expect(message).toContain(`a redirect to ${gitlab.url}/users/sign_in`);
    expect(message).toContain("The redirect does not lead to GitLab's API: gitlab-url must be the root URL");
  });
});
