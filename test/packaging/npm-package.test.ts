/**
 * The npm package as a user gets it: `npm pack`, installed into an empty project, then its `gitlab-pat` bin run:
 * `--help`, and a rotation against the GitLab emulator. The package holds the CLI (what `npx gitlab-pat` and the
 * GitLab components run) and its documents, nothing else: the Action is used from the GitHub repository, never from
 * npm, and the components are read by GitLab from the CI/CD Catalog project.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/index.js';
import { findLeaks } from '../support/leak-scan.js';
import { ROOT } from '../support/run-dist.js';

const pkg = (await import('../../package.json', { with: { type: 'json' } })).default;

let dir: string;
let packed: { filename: string; files: { path: string }[] };
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-pack-'));
  const npm = (args: string[], cwd: string) =>
    execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
  const [report] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as (typeof packed)[];
  if (!report) throw new Error('npm pack reported nothing');
  packed = report;
  const consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), '{ "name": "consumer", "private": true }\n');
  // --offline: the package declares no dependencies (everything is bundled), so installing it needs no registry.
  npm(['install', '--offline', '--ignore-scripts', join(dir, packed.filename)], consumer);
  bin = join(consumer, 'node_modules/.bin/gitlab-pat');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBin(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ exitCode: number; stdout: string; stderr: string }>((done) => {
    execFile(
      bin,
      args,
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        done({ exitCode: code, stdout, stderr });
      },
    );
  });
}

describe('the npm package', () => {
  it('holds the CLI, its GitHub-secret bundle, the inventory schema, the README, the license and the changelog, and nothing else', () => {
    // The CLI's chunks (dist/<bundle>/<id>.index.js) are the libraries it loads only when an operation needs them;
    // dist/github-secrets is the bundle it loads only when it writes a GitHub secret.
    const files = packed.files.map((file) => file.path).sort();
    expect(files.filter((path) => !/^dist\/(cli|github-secrets)\/\d+\.index\.js$/.test(path))).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'dist/cli/index.js',
      'dist/cli/package.json',
      'dist/github-secrets/index.js',
      'dist/github-secrets/package.json',
      'package.json',
      'schema/inventory.schema.json',
    ]);
    expect(packed.filename).toBe(`gitlab-pat-${pkg.version}.tgz`);
  });

  it('declares no dependencies, so that npx fetches only the package itself', () => {
    expect(Object.keys(pkg)).not.toContain('dependencies');
    expect(Object.keys(pkg)).not.toContain('peerDependencies');
    expect(Object.keys(pkg)).not.toContain('optionalDependencies');
  });

  it('installs a gitlab-pat command that prints its help', async () => {
    const run = await runBin(['--help']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('gitlab-pat');
    expect(run.stdout).toContain('--rotate-before');
    expect(run.stdout).toContain(pkg.version);
  });

  it('rotates a token into a CI/CD variable against the GitLab emulator', async () => {
    await using gitlab = await startEmulator({ now: '2026-11-27T06:00:00Z' });
    gitlab.addUser({ username: 'svc-deploy', serviceAccount: true });
    gitlab.addProject({ path: 'acme/deployer', members: [{ user: 'svc-deploy', accessLevel: 40 }] });
    const old = gitlab.issueToken({
      user: 'svc-deploy',
      name: 'deploy',
      scopes: ['api'],
      createdAt: '2026-08-29T00:00:00Z',
      expiresAt: '2026-12-02',
    });
    const run = await runBin(
      [
        '--gitlab-url',
        gitlab.url,
        '--rotate-before',
        '30d',
        '--variable-key',
        'DEPLOY_TOKEN',
        '--variable-project',
        'acme/deployer',
      ],
      { GITLAB_TOKEN: old.token },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const [fresh] = gitlab.activeTokens('svc-deploy');
    expect(JSON.parse(run.stdout)).toMatchObject({
      operation: 'rotate',
      rotated: true,
      'previous-token-id': old.id,
      'token-id': fresh?.id,
    });
    expect(gitlab.token(old.id)?.revoked).toBe(true);
    const variable = gitlab.variables({ project: 'acme/deployer' }).find((v) => v.key === 'DEPLOY_TOKEN');
    expect(variable?.value).toBe(fresh?.value);
    expect(findLeaks(run.stdout + run.stderr, gitlab.issuedTokenValues())).toEqual([]);
  });
});
