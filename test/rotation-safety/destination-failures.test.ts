/** Scenarios 4, 5, 6 and 19: writing the new token where it belongs, or somewhere safe, loudly. */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import {
  DEVELOPER,
  exitCodeOf,
  stepsOf,
  KEY,
  PROJECT,
  useRotationFixture,
} from '../support/rotation-fixture.js';

const f = useRotationFixture();
const VARIABLE_PATH = `/api/v4/projects/*/variables/${KEY}`;

describe('destinations', () => {
  it('4. a variable PUT answering 500, 500, 200 is retried with the new token and succeeds', async () => {
    f.gitlab.faults.inject({
      method: 'PUT',
      path: VARIABLE_PATH,
      times: 2,
      respond: { status: 500, body: { message: '500 Internal Server Error' } },
    });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const puts = f.requests('PUT', `/variables/${KEY}`);
    expect(puts.map((request) => request.status)).toEqual([500, 500, 200]);
    const fresh = f.gitlab.tokenByValue(f.variable()?.value ?? '');
    expect(puts.every((request) => request.authTokenId === fresh?.id)).toBe(true);
    // Two retries, then the wait before the verification (see SETTLE_BEFORE_VERIFYING).
    expect(run.sleeps).toHaveLength(3);
  });

  it('5. a variable PUT answering 403 after the rotation: the fallback variable holds the token, exit 3 names it', async () => {
    f.gitlab.faults.inject({
      method: 'PUT',
      path: VARIABLE_PATH,
      times: 10,
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run)).toBe(ExitCode.destinationFailed);
    const fallback = f.variable(`${KEY}_FALLBACK`);
    expect(fallback).toMatchObject({ hidden: true, masked: true, protected: true });
    expect(f.gitlab.tokenByValue(fallback?.value ?? '')?.revoked).toBe(false);
    expect(run.error?.message).toContain(`CI/CD variable ${KEY}_FALLBACK in project ${PROJECT}`);
    expect(run.error?.message).toContain(`but not in: CI/CD variable ${KEY}`);
    expect(stepsOf(run)).toContain('run the rotation once more with that variable as the credential');
  });

  it('6. a credential that may not write the variable is refused before the rotate', async () => {
    f.gitlab.addMember({ project: PROJECT }, 'svc-deploy', DEVELOPER);
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('needs the Maintainer role');
    expect(f.requests('POST', '/rotate')).toEqual([]);
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(false);
  });

  it('6. a project that does not exist is refused before the rotate', async () => {
    const run = await f.rotateIntoVariable({ 'variable-project': 'platform/nope' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('platform/nope does not exist');
    expect(f.requests('POST', '/rotate')).toEqual([]);
  });

  it('overlap: creates the successor, stores and verifies it, then revokes the old token', async () => {
    const run = await f.rotateIntoVariable({
      'gitlab-token': f.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
      strategy: 'overlap',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const fresh = f.gitlab.tokenByValue(f.variable()?.value ?? '');
    expect(fresh).toMatchObject({ name: 'deploy', revoked: false, scopes: ['api'] });
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(true);
    expect(f.requests('POST', '/rotate')).toEqual([]);
    const order = f.gitlab.requests
      .filter((request) => request.method !== 'GET')
      .map((request) => `${request.method} ${request.path}`);
    expect(order).toEqual([
      'POST /api/v4/users/2/personal_access_tokens',
      `PUT /api/v4/projects/${encodeURIComponent(PROJECT)}/variables/${KEY}`,
      `DELETE /api/v4/personal_access_tokens/${f.service.id}`,
    ]);
  });

  it('19. overlap: a failed write revokes the new token and leaves the old one working', async () => {
    f.gitlab.faults.inject({
      method: 'PUT',
      path: VARIABLE_PATH,
      times: 10,
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const run = await f.rotateIntoVariable({
      'gitlab-token': f.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
      strategy: 'overlap',
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      'the old token ("deploy")'.replace('the old token', `the old token ${f.service.id}`),
    );
    expect(f.gitlab.activeTokens('svc-deploy').map((token) => token.id)).toEqual([f.service.id]);
    expect(f.variable()?.value).toBe(f.service.token);
    const check = await fetch(`${f.gitlab.url}/api/v4/personal_access_tokens/self`, {
      headers: { 'PRIVATE-TOKEN': f.service.token },
    });
    expect(check.status).toBe(200);
  });

  it('overlap needs a credential that may create the token', async () => {
    const run = await f.rotateIntoVariable({ strategy: 'overlap' });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    // GitLab's rule, answered by GitLab: the one POST is refused, nothing was created, the old token works.
    expect(run.error?.message).toContain('needs an administrator');
    expect(run.error?.message).toContain('Use strategy rotate');
    expect(
      f.gitlab.requests.filter((request) => request.method !== 'GET').map((request) => request.status),
    ).toEqual([403]);
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(false);
  });
});
