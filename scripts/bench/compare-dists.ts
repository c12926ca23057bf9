/**
 * Compares builds of dist/ side by side, runs interleaved so that machine noise hits all alike:
 *   npx tsx scripts/bench/compare-dists.ts get 21 before=/tmp/dist-before after=dist
 *   npx tsx scripts/bench/compare-dists.ts secret 21 before=/tmp/dist-before after=dist
 * `get`: the bundled Action doing `get self` against the GitLab emulator, beside a bare node:http GET.
 * `secret`: the bundled Action creating a token into a GitHub repository secret (GitLab and GitHub emulators).
 * Prints per build the median wall time (min..max), the median CPU time (user + system, from the child itself,
 * steadier than wall time on a busy machine) and the peak RSS. Children get a clean environment.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../../test/emulator/index.js';
import { startGithubEmulator } from '../../test/github-emulator/index.js';

const [mode = 'get', runsText = '15', ...specs] = process.argv.slice(2);
if ((mode !== 'get' && mode !== 'secret') || specs.length === 0) {
  console.error('usage: compare-dists.ts get|secret RUNS label=DIST_DIR ...');
  process.exit(2);
}
const RUNS = Number(runsText);
const builds = specs.map((spec) => {
  const [label = '', path = ''] = spec.split('=');
  return { label, main: join(resolve(path), 'main/index.js') };
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

function timeRun(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    execFile(process.execPath, args, { env }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${args.join(' ')} failed: ${stdout}${stderr}`));
      else done(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'gitlab-pat-compare-'));
const usage = join(scratch, 'usage.mjs');
writeFileSync(
  usage,
  `import { appendFileSync } from 'node:fs';
const file = process.env.BENCH_USAGE_FILE;
if (file) process.on('exit', () => { const u = process.resourceUsage(); appendFileSync(file, u.maxRSS + ' ' + (u.userCPUTime + u.systemCPUTime) / 1000 + '\\n'); });
`,
);
const raw = join(scratch, 'raw-http-get-self.mjs');
writeFileSync(
  raw,
  `import http from 'node:http';
http.get(new URL(process.env.GITLAB_URL + '/api/v4/personal_access_tokens/self'), { headers: { 'PRIVATE-TOKEN': process.env.GITLAB_TOKEN } }, (res) => {
  let body = '';
  res.on('data', (chunk) => (body += chunk));
  res.on('end', () => process.stdout.write(JSON.stringify({ 'token-id': JSON.parse(body).id }) + '\\n'));
});
`,
);

const gitlab = await startEmulator();
const github = await startGithubEmulator();
try {
  gitlab.addUser({ username: 'root', admin: true });
  gitlab.addUser({ username: 'svc-bench', serviceAccount: true });
  const reader = gitlab.issueToken({ user: 'svc-bench', name: 'bench', scopes: ['read_api'] });
  const admin = gitlab.issueToken({ user: 'root', name: 'admin', scopes: ['api'], expiresAt: '2027-06-01' });
  github.addRepository('octo/app');
  const githubToken = github.issueToken({ grants: [{ repository: 'octo/app', secrets: 'write' }] });
  const output = join(scratch, 'output');
  const inputs: NodeJS.ProcessEnv =
    mode === 'get'
      ? { INPUT_OPERATION: 'get', 'INPUT_GITLAB-URL': gitlab.url, 'INPUT_GITLAB-TOKEN': reader.token }
      : {
          INPUT_OPERATION: 'create',
          'INPUT_GITLAB-URL': gitlab.url,
          'INPUT_GITLAB-TOKEN': admin.token,
          INPUT_USER: 'svc-bench',
          INPUT_NAME: 'bench',
          INPUT_SCOPES: 'read_api',
          'INPUT_GITHUB-SECRET': 'BENCH_TOKEN',
          'INPUT_GITHUB-TOKEN': githubToken,
          GITHUB_API_URL: github.url,
          GITHUB_REPOSITORY: 'octo/app',
        };
  const cases: { label: string; args: string[]; env: NodeJS.ProcessEnv; usageFile: string }[] = builds.map(
    ({ label, main }) => {
      const usageFile = join(scratch, `usage-${label}`);
      const env = { PATH: process.env.PATH, GITHUB_OUTPUT: output, BENCH_USAGE_FILE: usageFile, ...inputs };
      return { label, args: ['--import', usage, main], env, usageFile };
    },
  );
  if (mode === 'get') {
    const usageFile = join(scratch, 'usage-raw');
    cases.push({
      label: 'node:http GET',
      args: ['--import', usage, raw],
      env: {
        PATH: process.env.PATH,
        GITLAB_URL: gitlab.url,
        GITLAB_TOKEN: reader.token,
        BENCH_USAGE_FILE: usageFile,
      },
      usageFile,
    });
  }
  // Warm the file cache, then forget what the warm-up measured.
  for (const run of cases) {
    writeFileSync(output, '');
    await timeRun(run.args, run.env);
    writeFileSync(run.usageFile, '');
  }
  const wall = new Map<string, number[]>(cases.map((run) => [run.label, []]));
  for (let round = 0; round < RUNS; round += 1) {
    for (const run of cases) {
      writeFileSync(output, '');
      wall.get(run.label)?.push(await timeRun(run.args, run.env));
    }
  }
  console.log(`${mode}: ${RUNS} interleaved runs each`);
  for (const run of cases) {
    const times = wall.get(run.label) ?? [];
    const lines = readFileSync(run.usageFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ').map(Number));
    const rssMb = Math.max(...lines.map(([rss = 0]) => rss)) / 1024;
    const cpuMs = median(lines.map(([, cpu = 0]) => cpu));
    console.log(
      `  ${run.label.padEnd(16)} wall ${median(times).toFixed(1).padStart(7)} ms (${Math.min(...times).toFixed(0)}..${Math.max(...times).toFixed(0)})  cpu ${cpuMs.toFixed(1).padStart(6)} ms  peak RSS ${rssMb.toFixed(1)} MB`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await gitlab.close();
  await github.close();
}
