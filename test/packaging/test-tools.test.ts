/**
 * scripts/ensure-test-tools.mjs, which `npm test` runs first (pretest): on a fresh machine the component tests need
 * rsync, which gitlab-ci-local's shell executor copies the checkout with. Each case runs the script with a PATH made
 * for it: a directory holding only the tools the case says are installed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/run-dist.js';

let bin: string;
beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'gitlab-pat-tools-'));
});
afterEach(() => rmSync(bin, { recursive: true, force: true }));

function install(name: string, script = '#!/bin/sh\nexit 0\n'): void {
  writeFileSync(join(bin, name), script);
  chmodSync(join(bin, name), 0o755);
}

function ensureTools() {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/ensure-test-tools.mjs')], {
    env: { PATH: bin, HOME: process.env.HOME },
    encoding: 'utf8',
  });
  return { exitCode: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('npm test, before the tests: the system tools they need', () => {
  it('does nothing when rsync and git are there', () => {
    install('rsync');
    install('git');
    expect(ensureTools()).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('without rsync and no way to install it, stops with one line that says what to install and why', () => {
    install('git');
    const run = ensureTools();
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('npm test needs rsync');
    expect(run.stderr).toContain('gitlab-ci-local');
    expect(run.stderr).toContain('sudo apt-get install rsync');
    expect(run.stderr).toContain('brew install rsync');
  });

  // A stand-in apt-get (it records its arguments and "installs" rsync into the PATH directory), since the real one
  // would change this machine. Only root installs without asking, so only as root does the script call it.
  it.runIf(process.getuid?.() === 0)(
    'as root, installs rsync with apt-get: lists first, then the package',
    () => {
      install('git');
      const calls = join(bin, 'apt-get.calls');
      install(
        'apt-get',
        `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> '${calls}'\nif [ "$1" = install ]; then printf '#!/bin/sh\\n' > '${bin}/rsync'; /bin/chmod +x '${bin}/rsync'; fi\n`,
      );
      const run = ensureTools();
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).toContain('npm test needs rsync: installing rsync with apt-get.');
      expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
        'noninteractive update -qq',
        'noninteractive install -y -qq --no-install-recommends rsync',
      ]);
    },
  );

  it.runIf(process.getuid?.() === 0)('as root, says what to install when apt-get could not', () => {
    install('git');
    install('apt-get', '#!/bin/sh\necho "E: no network" >&2\nexit 100\n');
    const run = ensureTools();
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('E: no network');
    expect(run.stderr).toContain('sudo apt-get install rsync');
  });
});
