/**
 * `npm run bench`: what a run costs, held to budgets, so that it can run in CI as a check (it exits 1 when a budget
 * is missed; it is not part of `npm test`). Each section is a module in scripts/bench/ (see bench-kit.ts for the
 * interface); the GitLab emulator runs in a process of its own and every measured child gets a clean environment.
 *
 *   npm run bench                          every section
 *   npm run bench -- cold-start requests   the sections named
 *   npm run bench -- --runs 31 --dist /tmp/dist-before --node /path/to/node24
 *
 * --runs: paired rounds of the timed sections (default 21, or BENCH_RUNS); --dist: the dist/ to measure (default
 * this checkout's); --node: the Node binary the measured children run on (default the one running this script).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchContext, BenchSection, Budget } from './bench/bench-kit.js';
import { coldStart } from './bench/cold-start.js';
import { fleet } from './bench/fleet.js';
import { listPaging } from './bench/list-paging.js';
import { requests } from './bench/requests.js';
import { sizes } from './bench/sizes.js';

/** In the order they run; a new benchmark is a module in scripts/bench/ and a line here. */
const SECTIONS: readonly BenchSection[] = [sizes, coldStart, requests, listPaging, fleet];

const ROOT = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '21' },
    dist: { type: 'string', default: join(ROOT, 'dist') },
    node: { type: 'string', default: process.execPath },
  },
  allowPositionals: true,
});
const unknown = positionals.filter((name) => !SECTIONS.some((section) => section.name === name));
if (unknown.length > 0) {
  console.error(
    `No benchmark section ${unknown.join(', ')}; the sections are ${SECTIONS.map((section) => section.name).join(', ')}.`,
  );
  process.exit(2);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive whole number, not ${values.runs}.`);
  process.exit(2);
}
const chosen =
  positionals.length > 0 ? SECTIONS.filter((section) => positionals.includes(section.name)) : SECTIONS;
const node = resolve(values.node);
const nodeVersion = execFileSync(node, ['--version'], {
  encoding: 'utf8',
  env: { PATH: process.env.PATH },
}).trim();

const scratch = mkdtempSync(join(tmpdir(), 'gitlab-pat-bench-'));
const context: BenchContext = { root: ROOT, dist: resolve(values.dist), node, nodeVersion, runs, scratch };
const results: { section: BenchSection; budgets: Budget[]; seconds: number }[] = [];
console.log(`gitlab-pat benchmark: ${context.dist}, children on Node ${nodeVersion}`);
try {
  for (const section of chosen) {
    console.log(`\n${section.title}`);
    const started = performance.now();
    let budgets = await section.run(context);
    if (section.timed && budgets.some((each) => !each.passed)) {
      const missed = budgets.filter((each) => !each.passed).map((each) => each.text);
      console.log(
        `\n  Missed: ${missed.join('; ')}. Timings on a shared machine are noisy: measuring again.`,
      );
      budgets = await section.run(context);
    }
    results.push({ section, budgets, seconds: (performance.now() - started) / 1000 });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log('\nBudgets');
for (const { section, budgets, seconds } of results) {
  console.log(`  ${section.name} (${seconds.toFixed(1)} s)`);
  for (const each of budgets) console.log(`    ${each.passed ? 'ok  ' : 'OVER'} ${each.text}`);
}
const missed = results.flatMap(({ budgets }) => budgets).filter((each) => !each.passed);
if (missed.length > 0) {
  console.log(`\n${missed.length} budget${missed.length === 1 ? '' : 's'} missed.`);
  process.exitCode = 1;
}
