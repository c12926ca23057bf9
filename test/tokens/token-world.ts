/**
 * One GitLab with a token of every kind and the people who may manage each, shared by the per-kind tests
 * (`test/tokens/<kind>.test.ts`): a group `platform` (Premium) with a project `platform/deployer`, a project access
 * token and a group access token that expire in five days, a group service account with a token, an
 * administrator, the group's Owner, the project's Maintainer and a Developer. Every run is scanned for every token
 * value the emulator ever issued, debug lines included.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { RawOptions } from '../../src/core/options/option-kit.js';
import {
  ACCESS_LEVELS,
  startEmulator,
  type GitlabEmulator,
  type IssuedResourceToken,
} from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import { everythingWritten, runCore, type CoreRun, type CoreRunOptions } from '../support/run-core.js';

export const TODAY = '2026-11-27';
export const GROUP = 'platform';
export const PROJECT = 'platform/deployer';
export const PROJECT_ID = 4242;
export const GROUP_ID = 77;
export const SERVICE_ACCOUNT = 'svc-release';

export interface Credential {
  readonly id: number;
  readonly token: string;
}

export interface TokenWorld {
  readonly gitlab: GitlabEmulator;
  /** An administrator (self-managed; GitLab.com has none). */
  readonly admin: Credential;
  /** alice: Owner of the group (so of the project too). */
  readonly owner: Credential;
  /** max: Maintainer of the project only. */
  readonly maintainer: Credential;
  /** dev: Developer of the project. */
  readonly developer: Credential;
  /** A project access token "deploy" (Maintainer, api), 90 days old, expires in five days. */
  readonly projectToken: IssuedResourceToken;
  /** A group access token "release" (Maintainer, api), 90 days old, expires in five days. */
  readonly groupToken: IssuedResourceToken;
  /** The group service account svc-release and its token "publish" (api), expiring in five days. */
  readonly serviceAccount: { readonly id: number; readonly username: string };
  readonly serviceToken: Credential;
  /** carol's own token "laptop" (api), a person's personal access token. */
  readonly personal: Credential;
  /** Runs the core; fails the test when anything it wrote carries a token value. */
  run(raw: RawOptions, options?: CoreRunOptions): Promise<CoreRun>;
  /** Requests with this method whose path ends with `pathEnd`. */
  requests(method: string, pathEnd: string): GitlabEmulator['requests'];
  /** Every request that changed something (not a GET). */
  changes(): string[];
  /** A CI/CD variable of the project (or of the group with `{ group: true }`). */
  variable(
    key: string,
    where?: { group?: boolean },
  ): ReturnType<GitlabEmulator['variables']>[number] | undefined;
}

/** Registers beforeEach/afterEach that build a fresh world for every test. */
export function useTokenWorld(): TokenWorld {
  const world = {} as { -readonly [K in keyof TokenWorld]: TokenWorld[K] };
  beforeEach(async () => {
    const gitlab = await startEmulator({ now: `${TODAY}T03:00:00Z`, tier: 'premium' });
    gitlab.addUser({ username: 'root', admin: true });
    gitlab.addUser({ username: 'alice', name: 'Alice' });
    gitlab.addUser({ username: 'max', name: 'Max' });
    gitlab.addUser({ username: 'dev', name: 'Dev' });
    gitlab.addUser({ username: 'carol', name: 'Carol' });
    gitlab.addGroup({
      path: GROUP,
      id: GROUP_ID,
      members: [{ user: 'alice', accessLevel: ACCESS_LEVELS.owner }],
    });
    gitlab.addProject({
      path: PROJECT,
      id: PROJECT_ID,
      members: [
        { user: 'max', accessLevel: ACCESS_LEVELS.maintainer },
        { user: 'dev', accessLevel: ACCESS_LEVELS.developer },
      ],
    });
    const expiring = { createdAt: '2026-08-29T00:00:00Z', expiresAt: '2026-12-02' };
    world.projectToken = gitlab.issueResourceToken({
      project: PROJECT,
      name: 'deploy',
      scopes: ['api'],
      accessLevel: ACCESS_LEVELS.maintainer,
      ...expiring,
    });
    world.groupToken = gitlab.issueResourceToken({
      group: GROUP,
      name: 'release',
      scopes: ['api'],
      accessLevel: ACCESS_LEVELS.maintainer,
      ...expiring,
    });
    const account = gitlab.addServiceAccount({ group: GROUP, username: SERVICE_ACCOUNT });
    world.serviceAccount = { id: account.id, username: account.username };
    world.serviceToken = gitlab.issueToken({
      user: SERVICE_ACCOUNT,
      name: 'publish',
      scopes: ['api'],
      ...expiring,
    });
    world.admin = gitlab.issueToken({ user: 'root', name: 'automation', scopes: ['api'] });
    world.owner = gitlab.issueToken({ user: 'alice', name: 'owner', scopes: ['api'] });
    world.maintainer = gitlab.issueToken({ user: 'max', name: 'maintainer', scopes: ['api'] });
    world.developer = gitlab.issueToken({ user: 'dev', name: 'developer', scopes: ['api'] });
    world.personal = gitlab.issueToken({ user: 'carol', name: 'laptop', scopes: ['api'], ...expiring });
    world.gitlab = gitlab;
    world.run = async (raw, options) => {
      const run = await runCore(gitlab, raw, { outputs: [], ...options });
      expect(findLeaks(everythingWritten(run), gitlab.issuedTokenValues()), 'token values written').toEqual(
        [],
      );
      return run;
    };
    world.requests = (method, pathEnd) =>
      gitlab.requests.filter((request) => request.method === method && request.path.endsWith(pathEnd));
    world.changes = () =>
      gitlab.requests
        .filter((request) => request.method !== 'GET')
        .map((request) => `${request.method} ${request.path} ${request.status}`);
    world.variable = (key, where = {}) =>
      gitlab
        .variables(where.group ? { group: GROUP } : { project: PROJECT })
        .find((variable) => variable.key === key);
  });
  afterEach(async () => world.gitlab.close());
  return world;
}

export function exitCodeOf(run: CoreRun): number {
  return run.error ? ((run.error as { exitCode?: number }).exitCode ?? -1) : 0;
}

/** A test output destination that keeps what it receives (the in-process stand-in for the Action's output). */
export function keptOutput(): {
  readonly values: string[];
  readonly destination: NonNullable<CoreRunOptions['outputs']>[number];
} {
  const values: string[] = [];
  return {
    values,
    destination: {
      description: 'the test output',
      durable: false,
      preflight: () => Promise.resolve(),
      write: (token) => {
        values.push(token.token);
        return Promise.resolve();
      },
    },
  };
}
