/**
 * Every failure the tool reports is one of these, so that each front door can map it to the contract's exit codes
 * without inspecting messages. Messages are written for the person who has to act on them and never contain a
 * token value (they are redacted again on the way out, as a second line of defence).
 */
export const ExitCode = {
  /** Done, or nothing was due. */
  ok: 0,
  /** Failed before changing anything. */
  failedUnchanged: 1,
  /** Bad input or usage. */
  badInput: 2,
  /** A token changed but a destination write failed; the message says where the token is. */
  destinationFailed: 3,
  /** The rotation outcome is unknown or the new value was lost; recovery steps are printed. */
  outcomeUnknown: 4,
  /** audit found what fail-on names. */
  auditFindings: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A token that did change although the run failed: reported so that scripts can act on it (never its value). */
export interface ChangedToken {
  readonly id: number;
  readonly name: string;
  readonly expiresAt: string | null;
  /** Where its value is; empty when it is lost. */
  readonly storedIn: readonly string[];
}

export abstract class PatError extends Error {
  abstract readonly exitCode: ExitCode;
  /** Extra lines a user needs to recover (printed after the message). */
  readonly steps: readonly string[];
  readonly changedToken: ChangedToken | undefined;

  constructor(message: string, steps: readonly string[] = [], changedToken?: ChangedToken) {
    super(message);
    this.steps = steps;
    this.changedToken = changedToken;
  }
}

/** An input is missing, malformed or contradicts another one. Raised before the first request. */
export class InputError extends PatError {
  override readonly name = 'InputError';
  readonly exitCode = ExitCode.badInput;
}

/** Something went wrong and nothing was changed on GitLab. */
export class UnchangedFailure extends PatError {
  override readonly name = 'UnchangedFailure';
  readonly exitCode = ExitCode.failedUnchanged;
}

/** The token changed, but it could not be stored where it was asked to go. */
export class DestinationFailure extends PatError {
  override readonly name = 'DestinationFailure';
  readonly exitCode = ExitCode.destinationFailed;
}

/** The rotation may have happened and its new value is not in our hands. */
export class OutcomeUnknown extends PatError {
  override readonly name = 'OutcomeUnknown';
  readonly exitCode = ExitCode.outcomeUnknown;
}
