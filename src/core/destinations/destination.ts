import type { NewAccessToken, TokenResource } from '../tokens/access-token.js';

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
  preflight(facts: PreflightFacts): Promise<void>;
  /**
   * Fallbacks only: learn what preflight would (where the variable lives) without checks that could stop the run; a
   * fallback is written only when a destination failed after the change.
   */
  prepare?(facts: PreflightFacts): Promise<void>;
  write(token: NewAccessToken): Promise<void>;
}

/** What the run knows before the change that a destination's check may need. */
export interface PreflightFacts {
  /** The token's own project or group (project and group tokens): where a variable goes when nobody said. */
  readonly tokenResource: TokenResource | null;
  /**
   * Scopes of the token that will write (a self-rotation: the credential's, which its successor inherits).
   * Undefined when the writer is another credential whose scopes the change itself proves (creating or rotating
   * someone else's token needs api, as writing variables does).
   */
  readonly writerScopes: readonly string[] | undefined;
}
