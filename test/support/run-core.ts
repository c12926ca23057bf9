/**
 * Runs the core in-process against the emulator through the real HTTP client, the way a front door does,
 * and keeps everything it wrote so that tests can assert on messages and scan them for secrets.
 */
import type { Clock } from '../../src/core/time/clock.js';
import type { Destination } from '../../src/core/destinations/destination.js';
import type { PatError } from '../../src/core/errors.js';
import type { RetryPolicy } from '../../src/core/retry-policy.js';
import { createLogger, type LogSink } from '../../src/core/logger.js';
import type { OperationResult } from '../../src/core/operations/result.js';
import type { RawOptions } from '../../src/core/options/option-kit.js';
import { parseOptions } from '../../src/core/options/parse-options.js';
import { SecretRegistry } from '../../src/core/redact.js';
import { runOperation } from '../../src/core/run-operation.js';
import type { GitlabEmulator } from '../emulator/index.js';

export interface CoreRun {
  readonly result?: OperationResult;
  readonly error?: PatError | Error;
  /** Every line written, prefixed with its level. */
  readonly lines: string[];
  /** Values handed to the front door's output. */
  readonly delivered: string[];
  readonly masked: string[];
  readonly sleeps: number[];
}

export interface CoreRunOptions {
  readonly clock?: Clock;
  readonly retryPolicy?: Partial<RetryPolicy>;
  /** Replaces the default output (a destination that always works). */
  readonly outputs?: readonly Destination[];
  /** Sleep without waiting; the waits are recorded. Default true. */
  readonly fakeSleep?: boolean;
  /** Called at every (fake) sleep: lets a test change GitLab while the run waits. */
  readonly onSleep?: (ms: number) => Promise<void> | void;
}

export const TEST_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 90_000,
  baseDelayMs: 1_000,
  maxDelayMs: 20_000,
  attemptTimeoutMs: 2_000,
};

export async function runCore(
  emulator: GitlabEmulator,
  raw: RawOptions,
  options: CoreRunOptions = {},
): Promise<CoreRun> {
  const lines: string[] = [];
  const delivered: string[] = [];
  const masked: string[] = [];
  const sleeps: number[] = [];
  const sink: LogSink = {
    info: (line) => lines.push(`info: ${line}`),
    warn: (line) => lines.push(`warn: ${line}`),
    error: (line) => lines.push(`error: ${line}`),
    debug: (line) => lines.push(`debug: ${line}`),
    mask: (value) => masked.push(value),
  };
  const secrets = new SecretRegistry();
  const log = createLogger(sink, secrets);
  let virtualNow = 0;
  const fakeSleep = options.fakeSleep ?? true;
  try {
    const today = (options.clock ?? emulator.clock).now().toISOString().slice(0, 10);
    const { options: parsed, warnings } = parseOptions({ 'gitlab-url': emulator.url, ...raw }, { today });
    if (parsed.gitlabToken) secrets.add(parsed.gitlabToken);
    for (const warning of warnings) log.warn(warning);
    const result = await runOperation(parsed, {
      log,
      clock: options.clock ?? { now: () => new Date() },
      retryPolicy: { ...TEST_RETRY_POLICY, ...options.retryPolicy },
      random: () => 0.5,
      ...(fakeSleep
        ? {
            sleep: async (ms: number) => {
              sleeps.push(ms);
              virtualNow += ms;
              await options.onSleep?.(ms);
            },
            nowMs: () => Date.now() + virtualNow,
          }
        : {}),
      outputs: options.outputs ?? [
        {
          description: 'the test output',
          durable: false,
          preflight: () => Promise.resolve(),
          write: (token) => {
            delivered.push(token.token);
            return Promise.resolve();
          },
        },
      ],
    });
    return { result, lines, delivered, masked, sleeps };
  } catch (error) {
    return { error: error as Error, lines, delivered, masked, sleeps };
  }
}

/** Every text the run produced, for leak scans. */
export function everythingWritten(run: CoreRun): string {
  return [
    ...run.lines,
    run.error?.message ?? '',
    ...((run.error as PatError | undefined)?.steps ?? []),
    JSON.stringify(run.result ?? {}, (key, value: unknown) => (key === 'newToken' ? undefined : value)),
  ].join('\n');
}
