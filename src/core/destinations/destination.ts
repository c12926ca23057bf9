import type { NewPersonalAccessToken } from '../gitlab-api.js';

/**
 * Somewhere a new token value is delivered: the Action's masked output, a CI/CD variable, a fallback variable.
 * The rotation protocol checks every destination before it changes anything, then writes each one after.
 */
export interface Destination {
  /** For messages: "the masked step output `token`", "CI/CD variable DEPLOY_TOKEN in project group/app". */
  readonly description: string;
  /**
   * Whether the value outlives the run there. The Action's output does not (only later steps of the job see it);
   * a CI/CD variable does.
   */
  readonly durable: boolean;
  /** Throws an error that says what to fix when the write would fail. Must not change anything. */
  preflight(): Promise<void>;
  write(token: NewPersonalAccessToken): Promise<void>;
}
