import type { NewPersonalAccessToken } from '../gitlab-api.js';

/**
 * Somewhere a new token value is delivered: the Action's masked output, a CI/CD variable, a GitHub secret.
 * The rotation protocol checks every destination before it changes anything, then writes each one after.
 */
export interface Destination {
  /** For messages: "the masked step output `token`", "CI/CD variable DEPLOY_TOKEN in project group/app". */
  readonly description: string;
  /** Throws an error that says what to fix when the write would fail. Must not change anything. */
  preflight(): Promise<void>;
  write(token: NewPersonalAccessToken): Promise<void>;
}
