/**
 * Scenarios 1, 2, 3, 7, 8, 11 and 19 again, for a project access token: the commonest token a team keeps alive, a
 * project bot's token rotating itself into its own project's masked, hidden variable (or rotated by a Maintainer).
 * Its rotate goes through the project (`POST /projects/:id/access_tokens/self/rotate`), its probe and its checks
 * through the personal self endpoint every bot token answers. Every run is scanned for every token value issued.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import type { Destination } from '../../src/core/destinations/destination.js';
import type { CoreRunOptions } from '../support/run-core.js';
import { stepsOf } from '../support/rotation-fixture.js';
import { exitCodeOf, PROJECT, useTokenWorld } from '../tokens/token-world.js';

const w = useTokenWorld();
const KEY = 'DEPLOY_TOKEN';
const ROTATE_SELF = `/api/v4/projects/${encodeURIComponent(PROJECT)}/access_tokens/self/rotate`;
const SELF = '/api/v4/personal_access_tokens/self';

function rotateIntoVariable(raw: Record<string, string> = {}, options?: CoreRunOptions) {
  w.gitlab.setVariable(
    { project: PROJECT },
    { key: KEY, value: w.variable(KEY)?.value ?? w.projectToken.token, hidden: true, protected: true },
  );
  return w.run(
    {
      'gitlab-token': w.projectToken.token,
      'token-kind': 'project',
      project: PROJECT,
      'variable-key': KEY,
      ...raw,
    },
    options,
  );
}
const stored = () => w.gitlab.tokenByValue(w.variable(KEY)?.value ?? '');
const botTokens = () => w.gitlab.activeTokens(w.projectToken.userId);
const rotates = () => w.requests('POST', '/rotate');

async function oldTokenAnswers(): Promise<number> {
  const answer = await fetch(`${w.gitlab.url}${SELF}`, {
    headers: { 'PRIVATE-TOKEN': w.projectToken.token },
  });
  return answer.status;
}

describe('a project access token: scenarios of the rotation protocol', () => {
  it('1. one rotate through its project, the new token stored and verified, the old one refused, expiry as sent', async () => {
    const run = await rotateIntoVariable({ 'expires-in': '90d' });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(rotates().map((request) => [request.path, request.body])).toEqual([
      [ROTATE_SELF, { expires_at: '2027-02-26' }],
    ]);
    expect(stored()).toMatchObject({ name: 'deploy', revoked: false, expiresAt: '2027-02-26' });
    expect(stored()?.userId).toBe(w.projectToken.userId);
    expect(w.variable(KEY)).toMatchObject({ hidden: true, masked: true, protected: true });
    const after = w.gitlab.requests.slice(
      w.gitlab.requests.findIndex((request) => request.path === ROTATE_SELF) + 1,
    );
    expect(after.map((request) => request.authTokenId)).toEqual(after.map(() => stored()?.id));
    expect(await oldTokenAnswers()).toBe(401);
  });

  it.each([
    ['the connection is reset', 'drop' as const],
    ['the request times out', 'hang' as const],
    ['GitLab answers 502 after rotating', { status: 502, body: { message: '502 Bad Gateway' } }],
  ])(
    '2. when %s: one POST, a probe of the old token, exit 4, steps for a project token',
    async (_, afterCommit) => {
      w.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, afterCommit });
      const run = await rotateIntoVariable({}, { retryPolicy: { attemptTimeoutMs: 500 } });
      expect(exitCodeOf(run)).toBe(ExitCode.outcomeUnknown);
      expect(rotates()).toHaveLength(1);
      const afterRotate = w.gitlab.requests.slice(
        w.gitlab.requests.findIndex((request) => request.path === ROTATE_SELF) + 1,
      );
      expect(afterRotate[0]).toMatchObject({ method: 'GET', path: SELF, status: 401 });
      expect(run.error?.message).toContain(
        'GitLab did rotate it, but its answer with the new value was lost',
      );
      expect(stepsOf(run)).toContain(
        `With a credential of a Maintainer or Owner of the project, or an administrator, list the active tokens named "deploy" of project ${PROJECT} (operation list, token-kind project, project ${PROJECT}, name "deploy").`,
      );
      expect(botTokens()).toHaveLength(1);
      expect(w.variable(KEY)?.value).toBe(w.projectToken.token);
    },
  );

  it("2. recovers with a Maintainer's recovery-token: rotates the lost successor once through the project and stores it", async () => {
    w.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, afterCommit: 'drop' });
    const run = await rotateIntoVariable({ 'recovery-token': w.maintainer.token });
    expect(exitCodeOf(run), run.error?.message).toBe(0);
    expect(stored()).toMatchObject({ name: 'deploy', revoked: false });
    expect(botTokens().map((token) => token.id)).toEqual([stored()?.id]);
    expect(rotates().map((request) => request.authTokenId)).toEqual([w.projectToken.id, w.maintainer.id]);
    expect(rotates()[1]?.path).toMatch(
      new RegExp(`^/api/v4/projects/${encodeURIComponent(PROJECT)}/access_tokens/\\d+/rotate$`),
    );
  });

  it('2. a recovery-token that may not manage the project token is refused before anything changes', async () => {
    const run = await rotateIntoVariable({ 'recovery-token': w.developer.token });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('recovery-token may not manage token');
    expect(run.error?.message).toContain('a Maintainer or Owner of the project');
    expect(rotates()).toEqual([]);
  });

  it.each([
    ['429', { status: 429, headers: { 'retry-after': '30' }, body: { message: 'Retry later' } }],
    ['502 before rotating', { status: 502, body: { message: '502 Bad Gateway' } }],
  ])('3. on %s nothing is re-sent and nothing changed', async (_, respond) => {
    w.gitlab.faults.inject({ method: 'POST', path: ROTATE_SELF, respond });
    const run = await rotateIntoVariable();
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(rotates()).toHaveLength(1);
    expect(w.gitlab.token(w.projectToken.id)?.revoked).toBe(false);
    expect(w.variable(KEY)?.value).toBe(w.projectToken.token);
    expect(run.error?.message).toMatch(/nothing changed/);
  });

  it('7. a rerun after success, with the stored token, does nothing', async () => {
    await rotateIntoVariable({ 'rotate-before': '30d' });
    w.gitlab.clearRequests();
    const rerun = await rotateIntoVariable({
      'gitlab-token': w.variable(KEY)?.value ?? '',
      'rotate-before': '30d',
    });
    expect(rerun.result).toMatchObject({ rotated: false });
    expect(w.gitlab.requests.map((request) => request.path)).toEqual([SELF]);
  });

  it('7. a rerun after a run that died before storing never sends the old token to rotate', async () => {
    for (const method of ['PUT', 'POST']) {
      w.gitlab.faults.inject({
        method,
        path: method === 'PUT' ? '/api/v4/projects/*/variables/*' : '/api/v4/projects/*/variables',
        times: 50,
        respond: { status: 403, body: { message: '403 Forbidden' } },
      });
    }
    const first = await rotateIntoVariable();
    expect(exitCodeOf(first)).toBe(ExitCode.outcomeUnknown);
    w.gitlab.faults.clear();
    w.gitlab.clearRequests();
    const rerun = await rotateIntoVariable();
    expect(exitCodeOf(rerun)).toBe(ExitCode.failedUnchanged);
    expect(rerun.error?.message).toContain('has been revoked');
    expect(rotates()).toEqual([]);
  });

  it.each([
    ['the token rotating itself', () => ({}), 'has been revoked'],
    [
      'a Maintainer rotating it by name',
      () => ({ 'gitlab-token': w.maintainer.token, 'token-name': 'deploy' }),
      'after this run started',
    ],
  ])(
    "8. two overlapping runs, %s: the second refuses and the first run's token survives",
    async (_, selection, refusal) => {
      let releaseFirst: () => void = () => undefined;
      const firstMayStart = new Promise<void>((resolve) => (releaseFirst = resolve));
      const first = firstMayStart.then(() => rotateIntoVariable(selection()));
      const slow: Destination = {
        description: 'a slow destination',
        durable: false,
        preflight: async () => {
          await first;
        },
        write: () => Promise.resolve(),
      };
      const second = rotateIntoVariable(selection(), { outputs: [slow] });
      await new Promise((resolve) => setTimeout(resolve, 50));
      releaseFirst();
      const [a, b] = await Promise.all([first, second]);
      expect(exitCodeOf(a), a.error?.message).toBe(0);
      expect(exitCodeOf(b)).toBe(ExitCode.failedUnchanged);
      expect(b.error?.message).toContain(refusal);
      expect(rotates().filter((request) => request.status === 200)).toHaveLength(1);
      expect(stored()?.revoked).toBe(false);
      expect(botTokens().map((token) => token.id)).toEqual([stored()?.id]);
    },
  );

  it.each([
    ['revoked', {}, true, 'has been revoked'],
    ['expired', { expiresAt: '2026-11-27' }, false, 'has expired, so it can no longer rotate itself'],
  ])('11. a %s project token stops before changing anything', async (_, spec, revoke, advice) => {
    const dead = w.gitlab.issueResourceToken({ project: PROJECT, name: 'dead', scopes: ['api'], ...spec });
    if (revoke) {
      const revoked = await fetch(`${w.gitlab.url}${SELF}`, {
        method: 'DELETE',
        headers: { 'PRIVATE-TOKEN': dead.token },
      });
      expect(revoked.status).toBe(204);
    }
    w.gitlab.clearRequests();
    const run = await rotateIntoVariable({ 'gitlab-token': dead.token });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain('401');
    expect(run.error?.message).toContain(advice);
    expect(w.changes()).toEqual([]);
  });

  it.each([[['read_api']], [['self_rotate']]])(
    '11. a project token with %j stops before the rotate, saying which scope it needs',
    async (scopes) => {
      const limited = w.gitlab.issueResourceToken({ project: PROJECT, name: 'limited', scopes });
      const run = await rotateIntoVariable({ 'gitlab-token': limited.token });
      expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
      expect(run.error?.message).toMatch(
        /needs the api or self_rotate scope|needs the api scope on the token that writes/,
      );
      expect(rotates()).toEqual([]);
    },
  );

  it('19. overlap: a failed write revokes the new token and leaves the old one working', async () => {
    w.gitlab.faults.inject({
      method: 'PUT',
      path: `/api/v4/projects/*/variables/${KEY}`,
      times: 10,
      respond: { status: 403, body: { message: '403 Forbidden' } },
    });
    const run = await rotateIntoVariable({
      'gitlab-token': w.maintainer.token,
      'token-name': 'deploy',
      strategy: 'overlap',
    });
    expect(exitCodeOf(run)).toBe(ExitCode.failedUnchanged);
    expect(run.error?.message).toContain(
      `so it was revoked again: the old token ${w.projectToken.id} ("deploy") still works`,
    );
    expect(
      w.gitlab
        .resourceTokens({ project: PROJECT })
        .filter((token) => !token.revoked)
        .map((token) => token.id),
    ).toEqual([w.projectToken.id]);
    expect(w.variable(KEY)?.value).toBe(w.projectToken.token);
    expect(await oldTokenAnswers()).toBe(200);
  });
});
