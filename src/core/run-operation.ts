/**
 * The core's single entry: typed options and the front door's side effects in, a result out. Knows nothing of
 * GitHub, GitLab CI or terminals.
 */
import { readFile as readFileFromDisk, writeFile as writeFileToDisk } from 'node:fs/promises';
import type { ChangeGuard } from './change-guard.js';
import type { Destination } from './destinations/destination.js';
import { gitlabVariableDestination } from './destinations/gitlab-variable.js';
import { InputError } from './errors.js';
import type { InventoryEntry, InventoryList } from './fleet/read-inventory.js';
import { createRateLimitThrottle } from './gitlab/rate-limit.js';
import { createGitlabApi } from './gitlab/gitlab-api.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import type { Logger } from './logger.js';
import { createToken } from './operations/create.js';
import { getToken } from './operations/get.js';
import { listTokens } from './operations/list.js';
import type { OperationContext } from './operations/operation-context.js';
import type { OperationResult } from './operations/result.js';
import { revokeToken } from './operations/revoke.js';
import { rotateToken } from './operations/rotate.js';
import type { Operation } from './options/option-kit.js';
import type { Options } from './options/parse-options.js';
import { GitlabAlignedClock, systemClock, type Clock } from './time/clock.js';

export interface RunEnvironment {
  readonly log: Logger;
  /** The machine's clock; GitLab's takes over once seen. */
  readonly clock?: Clock;
  /** Milliseconds. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds for retry budgets; moves with `sleep` in tests that fake time. */
  readonly nowMs?: () => number;
  readonly random?: () => number;
  readonly retryPolicy?: RetryPolicy;
  /** The front door's own places for a new token (the Action's masked output and GitHub secret, the CLI's stdout). */
  readonly outputs?: readonly Destination[];
  /** sync: destination lists an inventory entry may have besides `variables` (the GitHub secrets of a front door). */
  readonly inventoryLists?: readonly InventoryList[];
  /** Reads the inventory (UTF-8); default the file system. */
  readonly readFile?: (path: string) => Promise<string>;
  /** Writes report-file and junit-file; default the file system. */
  readonly writeFile?: (path: string, text: string) => Promise<void>;
  /** The process adapter that keeps cancellation from cutting a token change short (src/process/change-guard.ts). */
  readonly changes?: ChangeGuard;
  /**
   * Called with the token resolved, before anything changes; it throws to refuse (the post step refuses to revoke
   * the credential itself). See OperationContext.beforeChange.
   */
  readonly beforeChange?: OperationContext['beforeChange'];
}

const OPERATIONS: Record<
  Exclude<Operation, 'sync' | 'audit'>,
  (context: OperationContext) => Promise<OperationResult>
> = {
  create: createToken,
  list: listTokens,
  get: getToken,
  revoke: revokeToken,
  rotate: rotateToken,
};

const MAKES_TOKENS: ReadonlySet<Operation> = new Set(['create', 'rotate']);

/**
 * Runs one operation. For sync and audit, the inventory is read and checked first, before any request (a bad one is
 * an InputError, exit 2); the result then carries the report and the run's exit code, and report-file (and, for an
 * audit, junit-file) are written here, the same for every front door.
 */
export async function runOperation(options: Options, environment: RunEnvironment): Promise<OperationResult> {
  const inventory =
    options.fleet?.inventory !== undefined ? await loadInventory(options, environment) : undefined;
  const clock = new GitlabAlignedClock(environment.clock ?? systemClock, (message) =>
    environment.log.debug(message),
  );
  const wait = environment.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const nowMs = environment.nowMs ?? (() => Date.now());
  const throttle = createRateLimitThrottle({
    sleep: wait,
    nowMs,
    log: environment.log,
    reserve: 2 * (options.fleet?.concurrency ?? 1) + 2,
  });
  const api = createGitlabApi({
    instanceUrl: options.gitlabUrl,
    token: options.gitlabToken,
    environment: {
      policy: environment.retryPolicy ?? DEFAULT_RETRY_POLICY,
      sleep: wait,
      nowMs,
      random: environment.random ?? Math.random,
      log: environment.log,
      onServerDate: (date) => clock.observe(date),
      throttle,
    },
    ...(options.fleet ? { pageConcurrency: options.fleet.concurrency } : {}),
  });
  if (options.operation === 'sync' || options.operation === 'audit') {
    const context: OperationContext = {
      options,
      api,
      log: environment.log,
      clock,
      destinations: [],
      fallbacks: [],
      wait,
    };
    const result =
      options.operation === 'sync'
        ? await (await import('./fleet/sync.js')).syncInventory(context, inventory ?? [])
        : await (await import('./operations/audit.js')).auditTokens(context, inventory);
    await writeReports(options, environment, result);
    return result;
  }
  const destinations = [...(environment.outputs ?? [])];
  const fallbacks: Destination[] = [];
  // The option rules allow variable-key only for operations that make tokens.
  if (options.variable) {
    const dependencies = { api, log: environment.log, wait, sampleToken: options.gitlabToken };
    destinations.push(gitlabVariableDestination(options.variable, dependencies));
    fallbacks.push(
      gitlabVariableDestination({ ...options.variable, key: options.variable.fallbackKey }, dependencies),
    );
  }
  if (MAKES_TOKENS.has(options.operation) && destinations.length === 0) {
    throw new InputError(
      `Operation ${options.operation} makes a new token but was given nowhere to put it, so its value would be lost. Give variable-key (a masked CI/CD variable), github-secret, or on a terminal --print-token.`,
    );
  }
  return OPERATIONS[options.operation]({
    options,
    api,
    log: environment.log,
    clock,
    destinations,
    fallbacks,
    wait,
    nowMs,
    ...(environment.changes ? { changes: environment.changes } : {}),
    ...(environment.beforeChange ? { beforeChange: environment.beforeChange } : {}),
  });
}

async function loadInventory(options: Options, environment: RunEnvironment): Promise<InventoryEntry[]> {
  const path = options.fleet?.inventory ?? '';
  let text: string;
  try {
    text = await (environment.readFile ?? ((file) => readFileFromDisk(file, 'utf8')))(path);
  } catch (error) {
    const code = (error as { code?: unknown } | undefined)?.code;
    throw new InputError(
      `Input inventory: cannot read ${path} (${typeof code === 'string' ? code : 'unreadable'}). Give the path of the inventory file, relative to the working directory (${process.cwd()}).`,
    );
  }
  const { readInventory } = await import('./fleet/read-inventory.js');
  return readInventory({ path, text, run: options, lists: environment.inventoryLists ?? [] });
}

/** report-file and junit-file: a failure to write them is said loudly but changes no token's outcome. */
async function writeReports(
  options: Options,
  environment: RunEnvironment,
  result: OperationResult,
): Promise<void> {
  const write = environment.writeFile ?? ((path, text) => writeFileToDisk(path, text, 'utf8'));
  const files: [string | undefined, () => Promise<string>][] = [
    [
      options.fleet?.reportFile,
      async () => (result.report ? (await import('./report/report-json.js')).reportJson(result.report) : ''),
    ],
    [
      options.fleet?.junitFile,
      async () =>
        result.report?.operation === 'audit'
          ? (await import('./report/junit-report.js')).renderJunit(result.report)
          : '',
    ],
  ];
  for (const [path, render] of files) {
    if (path === undefined || !result.report) continue;
    try {
      await write(path, environment.log.redact(await render()));
      environment.log.info(`Wrote ${path}.`);
    } catch (error) {
      const code = (error as { code?: unknown } | undefined)?.code;
      environment.log.error(`Could not write ${path} (${typeof code === 'string' ? code : String(error)}).`);
    }
  }
}
