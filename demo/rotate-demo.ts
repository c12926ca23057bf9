/**
 * `npm run demo`: the tool's main job, end to end, with no GitLab account. A service account's token expires in
 * five days; a scheduled workflow runs the bundled Action with rotate-before 30d. The emulator stands in for
 * GitLab; the Action runs as a child process exactly as a GitHub runner starts it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../test/emulator/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const ACTION = join(ROOT, 'dist/main/index.js');

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

function runAction(
  inputs: Record<string, string>,
): Promise<{ code: number; log: string; outputs: string; summary: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-demo-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const file of ['output', 'state', 'summary']) writeFileSync(join(dir, file), '');
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return new Promise((done) => {
    execFile(process.execPath, [ACTION], { env }, (error, stdout, stderr) => {
      const read = (name: string) => readFileSync(join(dir, name), 'utf8');
      const result = {
        code: error ? Number(error.code ?? 1) : 0,
        log: stdout + stderr,
        outputs: read('output'),
        summary: read('summary'),
      };
      rmSync(dir, { recursive: true, force: true });
      done(result);
    });
  });
}

/** What a runner shows: mask commands are consumed by the runner, the rest printed with the value replaced. */
function asRunnerShows(log: string): string {
  const masked = [...log.matchAll(/^::add-mask::(.*)$/gm)].map((match) => match[1] ?? '');
  return log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::') && !line.startsWith('::debug::') && line !== '')
    .map((line) => masked.reduce((text, value) => text.split(value).join('***'), line))
    .map((line) => `    ${line}`)
    .join('\n');
}

function outputsShown(raw: string): string {
  const lines: string[] = [];
  for (const match of raw.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    const [name, value] = [match[1] ?? '', match[3] ?? ''];
    lines.push(
      `    ${name}: ${name === 'token' ? `*** (masked in the log; ${value.length} characters, handed to the next step)` : value}`,
    );
  }
  return lines.join('\n');
}

const gitlab = await startEmulator();
try {
  gitlab.addUser({ username: 'svc-deploy', name: 'Deploy service account', serviceAccount: true });
  const expiring = gitlab.issueToken({
    user: 'svc-deploy',
    name: 'deploy',
    description: 'pushes release images',
    scopes: ['api'],
    createdAt: new Date(Date.now() - 85 * 86_400_000).toISOString(),
    expiresAt: daysFromNow(5),
  });
  console.log(`GitLab emulator on ${gitlab.url} (stands in for gitlab.com; nothing leaves this machine)`);
  console.log(
    `Service account svc-deploy holds token ${expiring.id} "deploy", a 90-day token expiring ${daysFromNow(5)}: five days left.\n`,
  );

  const inputs = { 'gitlab-url': gitlab.url, 'gitlab-token': expiring.token, 'rotate-before': '30d' };
  console.log('1. The scheduled workflow runs the Action (node dist/main/index.js) with rotate-before: 30d');
  const first = await runAction(inputs);
  console.log(asRunnerShows(first.log));
  console.log('  Step outputs:');
  console.log(outputsShown(first.outputs));
  const fresh = gitlab.activeTokens('svc-deploy')[0];
  console.log(
    `  GitLab now: token ${expiring.id} ${gitlab.token(expiring.id)?.revoked ? 'revoked' : 'STILL ACTIVE'}; token ${fresh?.id} active until ${fresh?.expiresAt}.`,
  );
  const rotates = gitlab.requests.filter((request) => request.path.endsWith('/rotate')).length;
  console.log(
    `  Rotate requests sent: ${rotates}. Requests: ${gitlab.requests.map((request) => `${request.method} ${request.path.replace('/api/v4', '')} ${request.status}`).join(', ')}\n`,
  );

  console.log('2. Next day the schedule runs again with the new token: nothing is due');
  const second = await runAction({ ...inputs, 'gitlab-token': fresh?.value ?? '' });
  console.log(asRunnerShows(second.log));
  console.log(outputsShown(second.outputs));
  console.log('\nJob summary of the first run (Markdown):\n');
  console.log(first.summary.replace(/^/gm, '    '));
  process.exitCode = first.code || second.code;
} finally {
  await gitlab.close();
}
