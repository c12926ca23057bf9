/**
 * Issue 7, part 5a: two overlapping self-rotations while GitLab is slow. Both runs check the old token before
 * either rotate is handled, so no read can tell them apart; the one GitLab handles second sends a rotated-away token
 * to rotate, and reuse detection then revokes the first one's new token. A run may report success only for a token
 * still active once such a collision would have happened: it verifies last, after a settle delay (at least 2 s,
 * longer when its own rotate was slow). The loser reports what its request did (exit 4), not "nothing changed".
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { SETTLE_BEFORE_VERIFYING } from '../../src/core/rotation/atomic-rotation.js';
import { exitCodeOf, stepsOf, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();
const ROTATE_SELF = '/api/v4/personal_access_tokens/self/rotate';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('two overlapping self-rotations, GitLab slow to answer the first rotate (1.5 s)', () => {
  it('no run reports success for a token the other revoked; both say what happened (exit 4)', async () => {
    // The first rotate to arrive waits 1.5 s before GitLab handles it; the second is handled at once.
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 1_500 });
    const first = f.rotateIntoVariable({}, { fakeSleep: false });
    await until(() => f.requests('POST', '/rotate').length === 1, "the first run's rotate");
    const second = f.rotateIntoVariable({}, { fakeSleep: false });
    const [a, b] = await Promise.all([first, second]);

    const rotates = f.requests('POST', '/rotate');
    expect(rotates).toHaveLength(2);
    // The second run's rotate was handled first and succeeded; the first's came after and met reuse detection.
    expect(rotates.map((request) => request.status).sort()).toEqual([200, 401]);
    const stored = f.gitlab.tokenByValue(f.variable()?.value ?? '');
    expect(stored?.revoked, 'the stored token is revoked: nobody may report success').toBe(true);
    for (const run of [a, b]) expect(exitCodeOf(run), run.error?.message).toBe(ExitCode.outcomeUnknown);

    expect(b.error?.message).toContain('but GitLab does not accept it');
    expect(a.error?.message).toContain('was rotated or revoked after this run checked it');
    expect(a.error?.message).toContain("GitLab's reuse detection revoke its token family");
    expect(stepsOf(a)).toContain('resource_group');
  }, 20_000);

  it('with CI serialising the runs (resource_group, concurrency), the second finds nothing to do', async () => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 1_500 });
    const a = await f.rotateIntoVariable({ 'rotate-before': '30d' }, { fakeSleep: false });
    // The next run reads the credential from the variable the first one wrote.
    const b = await f.rotateIntoVariable(
      { 'gitlab-token': f.variable()?.value ?? '', 'rotate-before': '30d' },
      { fakeSleep: false },
    );

    expect(exitCodeOf(a), a.error?.message).toBe(0);
    expect(exitCodeOf(b), b.error?.message).toBe(0);
    expect(b.result?.rotated).toBe(false);
    expect(f.gitlab.tokenByValue(f.variable()?.value ?? '')?.revoked).toBe(false);
  }, 20_000);
});

describe('the wait before verifying', () => {
  const settle = (sleeps: number[]) => sleeps.at(-1) ?? 0;

  it('is at least the minimum after a quick rotate, and costs no request', async () => {
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(settle(run.sleeps)).toBeGreaterThan(SETTLE_BEFORE_VERIFYING.minMs - 500);
    expect(settle(run.sleeps)).toBeLessThanOrEqual(SETTLE_BEFORE_VERIFYING.minMs);
    // Token read, variable list, rotate, write, verify.
    expect(f.gitlab.requests).toHaveLength(5);
  });

  it('grows with a slow rotate: twice its time', async () => {
    f.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, delayMs: 1_500 });
    const run = await f.rotateIntoVariable();
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(settle(run.sleeps)).toBeGreaterThan(2 * 1_500 - 500);
  });

  it('is not waited when another credential rotates the token (a run like it is refused harmlessly)', async () => {
    const run = await f.rotateIntoVariable({
      'gitlab-token': f.admin.token,
      user: 'svc-deploy',
      'token-name': 'deploy',
    });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.sleeps).toEqual([]);
  });
});
