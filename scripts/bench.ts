/**
 * `npm run bench`: bundle sizes, and the cold start of the bundled Action doing `get self` against the emulator,
 * side by side with a 20-line raw-fetch script doing the same request (median of interleaved runs), plus the
 * Action's peak RSS. Budgets: main entry <= 1 MB, time ratio <= 1.5, peak RSS <= 100 MB. Then the fleet benchmarks
 * (scripts/bench/fleet.ts; BENCH_SKIP_FLEET=1 leaves them out).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../test/emulator/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BUDGET = { mainBytes: 1_000_000, ratio: 1.5, rssMb: 100 };

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} kB`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function timeRun(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    execFile(process.execPath, args, { env }, (error, _stdout, stderr) => {
      if (error) fail(new Error(`${args.join(' ')} failed: ${stderr}`));
      else done(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

console.log('Bundle sizes (dist/, minified ESM; chunks are loaded on demand)');
let mainBytes = 0;
for (const entry of ['main', 'post', 'cli']) {
  const dir = join(ROOT, 'dist', entry);
  const files = readdirSync(dir).filter((name) => name.endsWith('.js'));
  const entryBytes = statSync(join(dir, 'index.js')).size;
  const total = files.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
  if (entry === 'main') mainBytes = entryBytes;
  console.log(
    `  ${entry.padEnd(5)} index.js ${kb(entryBytes).padStart(8)}   with ${files.length - 1} chunks ${kb(total).padStart(8)}`,
  );
}

const gitlab = await startEmulator();
const scratch = mkdtempSync(join(tmpdir(), 'gitlab-pat-bench-'));
try {
  gitlab.addUser({ username: 'svc-bench', serviceAccount: true });
  const { token } = gitlab.issueToken({ user: 'svc-bench', name: 'bench', scopes: ['read_api'] });
  const rssFile = join(scratch, 'rss');
  const output = join(scratch, 'output');
  writeFileSync(output, '');
  const actionEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: output,
    INPUT_OPERATION: 'get',
    'INPUT_GITLAB-URL': gitlab.url,
    'INPUT_GITLAB-TOKEN': token,
    BENCH_RSS_FILE: rssFile,
  };
  const rawEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, GITLAB_URL: gitlab.url, GITLAB_TOKEN: token };
  const preload = ['--import', join(ROOT, 'scripts/bench/report-peak-rss.mjs')];
  const action = [...preload, join(ROOT, 'dist/main/index.js')];
  const raw = [join(ROOT, 'scripts/bench/raw-fetch-get-self.mjs')];

  // Warm the file cache for both, then interleave so that machine noise hits both alike.
  await timeRun(action, actionEnv);
  await timeRun(raw, rawEnv);
  writeFileSync(rssFile, '');
  const actionMs: number[] = [];
  const rawMs: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    actionMs.push(await timeRun(action, actionEnv));
    rawMs.push(await timeRun(raw, rawEnv));
  }
  const rssKb = readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  const ratio = median(actionMs) / median(rawMs);
  const peakMb = Math.max(...rssKb) / 1024;

  console.log(
    `\nCold start, get self against the emulator, ${RUNS} interleaved runs each (median, min..max)`,
  );
  const line = (name: string, values: number[]) =>
    `  ${name.padEnd(34)} ${median(values).toFixed(1).padStart(7)} ms  (${Math.min(...values).toFixed(0)}..${Math.max(...values).toFixed(0)})`;
  console.log(line('bundled Action (dist/main)', actionMs));
  console.log(line('raw fetch script (20 lines)', rawMs));
  console.log(`  ratio ${ratio.toFixed(2)}`);
  console.log(`  peak RSS of the Action: ${peakMb.toFixed(1)} MB (max of ${rssKb.length} runs)`);

  const checks = [
    [`main entry ${kb(mainBytes)} <= ${kb(BUDGET.mainBytes)}`, mainBytes <= BUDGET.mainBytes],
    [`time ratio ${ratio.toFixed(2)} <= ${BUDGET.ratio}`, ratio <= BUDGET.ratio],
    [`peak RSS ${peakMb.toFixed(1)} MB <= ${BUDGET.rssMb} MB`, peakMb <= BUDGET.rssMb],
  ] as const;
  console.log('\nBudgets');
  for (const [text, passed] of checks) console.log(`  ${passed ? 'ok  ' : 'OVER'} ${text}`);
  if (checks.some(([, passed]) => !passed)) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await gitlab.close();
}

// Fleets: audit of 10,000 tokens beside python-gitlab, sync of 500 entries (scripts/bench/fleet.ts).
if (process.env.BENCH_SKIP_FLEET !== '1') {
  const { benchFleet } = await import('./bench/fleet.js');
  if (!(await benchFleet())) process.exitCode = 1;
}
