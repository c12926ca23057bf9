/**
 * Token scopes GitLab accepts on a personal access token (Gitlab::Auth.all_available_scopes on a recent
 * instance; the last three only for administrators).
 *
 * Deliberately a copy of GitLab's list, not an import of src/core/scopes.ts: the emulator stands for GitLab, and a
 * shared list would let a mistake in the product's list pass every test.
 */
export const USER_SCOPES: readonly string[] = [
  'api',
  'read_api',
  'read_user',
  'create_runner',
  'manage_runner',
  'k8s_proxy',
  'self_rotate',
  'read_repository',
  'write_repository',
  'read_registry',
  'write_registry',
  'read_virtual_registry',
  'write_virtual_registry',
  'read_observability',
  'write_observability',
  'ai_features',
];

export const ADMIN_ONLY_SCOPES: readonly string[] = ['sudo', 'admin_mode', 'read_service_ping'];

export const ALL_AVAILABLE_SCOPES: readonly string[] = [...USER_SCOPES, ...ADMIN_ONLY_SCOPES];

/**
 * `Gitlab::Auth.resource_bot_scopes`: what a project or group access token may have, the non-admin scopes
 * without `read_user` (a bot has no profile worth reading).
 */
export const RESOURCE_BOT_SCOPES: readonly string[] = USER_SCOPES.filter((scope) => scope !== 'read_user');
