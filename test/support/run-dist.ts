/**
 * Runs the bundled Action and CLI as child processes, the way a runner does: a clean environment, INPUT_* variables,
 * GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files. Asynchronous, because the emulator answering the child
 * lives in the test process. Every run is recorded so that a test can scan everything any run ever wrote.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ACTION_MAIN = join(ROOT, 'dist/main/index.js');
export const ACTION_POST = join(ROOT, 'dist/post/index.js');
export const CLI = join(ROOT, 'dist/cli/index.js');

export interface ProcessRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every file the run wrote (outputs, state, summary), by name. */
  readonly files: Record<string, string>;
}

export interface ActionRun extends ProcessRun {
  readonly outputs: Record<string, string>;
  readonly state: Record<string, string>;
  readonly summary: string;
}

/** Everything every run in this test process wrote, for the leak scan. */
export const transcript: string[] = [];

function baseEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
}

function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000) {
  return new Promise<{ exitCode: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code =
          error && typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : error
              ? 1
              : 0;
        done({ exitCode: code, stdout, stderr });
      },
    );
  });
}

/** GitHub's file command format: `name<<DELIMITER\nvalue\nDELIMITER\n`. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) values[match[1] ?? ''] = match[3] ?? '';
  return values;
}

export async function runAction(
  inputs: Record<string, string>,
  options: { script?: string; env?: NodeJS.ProcessEnv; state?: Record<string, string> } = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-action-'));
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' } as const;
  const env: NodeJS.ProcessEnv = {
    ...baseEnvironment(),
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    ...options.env,
  };
  for (const [variable, name] of Object.entries(files)) {
    env[variable] = join(dir, name);
    writeFileSync(join(dir, name), '');
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  try {
    const run = await spawnNode(options.script ?? ACTION_MAIN, [], env);
    const written = Object.fromEntries(
      readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
    );
    transcript.push(
      run.stdout,
      run.stderr,
      ...Object.entries(written)
        .filter(([name]) => name !== 'output')
        .map(([, text]) => text),
    );
    // The output file legitimately holds the token output; everything else in it is scanned.
    const outputs = parseFileCommands(written.output ?? '');
    transcript.push(JSON.stringify({ ...outputs, token: undefined }));
    return {
      ...run,
      files: written,
      outputs,
      state: parseFileCommands(written.state ?? ''),
      summary: written.summary ?? '',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ProcessRun & { json: unknown }> {
  const run = await spawnNode(CLI, args, { ...baseEnvironment(), ...env });
  if (!args.includes('--print-token')) transcript.push(run.stdout);
  transcript.push(run.stderr);
  let json: unknown;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    json = undefined;
  }
  return { ...run, files: {}, json };
}
