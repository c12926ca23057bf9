/**
 * Scenario 1's last step on its own: the run asks GitLab whether it accepts the new token, and a stored token GitLab
 * refuses is exit 4, never success. (Issue 7, part 7: without this test, skipping the verification went unnoticed.)
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { exitCodeOf, PROJECT, stepsOf, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();
const SELF = '/api/v4/personal_access_tokens/self';
const REVOKED = {
  status: 401,
  body: { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authenticate.' },
};

describe('the new token is verified last', () => {
  /** Holds the variable write for a moment and arms `fault` as it arrives: after it, only the verification is left. */
  async function whileStoring<T>(run: Promise<T>): Promise<T> {
    for (const started = Date.now(); f.requests('PUT', '/variables/DEPLOY_TOKEN').length === 0;) {
      if (Date.now() - started > 10_000) throw new Error('the variable write never arrived');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    f.gitlab.faults.inject({ method: 'GET', path: SELF, respond: REVOKED });
    return run;
  }

  it.each([
    [
      'an administrator rotating it by name',
      { 'gitlab-token': 'admin', user: 'svc-deploy', 'token-name': 'deploy' },
    ],
    ['the token rotating itself', {}],
  ])(
    '%s, something revokes the new token while it is stored: exit 4 naming where it is, with what to do',
    async (_, raw) => {
      f.gitlab.faults.inject({
        method: 'PUT',
        path: '/api/v4/projects/*/variables/DEPLOY_TOKEN',
        delayMs: 300,
      });
      const run = await whileStoring(
        f.rotateIntoVariable('user' in raw ? { ...raw, 'gitlab-token': f.admin.token } : raw),
      );

      expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
      expect(run.error?.message).toMatch(
        /The new token \d+ is stored in CI\/CD variable DEPLOY_TOKEN .* but GitLab does not accept it/,
      );
      expect(stepsOf(run)).toContain('resource_group');
      const verify = f.requests('GET', SELF).at(-1);
      expect(verify).toMatchObject({ status: 401 });
      expect(verify?.authTokenId).toBe(f.gitlab.tokenByValue(f.variable()?.value ?? '')?.id);
    },
  );

  it('a token GitLab accepts is reported verified, and its id is the one rotated', async () => {
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.lines.some((line) => /Verified: GitLab accepts the new token \d+/.test(line))).toBe(true);
    expect(f.requests('GET', SELF).at(-1)?.status).toBe(200);
  });

  it('an administrator rotating by name verifies with the new token itself', async () => {
    const run = await f.rotateIntoVariable({
      'gitlab-token': f.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const stored = f.gitlab.tokenByValue(f.variable()?.value ?? '');
    expect(f.requests('GET', SELF).at(-1)?.authTokenId).toBe(stored?.id);
  });

  it('create verifies the new token too', async () => {
    f.gitlab.faults.inject({ method: 'GET', path: SELF, respond: REVOKED });
    const run = await f.run({
      operation: 'create',
      'gitlab-token': f.admin.token,
      user: 'svc-deploy',
      name: 'ci',
      scopes: 'api',
      'variable-key': 'CI_TOKEN',
      'variable-project': PROJECT,
    });
    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(run.error?.message).toContain('but GitLab does not accept it');
  });
});
