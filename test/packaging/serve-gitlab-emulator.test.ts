/**
 * `npm run emulator` (scripts/serve-gitlab-emulator.ts): the GitLab emulator as a process of its own, which the
 * self-test workflow starts in a step and the README's local-action instructions start in a terminal. Here it is
 * started the way the workflow starts it, and the bundled Action rotates against it with the inputs it wrote.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { findLeaks } from '../support/leak-scan.js';
import { ROOT, runAction } from '../support/run-dist.js';

const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `KEY=value` lines, as dotenv and $GITHUB_OUTPUT hold them (values without newlines). */
function keyValues(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([^#=\s][^=]*)=(.*)$/.exec(line);
    if (match) pairs[match[1] ?? ''] = match[2] ?? '';
  }
  return pairs;
}

describe('npm run emulator', () => {
  it('serves a seeded GitLab, writes the inputs and outputs files, and reports what changed when stopped', async () => {
    const dotenvFile = join(dir, '.env');
    const outputsFile = join(dir, 'outputs');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/serve-gitlab-emulator.ts',
        '--write-dotenv',
        dotenvFile,
        '--write-outputs',
        outputsFile,
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      for (let waited = 0; !existsSync(outputsFile) && waited < 20_000; waited += 100) await sleep(100);
      expect(existsSync(outputsFile), log).toBe(true);
      const outputs = keyValues(readFileSync(outputsFile, 'utf8'));
      expect(Object.keys(outputs)).toEqual(['url', 'token', 'token-id', 'admin-token']);
      expect(outputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const self = await fetch(`${outputs.url}/api/v4/personal_access_tokens/self`, {
        headers: { 'PRIVATE-TOKEN': outputs.token ?? '' },
      });
      expect(self.status).toBe(200);
      expect(((await self.json()) as { id: number; name: string }).id).toBe(Number(outputs['token-id']));

      const inputs = Object.fromEntries(
        Object.entries(keyValues(readFileSync(dotenvFile, 'utf8'))).map(([name, value]) => [
          name.replace(/^INPUT_/, '').toLowerCase(),
          value,
        ]),
      );
      expect(inputs).toMatchObject({ 'gitlab-url': outputs.url, 'gitlab-token': outputs.token });
      const run = await runAction(inputs);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.outputs).toMatchObject({ rotated: 'true', 'previous-token-id': outputs['token-id'] });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toContain(`CI/CD variable DEPLOY_TOKEN holds token ${run.outputs['token-id']}.`);
      const everyValue = [outputs.token, outputs['admin-token'], run.outputs.token].map(String);
      expect(findLeaks(log, everyValue)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
