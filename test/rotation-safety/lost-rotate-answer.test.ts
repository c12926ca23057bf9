/** Scenarios 2 and 3: the rotate request is sent once, whatever happens to its answer. */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { exitCodeOf, stepsOf, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();
const ROTATE_SELF = '/api/v4/personal_access_tokens/self/rotate';

describe('a rotate whose answer is lost', () => {
  it.each([
    ['the connection is reset', 'drop' as const],
    ['the request times out', 'hang' as const],
    ['GitLab answers 502 after rotating', { status: 502, body: { message: '502 Bad Gateway' } }],
  ])('2. when %s: one POST, a probe of the old token, exit 4 and recovery steps', async (_, afterCommit) => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, afterCommit });
    const run = await f.rotateIntoVariable({}, { retryPolicy: { attemptTimeoutMs: 500 } });

    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(f.requests('POST', '/rotate')).toHaveLength(1);
    // The probe after the failure is a GET with the old token, which reuse detection ignores.
    const afterRotate = f.gitlab.requests.slice(
      f.gitlab.requests.findIndex((request) => request.path === ROTATE_SELF) + 1,
    );
    expect(afterRotate[0]).toMatchObject({
      method: 'GET',
      path: '/api/v4/personal_access_tokens/self',
      status: 401,
    });
    expect(run.error?.message).toContain('GitLab did rotate it, but its answer with the new value was lost');
    expect(stepsOf(run)).toMatch(/list the active tokens named "deploy"/);
    // GitLab's side: the successor exists and still works (nothing killed it), the variable still holds the old one.
    const successors = f.gitlab.activeTokens('svc-deploy');
    expect(successors).toHaveLength(1);
    expect(f.variable()?.value).toBe(f.service.token);
  });

  it.each([
    ['half the answer arrives', 'truncate' as const],
    ['the answer has no token', { status: 200, body: { id: 99, name: 'deploy' } }],
  ])('2. when %s: treated as lost, never as refused', async (_, afterCommit) => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, afterCommit });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(f.requests('POST', '/rotate')).toHaveLength(1);
    expect(run.error?.message).toContain('GitLab did rotate it, but its answer with the new value was lost');
  });

  it('2. looks at the old token again for half a minute: a rotate that GitLab commits after a 502 is caught', async () => {
    // The proxy answers 502 at once; GitLab commits the rotation a moment later, while the run waits to look again.
    f.gitlab.faults.inject({
      method: 'POST',
      path: ROTATE_SELF,
      respond: { status: 502, body: { message: '502 Bad Gateway' } },
    });
    let committed = false;
    const run = await f.rotateIntoVariable(
      {},
      {
        onSleep: async () => {
          if (committed) return;
          committed = true;
          const late = await fetch(`${f.gitlab.url}${ROTATE_SELF}`, {
            method: 'POST',
            headers: { 'PRIVATE-TOKEN': f.service.token, 'content-type': 'application/json' },
            body: JSON.stringify({ expires_at: '2027-03-02' }),
          });
          expect(late.status).toBe(200);
        },
      },
    );
    expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
    expect(run.error?.message).toContain('GitLab did rotate it');
    expect(run.sleeps[0]).toBe(2_000);
  });

  it('2. says nothing changed only after the old token still works half a minute later', async () => {
    f.gitlab.faults.inject({
      method: 'POST',
      path: ROTATE_SELF,
      respond: { status: 504, body: { message: 'Gateway Timeout' } },
    });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.sleeps).toEqual([2_000, 5_000, 10_000, 20_000]);
    expect(run.error?.message).toContain(
      'still works 37 s later, so GitLab did not rotate it: nothing changed',
    );
  });

  it('2. recovers automatically with recovery-token: rotates the lost successor once and stores it', async () => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, afterCommit: 'drop' });
    const run = await f.rotateIntoVariable({ 'recovery-token': f.admin.token });

    expect(exitCodeOf(run), run.error?.message).toBe(0);
    const stored = f.gitlab.tokenByValue(f.variable()?.value ?? '');
    expect(stored).toMatchObject({ name: 'deploy', revoked: false });
    expect(f.gitlab.activeTokens('svc-deploy').map((token) => token.id)).toEqual([stored?.id]);
    // One rotate by the lost token, one by the recovery credential on the successor: never the old token twice.
    const rotates = f.requests('POST', '/rotate');
    expect(rotates.map((request) => request.authTokenId)).toEqual([f.service.id, f.admin.id]);
    expect(run.lines.join('\n')).toContain('Recovered: rotated the lost successor');
  });

  it('2. checks recovery-token before changing anything', async () => {
    const weak = f.gitlab.issueToken({ user: 'svc-deploy', name: 'weak', scopes: ['read_api'] });
    const run = await f.rotateIntoVariable({ 'recovery-token': weak.token });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('recovery-token');
    expect(f.requests('POST', '/rotate')).toEqual([]);
  });

  it.each([
    ['429', { status: 429, headers: { 'retry-after': '30' }, body: { message: 'Retry later' } }],
    ['502 before rotating', { status: 502, body: { message: '502 Bad Gateway' } }],
  ])('3. on %s nothing is re-sent and nothing changed', async (_, respond) => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, respond });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(f.requests('POST', '/rotate')).toHaveLength(1);
    expect(f.gitlab.token(f.service.id)?.revoked).toBe(false);
    expect(f.variable()?.value).toBe(f.service.token);
    expect(run.error?.message).toMatch(/nothing changed/);
  });
});
