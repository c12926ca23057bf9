/**
 * Issue 7, part 6: a `Date` header from a broken clock (1999) is not GitLab's clock. Believed, it made a token that
 * expires in five days look 10200 days away, and the rotation never happened.
 */
import { describe, expect, it } from 'vitest';
import { EARLIEST_BELIEVED_SERVER_DATE } from '../../src/core/time/clock.js';
import { exitCodeOf, TODAY, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();
/** This machine's clock agrees with the emulator's: only the header is wrong. */
const local = { now: () => new Date(`${TODAY}T03:00:00Z`) };

describe('a server Date before any GitLab could live', () => {
  it('is ignored: the due token is rotated by the local clock, and debug says why', async () => {
    f.gitlab.faults.inject({ path: /.*/, times: 50, headers: { date: 'Fri, 31 Dec 1999 23:59:59 GMT' } });
    const run = await f.rotateIntoVariable({ 'rotate-before': '30d', 'expires-in': '90d' }, { clock: local });

    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(run.result?.rotated).toBe(true);
    expect(f.requests('POST', '/rotate')[0]?.body).toMatchObject({ expires_at: '2027-02-26' });
    expect(run.lines.filter((line) => line.includes("Ignoring the server's Date header"))).toHaveLength(1);
  });

  it('a plausible one is still followed, however far from the local clock', async () => {
    const yearAhead = { now: () => new Date(`2027-11-27T03:00:00Z`) };
    const run = await f.rotateIntoVariable(
      { 'rotate-before': '30d', 'expires-in': '90d' },
      { clock: yearAhead },
    );

    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(f.requests('POST', '/rotate')[0]?.body).toMatchObject({ expires_at: '2027-02-26' });
    expect(EARLIEST_BELIEVED_SERVER_DATE.getTime()).toBeLessThan(Date.parse(`${TODAY}T00:00:00Z`));
  });
});
