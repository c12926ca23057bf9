/**
 * API::Entities::PersonalAccessToken and its variants, with the field order and types GitLab 19.0.2 answers
 * (see test/conformance/recordings). 17.11 has neither `granular` nor `last_used_ips`.
 */
import type { EmulatorState, EmuToken } from '../state.js';

export function personalAccessTokenEntity(state: EmulatorState, token: EmuToken): Record<string, unknown> {
  return {
    id: token.id,
    name: token.name,
    revoked: token.revoked,
    created_at: token.createdAt,
    description: token.description,
    scopes: [...token.scopes],
    user_id: token.userId,
    last_used_at: token.lastUsedAt,
    active: state.isActive(token),
    // Granular (fine-grained) tokens are a separate kind the emulator does not issue.
    granular: false,
    expires_at: token.expiresAt,
  };
}

/** Single get, `self`, and (since granular tokens) the list. */
export function personalAccessTokenWithLastUsedIpsEntity(
  state: EmulatorState,
  token: EmuToken,
): Record<string, unknown> {
  return { ...personalAccessTokenEntity(state, token), last_used_ips: [...token.lastUsedIps] };
}

/** Create and rotate: the only answers that carry the token value. */
export function personalAccessTokenWithTokenEntity(
  state: EmulatorState,
  token: EmuToken,
): Record<string, unknown> {
  return { ...personalAccessTokenEntity(state, token), token: token.value };
}

/**
 * API::Entities::ResourceAccessToken: a project or group access token, the personal access token of its bot
 * user plus the bot's membership. In 19.0.2 it extends PersonalAccessToken (no `last_used_ips`: the recorded
 * create answers have none), so list, get and create share the same fields.
 */
export function resourceAccessTokenEntity(state: EmulatorState, token: EmuToken): Record<string, unknown> {
  const bot = state.findUser(token.userId);
  const resource = bot?.botOf ?? null;
  const member = resource ? state.namespaces.directMember(resource, token.userId) : undefined;
  return {
    ...personalAccessTokenEntity(state, token),
    access_level: member?.accessLevel ?? null,
    resource_type: resource?.kind ?? 'group',
    resource_id: resource?.id ?? null,
  };
}

/** Create and rotate of a project or group access token. */
export function resourceAccessTokenWithTokenEntity(
  state: EmulatorState,
  token: EmuToken,
): Record<string, unknown> {
  return { ...resourceAccessTokenEntity(state, token), token: token.value };
}
