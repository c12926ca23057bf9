/**
 * The fleet section of `npm run bench` (`npm run bench -- fleet` alone), against the GitLab emulator:
 * - audit of 10,000 personal tokens (plus the administrator's own: 10,001 rows, so GitLab leaves out the totals and
 *   every page follows x-next-page), by the bundled CLI, side by side in the same run with python-gitlab's CLI
 *   (Debian python3-gitlab) listing the same tokens: wall time (median of interleaved runs), list requests, peak RSS;
 * - sync of 500 inventory entries of which 100 are due, by the bundled CLI: wall time and requests.
 * Budgets (issue 10): audit at most 0.6x python-gitlab's time, at most 101 list requests, peak RSS at most 150 MB;
 * sync of 500 at most 10 s. Both CLIs run with a clean environment (no NODE_EXTRA_CA_CERTS); ours is the CLI of
 * the bench's --dist on its --node. BENCH_FLEET_RUNS: interleaved audit runs (default 5).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { startEmulator } from '../../test/emulator/index.js';
import { budget, type BenchSection } from './bench-kit.js';

const ROOT = resolve(import.meta.dirname, '../..');
// Appends `maxRSS(kB) cpuMs` to BENCH_USAGE_FILE at exit (the cold-start section's reporter).
const USAGE_REPORTER = join(ROOT, 'scripts/bench/floors/report-usage.cjs');
const PYTHON = '/usr/bin/python3';
const BUDGET = { ratio: 0.6, listRequests: 101, rssMb: 150, syncMs: 10_000 };
const TOKENS = Number(process.env.BENCH_FLEET_TOKENS ?? 10_000);
const USERS = 10;

interface Timed {
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    execFile(command, args, { env, maxBuffer: 256 << 20 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ ms: Number(process.hrtime.bigint() - started) / 1e6, stdout, stderr, exitCode });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Where and with what the measured CLI runs: the bench's --dist and --node. */
interface Contender {
  readonly node: string;
  readonly cli: string;
}

async function benchAudit(scratch: string, runs: number, measured: Contender): Promise<[string, boolean][]> {
  await using gitlab = await startEmulator();
  gitlab.addUser({ username: 'root', admin: true });
  const admin = gitlab.issueToken({ user: 'root', name: 'auditor', scopes: ['api'] });
  for (let user = 0; user < USERS; user += 1) {
    gitlab.addUser({ username: `svc-${user}`, serviceAccount: true });
    gitlab.issueTokens({
      user: `svc-${user}`,
      count: Math.floor(TOKENS / USERS) + (user < TOKENS % USERS ? 1 : 0),
      name: (index) => `token-${user}-${index}`,
      scopes: ['read_api'],
    });
  }
  const rssFile = join(scratch, 'rss');
  const ours = {
    args: ['--require', USAGE_REPORTER, measured.cli, 'audit', '--fail-on', 'none'],
    env: {
      PATH: process.env.PATH,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: admin.token,
      BENCH_USAGE_FILE: rssFile,
    },
  };
  const config = join(scratch, 'python-gitlab.cfg');
  writeFileSync(
    config,
    `[global]\ndefault = bench\n\n[bench]\nurl = ${gitlab.url}\nprivate_token = ${admin.token}\napi_version = 4\n`,
  );
  const python = {
    args: [
      '-m',
      'gitlab',
      '-c',
      config,
      '-o',
      'json',
      'personal-access-token',
      'list',
      '--get-all',
      '--per-page',
      '100',
    ],
    env: { PATH: process.env.PATH, HOME: scratch },
  };
  const havePython =
    existsSync(PYTHON) && (await run(PYTHON, ['-c', 'import gitlab'], python.env)).exitCode === 0;
  if (!havePython) {
    console.log(
      '\npython-gitlab is not installed (Debian: apt-get install -y python3-gitlab): the audit is measured alone.',
    );
  }

  // Warm the file cache for both, then interleave so that machine noise hits both alike.
  const warm = await run(measured.node, ours.args, ours.env);
  if (warm.exitCode !== 0) throw new Error(`gitlab-pat audit failed: ${warm.stderr.slice(-2000)}`);
  const audited = (JSON.parse(warm.stdout) as { summary: { total: number } }).summary.total;
  if (havePython) {
    const listed = await run(PYTHON, python.args, python.env);
    if (listed.exitCode !== 0) throw new Error(`python-gitlab failed: ${listed.stderr.slice(-2000)}`);
    console.log(`\npython-gitlab listed ${(JSON.parse(listed.stdout) as unknown[]).length} tokens`);
  }
  writeFileSync(rssFile, '');
  const oursMs: number[] = [];
  const pythonMs: number[] = [];
  const listRequests: number[] = [];
  for (let attempt = 0; attempt < runs; attempt += 1) {
    gitlab.clearRequests();
    oursMs.push((await run(measured.node, ours.args, ours.env)).ms);
    listRequests.push(
      gitlab.requests.filter((request) => request.path === '/api/v4/personal_access_tokens').length,
    );
    if (havePython) pythonMs.push((await run(PYTHON, python.args, python.env)).ms);
  }
  const peakMb =
    Math.max(
      ...readFileSync(rssFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => Number(line.split(' ')[0])),
    ) / 1024;
  const line = (name: string, values: number[]) =>
    `  ${name.padEnd(44)} ${median(values).toFixed(0).padStart(7)} ms  (${Math.min(...values).toFixed(0)}..${Math.max(...values).toFixed(0)})`;
  console.log(
    `\nAudit of ${audited} tokens (10,000 personal tokens and the administrator's), ${runs} interleaved runs each (median, min..max)`,
  );
  console.log(line('gitlab-pat audit (dist/cli)', oursMs));
  if (havePython) console.log(line('python-gitlab personal-access-token list', pythonMs));
  const ratio = havePython ? median(oursMs) / median(pythonMs) : Number.NaN;
  if (havePython) console.log(`  ratio ${ratio.toFixed(2)}`);
  console.log(`  list requests ${Math.max(...listRequests)}; peak RSS ${peakMb.toFixed(1)} MB`);
  return [
    [
      `audit time ratio ${havePython ? ratio.toFixed(2) : 'n/a'} <= ${BUDGET.ratio}`,
      !havePython || ratio <= BUDGET.ratio,
    ],
    [
      `audit list requests ${Math.max(...listRequests)} <= ${BUDGET.listRequests}`,
      Math.max(...listRequests) <= BUDGET.listRequests,
    ],
    [`audit peak RSS ${peakMb.toFixed(1)} MB <= ${BUDGET.rssMb} MB`, peakMb <= BUDGET.rssMb],
  ];
}

async function benchSync(scratch: string, ours: Contender): Promise<[string, boolean][]> {
  await using gitlab = await startEmulator({ now: '2026-11-27T06:00:00Z' });
  gitlab.addUser({ username: 'root', admin: true });
  const admin = gitlab.issueToken({ user: 'root', name: 'fleet', scopes: ['api'], expiresAt: '2027-09-01' });
  const entries: object[] = [];
  for (let user = 0; user < 5; user += 1) {
    gitlab.addUser({ username: `svc-${user}`, serviceAccount: true });
    gitlab.addProject({ path: `fleet/vars-${user}` });
    for (let index = 0; index < 100; index += 1) {
      // One in five is due (expires in 10 days); the others expire in 200 days.
      gitlab.issueToken({
        user: `svc-${user}`,
        name: `bot-${index}`,
        scopes: ['read_api'],
        createdAt: '2026-09-01T00:00:00Z',
        expiresAt: index % 5 === 0 ? '2026-12-07' : '2027-06-15',
      });
      entries.push({
        key: `svc-${user}-bot-${index}`,
        user: `svc-${user}`,
        'token-name': `bot-${index}`,
        variables: [{ key: `BOT_${index}`, project: `fleet/vars-${user}` }],
      });
    }
  }
  const inventory = join(scratch, 'tokens.yml');
  writeFileSync(
    inventory,
    stringify({ defaults: { 'expires-in': '90d', 'rotate-before': '30d' }, tokens: entries }),
  );
  gitlab.clearRequests();
  const synced = await run(ours.node, [ours.cli, 'sync', '--inventory', inventory], {
    PATH: process.env.PATH,
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: admin.token,
  });
  if (synced.exitCode !== 0) throw new Error(`gitlab-pat sync failed: ${synced.stderr.slice(-2000)}`);
  const summary = (JSON.parse(synced.stdout) as { summary: Record<string, number> }).summary;
  console.log(
    `\nSync of ${summary.total} entries (${summary.rotated} rotated, ${summary.unchanged} unchanged): ${synced.ms.toFixed(0)} ms, ${gitlab.requests.length} requests, concurrency 4`,
  );
  return [
    [
      `sync of 500 (100 due) ${(synced.ms / 1000).toFixed(1)} s <= ${BUDGET.syncMs / 1000} s`,
      synced.ms <= BUDGET.syncMs,
    ],
    ['sync rotated exactly the 100 due entries', summary.rotated === 100 && summary.unchanged === 400],
  ];
}

/** The fleet section of `npm run bench`. */
export const fleet: BenchSection = {
  name: 'fleet',
  timed: true,
  title: 'Fleets: audit of 10,000 tokens beside python-gitlab, sync of 500 entries',
  async run(context) {
    const scratch = mkdtempSync(join(context.scratch, 'fleet-'));
    const ours = { node: context.node, cli: join(context.dist, 'cli/index.js') };
    try {
      const checks = [
        ...(await benchAudit(scratch, Number(process.env.BENCH_FLEET_RUNS ?? 5), ours)),
        ...(await benchSync(scratch, ours)),
      ];
      return checks.map(([text, passed]) => budget(text, passed));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
