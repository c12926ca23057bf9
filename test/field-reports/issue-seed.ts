/**
 * The GitLab of issue 8's field reports: today is 2026-11-30 (UTC), `root` is an administrator whose token
 * "automation" is the credential, `svc-deploy` is a service account whose token 200 "deploy" the pipelines of
 * project platform/deployer read from the CI/CD variable DEPLOY_TOKEN.
 */
import { afterEach, beforeEach } from 'vitest';
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';

export const TODAY = '2026-11-30';
export const PROJECT = 'platform/deployer';
export const KEY = 'DEPLOY_TOKEN';
export const MAINTAINER = 40;
export const OWNER = 50;

export interface IssueSeed {
  gitlab: GitlabEmulator;
  admin: { id: number; token: string };
  /** Token 200 of svc-deploy; expires 2026-12-10 unless the test says otherwise. */
  deploy: { id: number; token: string };
  /** GITLAB_URL and GITLAB_TOKEN (the administrator's) for a CLI run. */
  env(token?: string): NodeJS.ProcessEnv;
  /** Requests that change something (anything but GET). */
  changes(): GitlabEmulator['requests'];
}

/** A fresh seed per test; `deployExpiresAt` for token 200 ('2026-11-29': expired yesterday). */
export function useIssueSeed(options: { now?: string; deployExpiresAt?: string } = {}): IssueSeed {
  const seed = {} as IssueSeed;
  beforeEach(async () => {
    const gitlab = await startEmulator({ now: options.now ?? `${TODAY}T10:00:00Z` });
    gitlab.addUser({ username: 'root', admin: true });
    gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
    gitlab.addProject({ path: PROJECT, members: [{ user: 'svc-deploy', accessLevel: MAINTAINER }] });
    const admin = gitlab.issueToken({
      user: 'root',
      name: 'automation',
      scopes: ['api'],
      expiresAt: '2027-06-01',
    });
    const deploy = gitlab.issueToken({
      id: 200,
      user: 'svc-deploy',
      name: 'deploy',
      scopes: ['api'],
      createdAt: '2026-09-01T08:00:00Z',
      expiresAt: options.deployExpiresAt ?? '2026-12-10',
    });
    Object.assign(seed, {
      gitlab,
      admin,
      deploy,
      env: (token = admin.token) => ({ GITLAB_URL: gitlab.url, GITLAB_TOKEN: token }),
      changes: () => gitlab.requests.filter((request) => request.method !== 'GET'),
    });
  });
  afterEach(async () => seed.gitlab.close());
  return seed;
}
