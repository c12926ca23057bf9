/**
 * The core's single entry: typed options and the front door's side effects in, a result out. Knows nothing of
 * GitHub, GitLab CI or terminals.
 */
import type { ChangeGuard } from './change-guard.js';
import type { Destination } from './destinations/destination.js';
import { gitlabVariableDestination } from './destinations/gitlab-variable.js';
import { InputError } from './errors.js';
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
  /** The process adapter that keeps cancellation from cutting a token change short (src/process/change-guard.ts). */
  readonly changes?: ChangeGuard;
}

const OPERATIONS: Record<Operation, (context: OperationContext) => Promise<OperationResult>> = {
  create: createToken,
  list: listTokens,
  get: getToken,
  revoke: revokeToken,
  rotate: rotateToken,
};

const MAKES_TOKENS: ReadonlySet<Operation> = new Set(['create', 'rotate']);

export async function runOperation(options: Options, environment: RunEnvironment): Promise<OperationResult> {
  const clock = new GitlabAlignedClock(environment.clock ?? systemClock, (message) =>
    environment.log.debug(message),
  );
  const wait = environment.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const nowMs = environment.nowMs ?? (() => Date.now());
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
    },
  });
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
  });
}
