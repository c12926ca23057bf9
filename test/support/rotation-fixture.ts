/**
 * The situation the product exists for: a service account whose token expires in five days, a project whose
 * pipelines read that token from a masked, hidden CI/CD variable, and an administrator.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { RawOptions } from '../../src/core/options/option-kit.js';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { findLeaks } from './leak-scan.js';
import { everythingWritten, runCore, type CoreRun, type CoreRunOptions } from './run-core.js';

export const TODAY = '2026-11-27';
export const PROJECT = 'platform/deployer';
export const KEY = 'DEPLOY_TOKEN';
export const MAINTAINER = 40;
export const DEVELOPER = 30;

export interface RotationFixture {
  gitlab: GitlabEmulator;
  service: { id: number; token: string };
  admin: { id: number; token: string };
  /** Runs the core, then checks that nothing it wrote (debug lines included) carries any token value. */
  run(raw: RawOptions, options?: CoreRunOptions): Promise<CoreRun>;
  /** Rotates the service token into the project variable (self-rotation), with extra options. */
  rotateIntoVariable(raw?: RawOptions, options?: CoreRunOptions): Promise<CoreRun>;
  variable(
    key?: string,
    scope?: string,
  ): { value: string; hidden: boolean; masked: boolean; protected: boolean } | undefined;
  requests(method: string, pathEnd: string): ReturnType<GitlabEmulator['requests']['filter']>;
}

export function useRotationFixture(): RotationFixture {
  const fixture = {} as RotationFixture;
  beforeEach(async () => {
    const gitlab = await startEmulator({ now: `${TODAY}T03:00:00Z` });
    gitlab.addUser({ username: 'root', admin: true });
    gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
    gitlab.addProject({ path: PROJECT, members: [{ user: 'svc-deploy', accessLevel: MAINTAINER }] });
    const service = gitlab.issueToken({
      user: 'svc-deploy',
      name: 'deploy',
      scopes: ['api'],
      createdAt: '2026-08-29T00:00:00Z',
      expiresAt: '2026-12-02',
    });
    gitlab.setVariable(
      { project: PROJECT },
      { key: KEY, value: service.token, hidden: true, protected: true },
    );
    const admin = gitlab.issueToken({
      user: 'root',
      name: 'automation',
      scopes: ['api'],
      expiresAt: '2027-06-01',
    });
    Object.assign(fixture, {
      gitlab,
      service,
      admin,
      async run(raw: RawOptions, options?: CoreRunOptions) {
        const result = await runCore(gitlab, raw, options);
        expect(findLeaks(everythingWritten(result), gitlab.issuedTokenValues())).toEqual([]);
        return result;
      },
      rotateIntoVariable(raw: RawOptions = {}, options?: CoreRunOptions) {
        // As in GitLab CI: the variable is the only destination.
        return fixture.run(
          {
            'gitlab-token': service.token,
            'variable-key': KEY,
            'variable-project': PROJECT,
            debug: 'true',
            ...raw,
          },
          { outputs: [], ...options },
        );
      },
      variable(key = KEY, scope = '*') {
        return gitlab
          .variables({ project: PROJECT })
          .find((variable) => variable.key === key && variable.environmentScope === scope);
      },
      requests(method: string, pathEnd: string) {
        return gitlab.requests.filter(
          (request) => request.method === method && request.path.endsWith(pathEnd),
        );
      },
    });
  });
  afterEach(async () => fixture.gitlab.close());
  return fixture;
}

export function exitCodeOf(run: CoreRun): number {
  return run.error ? ((run.error as { exitCode?: number }).exitCode ?? -1) : 0;
}

/** The recovery steps a failure printed, as one text. */
export function stepsOf(run: CoreRun): string {
  return ((run.error as { steps?: readonly string[] } | undefined)?.steps ?? []).join('\n');
}
