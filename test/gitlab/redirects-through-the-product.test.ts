/**
 * Redirects met by a whole run, core and built CLI, against the GitLab emulator: wherever one comes, the credential
 * and the new token reach no other server, no request is repeated, and the run ends as the rotation protocol says.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { exitCodeOf, KEY, useRotationFixture } from '../support/rotation-fixture.js';
import { runCli } from '../support/run-dist.js';
import { startRecordingServer, type LoopbackServer } from './loopback-servers.js';

const f = useRotationFixture();
const SELF = '/api/v4/personal_access_tokens/self';
const ROTATE_SELF = `${SELF}/rotate`;
const VARIABLE_PATH = `/api/v4/projects/*/variables/${KEY}`;

let elsewhere: LoopbackServer;
beforeEach(async () => {
  elsewhere = await startRecordingServer();
});
afterEach(async () => elsewhere.close());

/** Everything the other server received, as one text, to search for token values. */
const receivedElsewhere = () => JSON.stringify(elsewhere.requests);

describe('a redirect during a rotation', () => {
  it('on GET /personal_access_tokens/self: stops before changing anything and says what to fix', async () => {
    f.gitlab.faults.inject({
      method: 'GET',
      path: SELF,
      respond: { status: 302, headers: { location: `${elsewhere.url}${SELF}?private_token=x` } },
    });
    const run = await f.rotateIntoVariable();

    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(`answered 302 with a redirect to ${elsewhere.url}${SELF}.`);
    expect(run.error?.message).toContain(`If GitLab really moved there, set gitlab-url to ${elsewhere.url}`);
    expect(run.error?.message).not.toContain('private_token');
    expect(f.requests('GET', SELF)).toHaveLength(1);
    expect(f.requests('POST', '/rotate')).toEqual([]);
    expect(elsewhere.connections()).toBe(0);
  });

  it('on the variable PUT after the rotation: the new token goes nowhere else, the fallback holds it, exit 3', async () => {
    f.gitlab.faults.inject({
      method: 'PUT',
      path: VARIABLE_PATH,
      times: 10,
      respond: { status: 307, headers: { location: `${elsewhere.url}/api/v4/projects/1/variables/${KEY}` } },
    });
    const run = await f.rotateIntoVariable();

    expect(exitCodeOf(run)).toBe(ExitCode.destinationFailed);
    expect(f.requests('PUT', `/variables/${KEY}`)).toHaveLength(1);
    expect(elsewhere.connections()).toBe(0);
    const fallback = f.variable(`${KEY}_FALLBACK`);
    const successor = f.gitlab.tokenByValue(fallback?.value ?? '');
    expect(successor).toMatchObject({ name: 'deploy', revoked: false });
    expect(receivedElsewhere()).not.toContain(fallback?.value);
    expect(run.error?.message).toContain(`CI/CD variable ${KEY}_FALLBACK`);
    expect(run.error?.message).toContain('answered 307 with a redirect to');
  });

  it.each([
    ['another origin', () => `${elsewhere.url}${ROTATE_SELF}`],
    ['the same origin', () => `${f.gitlab.url}${ROTATE_SELF}`],
  ])('on the rotate POST to %s: one POST, never two, and the old token is looked at', async (_, target) => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: ROTATE_SELF,
      respond: { status: 307, headers: { location: target() } },
    });
    const run = await f.rotateIntoVariable();

    expect(f.requests('POST', '/rotate')).toHaveLength(1);
    expect(elsewhere.connections()).toBe(0);
    // The redirect came instead of an answer: nothing rotated, which the probe of the old token confirms.
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('answered 307 with a redirect to');
    expect(run.error?.message).toContain('so GitLab did not rotate it: nothing changed');
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(false);
    expect(f.variable()?.value).toBe(f.service.token);
  });
});

describe('the built CLI', () => {
  it('reports a redirect on get self, names the fix and sends the credential nowhere else', async () => {
    f.gitlab.faults.inject({
      method: 'GET',
      path: SELF,
      respond: { status: 301, headers: { location: `${elsewhere.url}/gitlab${SELF}` } },
    });
    const run = await runCli(['get', '--gitlab-url', f.gitlab.url], { GITLAB_TOKEN: f.service.token });

    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain(`answered 301 with a redirect to ${elsewhere.url}/gitlab${SELF}`);
    expect(run.stderr).toContain(`set gitlab-url to ${elsewhere.url}/gitlab`);
    expect(run.stderr).not.toContain(f.service.token);
    expect(f.requests('GET', SELF)).toHaveLength(1);
    expect(elsewhere.connections()).toBe(0);
  });
});

describe('a gitlab-url that names no GitLab API', () => {
  it.each([
    ['a path GitLab is not served under', '/gitlab'],
    ["a page's address", '/-/user_settings/personal_access_tokens'],
  ])('%s: says to check gitlab-url, not an id or name', async (_, path) => {
    const run = await runCli(['get', '--gitlab-url', `${f.gitlab.url}${path}`], {
      GITLAB_TOKEN: f.service.token,
    });

    expect(run.exitCode).toBe(ExitCode.failedUnchanged);
    expect(run.stderr).toContain('answered 404');
    expect(run.stderr).toContain('No GitLab API answers at this address');
    expect(run.stderr).toContain('check gitlab-url');
    expect(run.stderr).not.toContain('check the id or name');
  });
});
