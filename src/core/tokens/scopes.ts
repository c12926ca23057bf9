/**
 * Token scopes as GitLab knows them today. GitLab adds scopes over time, so a well-formed name we do not know is
 * passed on with a warning instead of rejected; only malformed names are an input error.
 */
export const USER_SCOPES = [
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
] as const;

export const ADMIN_ONLY_SCOPES = ['sudo', 'admin_mode', 'read_service_ping'] as const;

export const KNOWN_SCOPES: ReadonlySet<string> = new Set([...USER_SCOPES, ...ADMIN_ONLY_SCOPES]);

/** Scopes a non-administrator may put on a token they create for themselves (POST /user/personal_access_tokens). */
export const SELF_SERVICE_SCOPES: ReadonlySet<string> = new Set(['k8s_proxy', 'self_rotate']);

/**
 * Scopes a bot user's token (project, group) cannot have: GitLab offers them the non-administrator scopes without
 * read_user (doc/user/project/settings/project_access_tokens.md#scopes-for-a-project-access-token).
 */
export const BOT_REFUSED_SCOPES: ReadonlySet<string> = new Set(['read_user', ...ADMIN_ONLY_SCOPES]);

const SCOPE_NAME = /^[a-z][a-z0-9_]*$/;

export interface ParsedScopes {
  readonly scopes: string[];
  readonly malformed: string[];
  readonly unknown: string[];
}

/** Scopes may be separated by commas, spaces or newlines (a YAML block scalar reads naturally). */
export function parseScopes(text: string): ParsedScopes {
  const scopes = [...new Set(text.split(/[\s,]+/).filter((scope) => scope !== ''))];
  return {
    scopes,
    malformed: scopes.filter((scope) => !SCOPE_NAME.test(scope)),
    unknown: scopes.filter((scope) => SCOPE_NAME.test(scope) && !KNOWN_SCOPES.has(scope)),
  };
}

/** Rotating a token on its own behalf needs one of these on the credential. */
export const SELF_ROTATE_SCOPES = ['api', 'self_rotate'] as const;

export function hasAnyScope(held: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((scope) => held.includes(scope));
}
