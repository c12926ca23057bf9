/**
 * What every benchmark section shares: the section interface scripts/bench.ts runs, child processes started with a
 * clean environment and timed from the outside, what a runner hands the Action (inputs, GITHUB_* files), paired and
 * interleaved measurements, and the figures' formats.
 *
 * Why paired: this machine (and CI's) runs other work at the same time, so two medians taken minutes apart compare
 * two different machines. Each round here runs every contender once, back to back, in a rotating order, and the
 * ratio is taken within the round; the median of those ratios (with their range) is what a budget is held to.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** What a section is given. */
export interface BenchContext {
  /** The project root. */
  readonly root: string;
  /** The dist/ directory under test (main, post, cli, github-secrets). */
  readonly dist: string;
  /** The Node binary the measured children run on (by default the one running the benchmark). */
  readonly node: string;
  /** Its `node --version`. */
  readonly nodeVersion: string;
  /** Paired rounds for timings. */
  readonly runs: number;
  /** A directory of the run's own, removed afterwards. */
  readonly scratch: string;
}

/** One budget and whether the measurement kept it. */
export interface Budget {
  readonly text: string;
  readonly passed: boolean;
}

/** A part of `npm run bench`: prints what it measured and returns its budgets. */
export interface BenchSection {
  /** For `npm run bench -- NAME ...`. */
  readonly name: string;
  readonly title: string;
  /**
   * Its budgets are timings, which a noisy machine can miss once: a miss is measured again, and only a second miss
   * counts. Counts and sizes are exact and are never measured twice.
   */
  readonly timed?: boolean;
  run(context: BenchContext): Promise<Budget[]>;
}

export function budget(text: string, passed: boolean): Budget {
  return { text, passed };
}

/** Only PATH: no NODE_OPTIONS, no NODE_EXTRA_CA_CERTS (which costs every Node start about 90 ms here). */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...extra };
}

export interface ChildRun {
  /** From spawn to exit, milliseconds. */
  readonly wallMs: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node args...` and times it from the outside; fails when it exits non-zero (unless allowed). */
export function runNode(
  context: BenchContext,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { allowFailure?: boolean } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(context.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const run: ChildRun = {
        wallMs: Number(process.hrtime.bigint() - started) / 1e6,
        exitCode: code ?? 1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (run.exitCode !== 0 && !options.allowFailure) {
        reject(new Error(`node ${args.join(' ')} exited ${run.exitCode}:\n${run.stdout}${run.stderr}`));
      } else resolve(run);
    });
  });
}

/** A process to measure: how to start it (arguments to node and environment) and how to reset its files. */
export interface Contender {
  readonly label: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Called before every run, e.g. to empty the files a runner would hand a fresh step. */
  readonly reset?: () => void;
}

/** Per contender, one figure per round, in the same order as the rounds. */
export type Rounds = Map<string, number[]>;

/**
 * `rounds` rounds, each running every contender once, the order rotating from round to round; one warm-up round
 * first (file cache), not counted. Returns wall milliseconds per contender.
 */
export async function timeInterleaved(
  context: BenchContext,
  contenders: readonly Contender[],
  rounds: number,
): Promise<Rounds> {
  const times: Rounds = new Map(contenders.map((each) => [each.label, []]));
  for (let round = -1; round < rounds; round += 1) {
    for (const contender of rotate(contenders, round)) {
      contender.reset?.();
      const run = await runNode(context, contender.args, contender.env);
      if (round >= 0) times.get(contender.label)?.push(run.wallMs);
    }
  }
  return times;
}

/** The usage reporter, preloaded with --require: appends `maxRSS(kB) cpuMs` to BENCH_USAGE_FILE at exit. */
const USAGE_REPORTER = join(import.meta.dirname, 'floors/report-usage.cjs');

/**
 * Peak RSS (MiB) and CPU time (user + system, milliseconds) per contender, from the children themselves, in rounds
 * as timeInterleaved. Separate from the timed runs, which run with nothing preloaded.
 */
export async function usageInterleaved(
  context: BenchContext,
  contenders: readonly Contender[],
  rounds: number,
): Promise<{ rssMib: Rounds; cpuMs: Rounds }> {
  const rssMib: Rounds = new Map(contenders.map((each) => [each.label, []]));
  const cpuMs: Rounds = new Map(contenders.map((each) => [each.label, []]));
  const file = join(context.scratch, 'usage');
  for (let round = -1; round < rounds; round += 1) {
    for (const contender of rotate(contenders, round)) {
      contender.reset?.();
      writeFileSync(file, '');
      await runNode(context, ['--require', USAGE_REPORTER, ...contender.args], {
        ...contender.env,
        BENCH_USAGE_FILE: file,
      });
      const [rssKb = NaN, cpu = NaN] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
      if (round >= 0) {
        rssMib.get(contender.label)?.push(rssKb / 1024);
        cpuMs.get(contender.label)?.push(cpu);
      }
    }
  }
  rmSync(file, { force: true });
  return { rssMib, cpuMs };
}

function rotate<T>(items: readonly T[], round: number): T[] {
  const shift = ((round % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** Round by round, `of` divided by `by`. */
export function ratios(rounds: Rounds, of: string, by: string): number[] {
  const top = rounds.get(of) ?? [];
  const bottom = rounds.get(by) ?? [];
  return top.map((value, index) => value / (bottom[index] ?? NaN));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** `1.42 (1.31-1.60)`: the median and the range. */
export function spread(values: readonly number[], digits = 2): string {
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)})`;
}

/** Bytes in KiB (1024 bytes), labelled so. */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** A reset that empties files a runner hands a fresh step (GITHUB_OUTPUT and friends start empty). */
export function emptyFiles(paths: readonly string[]): () => void {
  return () => {
    for (const path of paths) writeFileSync(path, '');
  };
}

/** What a runner hands a step: INPUT_<NAME> for every input with a default in action.yml, then the given ones. */
export function actionInputs(root: string, given: Record<string, string>): NodeJS.ProcessEnv {
  const manifest = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: NodeJS.ProcessEnv = {};
  for (const [name, input] of Object.entries(manifest.inputs)) {
    if (input.default !== undefined) env[`INPUT_${name.toUpperCase()}`] = String(input.default);
  }
  for (const [name, value] of Object.entries(given)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** The runner's files for one step, in the scratch directory, and a reset that empties them before each run. */
export function runnerFiles(
  context: BenchContext,
  label: string,
): { env: NodeJS.ProcessEnv; reset: () => void } {
  const names = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV', 'GITHUB_PATH'];
  const env: NodeJS.ProcessEnv = { GITHUB_ACTIONS: 'true', RUNNER_TEMP: context.scratch };
  for (const name of names) {
    env[name] = join(context.scratch, `${label}-${name.toLowerCase()}`);
    writeFileSync(env[name], '');
  }
  return { env, reset: emptyFiles(names.map((name) => env[name] ?? '')) };
}
