import type { PatError } from './errors.js';

/**
 * The stretch of a run that must not be cut short: from the request that replaces a token (rotate; create in the
 * overlap strategy) until its new value is stored. A rotate revokes the old token at once and returns the new value
 * once: a run stopped in between (a cancelled job's signal, a crash) loses the token. The core marks the stretch;
 * the front door's process adapter (src/process/change-guard.ts) defers cancellation inside it, for a bounded
 * time, and when it must stop anyway (or crashes) reports what `ifStopped` says instead of "nothing changed".
 */
export interface ChangeGuard {
  /**
   * Runs `work` as one stretch that should not be interrupted. `ifStopped` is asked, at the moment the process has
   * to stop (inside `work`, or after it for a crash), what the stop leaves behind: the failure to report, with the
   * exit code, where the token is and the recovery steps. It must never throw and never contain a token value.
   *
   * @returns what `work` returns; rejects with what `work` rejects with.
   */
  protect<T>(work: () => Promise<T>, ifStopped: () => PatError): Promise<T>;
}

/** No process to guard (tests, library use): the work just runs. */
export const UNGUARDED: ChangeGuard = { protect: (work) => work() };
