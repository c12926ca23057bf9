/**
 * The one piece of state the main step leaves for the post step, in a module of its own so that the post step's
 * entry can read it before it loads anything else (see entry/post.ts).
 */

/** State the post step reads: the id of a token created with revoke-after-job. */
export const REVOKE_STATE = 'revoke-token-id';

/**
 * Whether the main step left a token to revoke: the runner hands saved state to the post step as the environment
 * variable STATE_<name>, which is all `core.getState` reads.
 */
export function hasTokenToRevoke(env: NodeJS.ProcessEnv): boolean {
  return (env[`STATE_${REVOKE_STATE}`] ?? '') !== '';
}
