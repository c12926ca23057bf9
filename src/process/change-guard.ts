/**
 * The process side of the core's ChangeGuard: while a token is being replaced (from the rotate request until its
 * value is stored), a cancelled job's signal must not end the process, or the new value, which exists only here, is
 * lost. Cancellation is deferred for a bounded time, because the platform follows it with SIGKILL:
 * - GitHub Actions cancels a step with SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that;
 * - GitLab Runner sends SIGTERM and then SIGKILL after its grace period (10 s for docker's default `docker stop`,
 *   30 s for Kubernetes' terminationGracePeriodSeconds);
 * - a terminal's Ctrl-C is SIGINT, a closed terminal SIGHUP.
 * When the stretch ends within the bound, the run stops at once, the token safe (the deferred signal is raised
 * again, so the parent sees the process end by it). When it does not, the front door reports what the stop leaves
 * behind (exit 4 with recovery steps, or 3 with where the token is) before the platform's SIGKILL can come.
 * Outside the stretch, signals do what they always do.
 */
import type { ChangeGuard } from '../core/change-guard.js';
import type { PatError } from '../core/errors.js';

/** How the front door reports a stop: its failure output (stderr and JSON, or `::error::` and outputs). */
export interface StopReporter {
  /** Write what a stop leaves behind, as the front door writes any failure. */
  report(error: PatError): Promise<void> | void;
  /** One progress line (stderr, or the runner's log). */
  log(line: string): void;
}

export interface ProcessChangeGuard extends ChangeGuard {
  /** The front door connects its output here as soon as its logger exists. */
  attach(reporter: StopReporter): void;
  /**
   * What stopping the process now would leave behind, for the crash guard: undefined before any change began;
   * after a change, what the change's `ifStopped` says (even once its stretch is over).
   */
  ifStoppedNow(): PatError | undefined;
}

export interface ProcessChangeGuardOptions {
  /** Default SIGINT, SIGTERM, SIGHUP. */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * Milliseconds from the first signal until the run stops anyway. Default 5 s: within GitHub's 7.5 s before its
   * SIGTERM (and 10 s before SIGKILL) and docker's 10 s, with time left to write the report.
   */
  readonly graceMs?: number;
  /** Ends the process; default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Re-raises a signal; default: remove our listeners and send it to this process. */
  readonly raise?: (signal: NodeJS.Signals) => void;
}

/** Report writing may not block the exit for long: the platform's SIGKILL is coming. */
const REPORT_TIMEOUT_MS = 1_000;

/**
 * The guard an entry point (the CLI's, the Action's main step) creates for its process before anything runs, and
 * shares with its crash guard and its front door. Signal listeners exist only while a stretch runs.
 */
export function createProcessChangeGuard(options: ProcessChangeGuardOptions = {}): ProcessChangeGuard {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const graceMs = options.graceMs ?? 5_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let reporter: StopReporter | undefined;
  /** The innermost stretch's description of a stop; kept after it ends, for a crash afterwards. */
  let lastIfStopped: (() => PatError) | undefined;
  let depth = 0;
  let pending: NodeJS.Signals | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let stopping = false;

  const raise =
    options.raise ??
    ((signal: NodeJS.Signals) => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      else exit(128 + (signalNumber(signal) ?? 15));
    });

  const describeStop = (): PatError | undefined => {
    try {
      return lastIfStopped?.();
    } catch {
      return undefined;
    }
  };

  const stopNow = async () => {
    if (stopping) return;
    stopping = true;
    const error = describeStop();
    if (error && reporter) {
      const report = Promise.resolve()
        .then(() => reporter?.report(error))
        .catch(() => undefined);
      await Promise.race([report, new Promise((resolve) => setTimeout(resolve, REPORT_TIMEOUT_MS).unref())]);
    }
    exit(error?.exitCode ?? 1);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (pending !== undefined) {
      reporter?.log(
        `Received ${signal} too; still storing the new token, stopping within ${Math.ceil(graceMs / 1000)} s of the first signal.`,
      );
      return;
    }
    pending = signal;
    reporter?.log(
      `Received ${signal} while the token is being replaced: finishing that first (at most ${Math.ceil(graceMs / 1000)} s), so that the new token is not lost.`,
    );
    deadline = setTimeout(() => void stopNow(), graceMs);
  };

  const listen = () => {
    for (const signal of signals) process.on(signal, onSignal);
  };
  const unlisten = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };

  return {
    attach(next) {
      reporter = next;
    },
    ifStoppedNow() {
      return describeStop();
    },
    async protect(work, ifStopped) {
      lastIfStopped = ifStopped;
      if (depth === 0) listen();
      depth += 1;
      let succeeded = false;
      try {
        const result = await work();
        succeeded = true;
        return result;
      } finally {
        depth -= 1;
        if (depth === 0) {
          unlisten();
          if (deadline) clearTimeout(deadline);
          const signal = pending;
          pending = undefined;
          // A stretch that failed ends in the front door's failure report, which the run writes next; one that
          // succeeded has stored the token, so the cancellation goes ahead now.
          if (signal !== undefined && succeeded && !stopping) {
            const stored = describeStop();
            reporter?.log(
              `Stopping for ${signal}${stored?.changedToken ? `: the new token ${stored.changedToken.id} is stored in ${stored.changedToken.storedIn.join(' and ')}` : ''}.`,
            );
            raise(signal);
          }
        }
      }
    },
  };
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return (
    {
      SIGHUP: 1,
      SIGINT: 2,
      SIGTERM: 15,
    } as Partial<Record<NodeJS.Signals, number>>
  )[signal];
}
