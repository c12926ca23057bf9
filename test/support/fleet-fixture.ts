/**
 * A platform team's GitLab for fleet tests: an administrator whose token runs the fleet, service accounts with tokens
 * in every state a sync meets, and projects that hold the CI/CD variables the tokens go to. The inventory is written
 * to a temporary file, as a user's would be.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { GitlabEmulator } from '../emulator/index.js';

export const FLEET_TODAY = '2026-11-27';

export interface FleetTokens {
  readonly admin: { id: number; token: string };
  /** Expires in 5 days: due under a 30d rotate-before. */
  readonly due: { id: number; token: string };
  /** To be retired (state revoked). */
  readonly retired: { id: number; token: string };
  /** Expires in 200 days: not due. */
  readonly fresh: { id: number; token: string };
}

/** Users svc-a..svc-e, projects platform/a..platform/e, an administrator; tokens for the five-result inventory. */
export function seedFleet(gitlab: GitlabEmulator): FleetTokens {
  gitlab.addUser({ username: 'root', admin: true });
  for (const letter of 'abcde') {
    gitlab.addUser({ username: `svc-${letter}`, serviceAccount: true });
    gitlab.addProject({ path: `platform/${letter}` });
  }
  const admin = gitlab.issueToken({ user: 'root', name: 'fleet', scopes: ['api'], expiresAt: '2027-06-01' });
  const due = gitlab.issueToken({
    user: 'svc-a',
    name: 'deploy',
    scopes: ['api'],
    createdAt: '2026-09-02T00:00:00Z',
    expiresAt: '2026-12-02',
  });
  const retired = gitlab.issueToken({
    user: 'svc-c',
    name: 'legacy',
    scopes: ['read_api'],
    expiresAt: '2027-03-01',
  });
  const fresh = gitlab.issueToken({
    user: 'svc-d',
    name: 'registry',
    scopes: ['read_registry'],
    expiresAt: '2027-06-15',
  });
  return { admin, due, retired, fresh };
}

/** One entry of each result: rotated (a), created (b), revoked (c), unchanged (d), failed (e: missing). */
export const FIVE_RESULTS = {
  defaults: { 'expires-in': '90d', 'rotate-before': '30d' },
  tokens: [
    {
      key: 'deploy-a',
      user: 'svc-a',
      'token-name': 'deploy',
      variables: [{ key: 'DEPLOY_TOKEN', project: 'platform/a' }],
    },
    {
      key: 'ci-b',
      user: 'svc-b',
      'token-name': 'ci',
      'create-missing': true,
      scopes: ['read_api', 'read_repository'],
      variables: [{ key: 'CI_TOKEN', project: 'platform/b' }],
    },
    { key: 'legacy-c', user: 'svc-c', 'token-name': 'legacy', state: 'revoked' },
    {
      key: 'registry-d',
      user: 'svc-d',
      'token-name': 'registry',
      variables: [{ key: 'REGISTRY_TOKEN', project: 'platform/d' }],
    },
    {
      key: 'ghost-e',
      user: 'svc-e',
      'token-name': 'ghost',
      variables: [{ key: 'GHOST_TOKEN', project: 'platform/e' }],
    },
  ],
};

export interface InventoryFiles extends Disposable {
  readonly dir: string;
  /** Writes an inventory (an object as YAML, or text as is) and returns its path. */
  write(inventory: object | string, name?: string): string;
}

export function inventoryFiles(): InventoryFiles {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-inventory-'));
  return {
    dir,
    write(inventory, name = 'tokens.yml') {
      const path = join(dir, name);
      writeFileSync(path, typeof inventory === 'string' ? inventory : stringify(inventory));
      return path;
    },
    [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }),
  };
}
