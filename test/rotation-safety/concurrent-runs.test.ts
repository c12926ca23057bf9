/**
 * Scenario 8: two overlapping runs. The second must never send the rotated-away token to a rotate endpoint:
 * GitLab would take it for a stolen token and revoke the first run's new token too.
 */
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../src/core/destinations/destination.js';
import { ExitCode } from '../../src/core/errors.js';
import type { RawOptions } from '../../src/core/options/option-kit.js';
import { exitCodeOf, useRotationFixture } from '../support/rotation-fixture.js';

const f = useRotationFixture();

/** A destination whose check takes as long as another run needs to finish: the widest possible race. */
function slowPreflightUntil(other: Promise<unknown>): Destination {
  return {
    description: 'a slow destination',
    durable: false,
    preflight: async () => {
      await other;
    },
    write: () => Promise.resolve(),
  };
}

describe('two overlapping runs', () => {
  it.each([
    // The second run's credential is the rotated-away token: its next check is refused (401), a GET, harmless.
    ['the token rotating itself', {}, 'has been revoked'],
    // The credential stays valid: GitLab refuses to rotate a revoked token (400), atomically and without revoking
    // anything, since the rotated-away token is not the one authenticating.
    [
      'an administrator rotating it by name',
      { user: 'svc-deploy', 'token-name': 'deploy' },
      'after this run started',
    ],
  ])("8. with %s: the second refuses and the first run's token survives", async (_, selection, refusal) => {
    const raw: RawOptions =
      'token-name' in selection ? { 'gitlab-token': f.admin.token, ...selection } : selection;
    let releaseFirst: () => void = () => undefined;
    const firstMayStart = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = firstMayStart.then(() => f.rotateIntoVariable(raw));
    const second = f.rotateIntoVariable(raw, { outputs: [slowPreflightUntil(first)] });
    // The second run has read the old token as active before the first one starts.
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseFirst();
    const [a, b] = await Promise.all([first, second]);

    expect(exitCodeOf(a), a.error?.message).toBe(0);
    expect(exitCodeOf(b)).toBe(ExitCode.failedUnchanged);
    expect(b.error?.message).toContain(refusal);
    const rotates = f.requests('POST', '/rotate');
    expect(rotates.filter((request) => request.status === 200)).toHaveLength(1);
    // Only a credential that is not the rotated token may ever send a second rotate, and GitLab refuses it.
    if (!('token-name' in selection)) expect(rotates).toHaveLength(1);
    else expect(rotates.map((request) => request.status)).toEqual([200, 400]);
    const stored = f.gitlab.tokenByValue(f.variable()?.value ?? '');
    expect(stored?.revoked).toBe(false);
    expect(f.gitlab.activeTokens('svc-deploy').map((token) => token.id)).toEqual([stored?.id]);
  });
});
