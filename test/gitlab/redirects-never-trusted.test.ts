/**
 * Issue 7, part 1, with its exact inputs and the variants they suggest: a redirect never takes the credential or a
 * new token to another host, another host's answer is never taken for GitLab's, and a rotate or create is never
 * sent twice, whether the redirect comes instead of GitLab's answer or after GitLab acted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { redirectAnswer } from '../emulator/index.js';
import { exitCodeOf, KEY, PROJECT, useRotationFixture } from '../support/rotation-fixture.js';
import { sendJson, startRecordingServer, type LoopbackServer } from './loopback-servers.js';

const f = useRotationFixture();
const SELF = '/api/v4/personal_access_tokens/self';
const ROTATE_SELF = `${SELF}/rotate`;
/** What the other host would hand out as "the new token", if anything believed it. */
const FORGED = 'glpat-ForgedByAnotherHost0';

let elsewhere: LoopbackServer;
beforeEach(async () => {
  // Answers like GitLab's rotate would: a forged token for whoever follows the redirect.
  elsewhere = await startRecordingServer((_req, res) =>
    sendJson(res, 200, {
      id: 999,
      name: 'deploy',
      token: FORGED,
      active: true,
      revoked: false,
      scopes: ['api'],
    }),
  );
});
afterEach(async () => elsewhere.close());

/** Every place a token could have been stored: the variable and its fallback. */
const storedValues = () => f.gitlab.variables({ project: PROJECT }).map((variable) => variable.value);

describe('a redirected rotate', () => {
  it.each([301, 302, 303, 307, 308] as const)(
    '%i to another host that answers with a forged token: nothing reaches it, nothing of it is stored',
    async (status) => {
      f.gitlab.faults.inject({
        method: 'POST',
        path: ROTATE_SELF,
        respond: redirectAnswer(status, `${elsewhere.url}${ROTATE_SELF}`),
      });
      const run = await f.rotateIntoVariable();

      expect(elsewhere.connections()).toBe(0);
      expect(f.requests('POST', '/rotate')).toHaveLength(1);
      expect(storedValues()).not.toContain(FORGED);
      expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
      expect(f.variable()?.value).toBe(f.service.token);
    },
  );

  it('a redirect after GitLab rotated (a proxy answering in its place): one POST, the old token probed, exit 4', async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: ROTATE_SELF,
      afterCommit: redirectAnswer(307, `${elsewhere.url}${ROTATE_SELF}`),
    });
    const run = await f.rotateIntoVariable();

    expect(elsewhere.connections()).toBe(0);
    expect(f.requests('POST', '/rotate')).toHaveLength(1);
    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(run.error?.message).toContain('GitLab did rotate it, but its answer with the new value was lost');
    expect(storedValues()).not.toContain(FORGED);
  });
});

describe('a redirected variable write carries the new token nowhere', () => {
  it.each([307, 308] as const)('%i on the PUT: the fallback holds the token, exit 3', async (status) => {
    f.gitlab.faults.inject({
      method: 'PUT',
      path: `/api/v4/projects/*/variables/${KEY}`,
      times: 10,
      respond: redirectAnswer(status, `${elsewhere.url}/api/v4/projects/1/variables/${KEY}`),
    });
    const run = await f.rotateIntoVariable();

    expect(exitCodeOf(run)).toBe(ExitCode.destinationFailed);
    expect(elsewhere.connections()).toBe(0);
    expect(f.gitlab.tokenByValue(f.variable(`${KEY}_FALLBACK`)?.value ?? '')?.revoked).toBe(false);
  });

  it('308 on the POST that creates a new variable: never re-sent anywhere, exit 4 when nothing else holds it', async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/projects/*/variables',
      times: 20,
      respond: redirectAnswer(308, `${elsewhere.url}/api/v4/projects/1/variables`),
    });
    const run = await f.rotateIntoVariable({ 'variable-key': 'NEW_DEPLOY_TOKEN' });

    expect(elsewhere.connections()).toBe(0);
    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(run.error?.message).toContain('could not be stored anywhere');
  });
});
