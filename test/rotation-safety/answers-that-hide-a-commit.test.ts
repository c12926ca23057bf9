/**
 * Issue 7, part 5 (b, c): an answer that is not GitLab's own says nothing about what GitLab did. A proxy or WAF may
 * replace GitLab's answer after GitLab committed the change; only a refusal GitLab wrote itself (its JSON error
 * body) means nothing changed. Anything else is probed; and "done" for a revoke is what GitLab's state says after.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { htmlErrorPage } from '../emulator/index.js';
import { exitCodeOf, stepsOf, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();
const SELF = '/api/v4/personal_access_tokens/self';
const ROTATE_SELF = `${SELF}/rotate`;

/** Requests after the rotate: the probes of the old token. */
const afterRotate = () =>
  f.gitlab.requests.slice(f.gitlab.requests.findIndex((request) => request.path === ROTATE_SELF) + 1);

describe('a rotate GitLab committed, whose answer something in front of it replaced', () => {
  it.each([
    ['a WAF 403 page', htmlErrorPage(403, { server: 'cloudflare' })],
    ['a proxy 400 page', htmlErrorPage(400)],
    ['a 403 in plain text', { status: 403, body: 'Forbidden' }],
    ["a 400 in JSON that is not GitLab's", { status: 400, body: { blocked: true, reason: 'policy' } }],
  ])('%s: probed, found rotated, exit 4 with recovery steps (never "nothing changed")', async (_, page) => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, afterCommit: page });
    const run = await f.rotateIntoVariable();

    expect(exitCodeOf(run), run.error?.message).toBe(ExitCode.outcomeUnknown);
    expect(f.requests('POST', '/rotate')).toHaveLength(1);
    expect(afterRotate()[0]).toMatchObject({ method: 'GET', path: SELF, status: 401 });
    expect(run.error?.message).toContain('GitLab did rotate it, but its answer with the new value was lost');
    expect(stepsOf(run)).toMatch(/list the active tokens named "deploy"/);
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(true);
  });

  it('recovered with recovery-token, as any lost answer', async () => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, afterCommit: htmlErrorPage(403) });
    const run = await f.rotateIntoVariable({ 'recovery-token': f.admin.token });

    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const stored = f.gitlab.tokenByValue(f.variable()?.value ?? '');
    expect(stored).toMatchObject({ name: 'deploy', revoked: false });
  });

  it('a WAF page that never reached GitLab: probed, the old token still works, exit 1', async () => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, respond: htmlErrorPage(403) });
    const run = await f.rotateIntoVariable();

    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(afterRotate().length).toBeGreaterThan(0);
    expect(run.error?.message).toContain('so GitLab did not rotate it: nothing changed');
    expect(f.variable()?.value).toBe(f.service.token);
  });

  it("GitLab's own refusal (JSON) means nothing changed: no probe", async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: ROTATE_SELF,
      respond: { status: 403, body: { error: 'insufficient_scope', scope: 'api self_rotate' } },
    });
    const run = await f.rotateIntoVariable();

    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(afterRotate()).toEqual([]);
  });

  it("a rate limiter's 429 (GitLab's is plain text) is a refusal: no probe", async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: ROTATE_SELF,
      respond: { status: 429, body: 'Retry later\n' },
    });
    const run = await f.rotateIntoVariable();

    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(afterRotate()).toEqual([]);
    expect(run.error?.message).toContain('rate limit');
  });

  it('overlap: a create whose answer a WAF replaced is reported as maybe made, never as refused', async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/users/*/personal_access_tokens',
      afterCommit: htmlErrorPage(403),
    });
    const run = await f.run({
      'gitlab-token': f.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
      strategy: 'overlap',
      'variable-key': 'DEPLOY_TOKEN',
      'variable-project': 'platform/deployer',
    });

    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(run.error?.message).toContain('A new token may have been created; the old one still works');
  });

  it('create: a WAF page after GitLab created the token is reported as maybe made (exit 4)', async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: '/api/v4/users/*/personal_access_tokens',
      afterCommit: htmlErrorPage(400),
    });
    const run = await f.run({
      operation: 'create',
      'gitlab-token': f.admin.token,
      user: 'svc-deploy',
      name: 'ci',
      scopes: 'api',
    });

    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(run.error?.message).toContain('may or may not have been created');
  });
});
