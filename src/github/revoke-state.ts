/**
 * The state the main step leaves for the post step, in a module of its own so that the post step's entry can read
 * it before it loads anything else (see entry/post.ts): names only. The main step writes the state
 * (run-action.ts, revokeStateFor), the post step reads it (revoke-after-job.ts).
 *
 * The post step revokes the token with the same revoke the `revoke` operation runs, addressed the way the main step
 * created it: each input of that revoke is saved as the state `revoke-<input>` (revoke-token-id, revoke-token-kind,
 * revoke-project, revoke-group, revoke-user). A project or group access token is revoked through its project or
 * group, a service account's token through its group, by a credential that need not be an administrator's.
 */

/** The inputs of the post step's revoke that come from the state, in the order a message names them. */
export const REVOKE_INPUTS = ['token-kind', 'project', 'group', 'user', 'token-id'] as const;
export type RevokeInput = (typeof REVOKE_INPUTS)[number];

/** The state name of one of them. */
export function revokeStateName(input: RevokeInput): string {
  return `revoke-${input}`;
}

/** State the post step looks at first: the id of a token created with revoke-after-job. */
export const REVOKE_STATE = revokeStateName('token-id');

/**
 * Whether the main step left a token to revoke: the runner hands saved state to the post step as the environment
 * variable STATE_<name>, which is all `core.getState` reads.
 */
export function hasTokenToRevoke(env: NodeJS.ProcessEnv): boolean {
  return (env[`STATE_${REVOKE_STATE}`] ?? '') !== '';
}
