/**
 * User entities as GitLab 19.0.2 answers them (field order and types from test/conformance/recordings):
 * UserBasic for non-admin lists, User for a non-admin single get, UserPublic for a non-admin `GET /user`,
 * UserWithAdmin for admin lists and an admin's `GET /user`, and the admin single get, which adds sign-in and plan
 * details. `followers`, `following` and `is_followed` only appear when someone else looks at the user
 * (lib/api/entities/user.rb: `following_users_allowed`). Profile fields the emulator does not model hold
 * GitLab's defaults for a fresh account.
 */
import { createHash } from 'node:crypto';
import type { EmulatorState, EmuUser } from '../state.js';

/** Who is looking; undefined for an anonymous request. */
export type Viewer = EmuUser | undefined;

export function userBasicEntity(baseUrl: string, user: EmuUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    public_email: null,
    name: user.name,
    state: user.state,
    locked: false,
    avatar_url: `https://www.gravatar.com/avatar/${sha256(user.email.toLowerCase())}?s=80&d=identicon`,
    web_url: `${baseUrl}/${user.username}`,
  };
}

export function userEntity(baseUrl: string, user: EmuUser, viewer: Viewer): Record<string, unknown> {
  return { ...profile(baseUrl, user), ...followers(user, viewer), local_time: null };
}

export function userPublicEntity(baseUrl: string, user: EmuUser, viewer: Viewer): Record<string, unknown> {
  return { ...userEntity(baseUrl, user, viewer), ...privateDetails(user) };
}

export function userWithAdminEntity(
  state: EmulatorState,
  baseUrl: string,
  user: EmuUser,
  viewer: Viewer,
): Record<string, unknown> {
  return { ...userPublicEntity(baseUrl, user, viewer), ...adminDetails(state, baseUrl, user) };
}

export function userDetailsWithAdminEntity(
  state: EmulatorState,
  baseUrl: string,
  user: EmuUser,
  viewer: Viewer,
): Record<string, unknown> {
  return {
    ...userWithAdminEntity(state, baseUrl, user, viewer),
    highest_role: 0,
    current_sign_in_ip: null,
    last_sign_in_ip: null,
    sign_in_count: 0,
    plan: null,
    trial: false,
  };
}

function profile(baseUrl: string, user: EmuUser): Record<string, unknown> {
  return {
    ...userBasicEntity(baseUrl, user),
    created_at: user.createdAt,
    bio: '',
    location: '',
    linkedin: '',
    twitter: '',
    discord: '',
    website_url: '',
    github: '',
    job_title: '',
    pronouns: null,
    organization: '',
    bot: user.bot,
    work_information: null,
  };
}

function followers(user: EmuUser, viewer: Viewer): Record<string, unknown> {
  if (viewer === undefined || viewer.id === user.id) return {};
  return { followers: 0, following: 0, is_followed: false };
}

function privateDetails(user: EmuUser): Record<string, unknown> {
  return {
    last_sign_in_at: null,
    confirmed_at: user.createdAt,
    last_activity_on: user.lastActivityOn,
    email: user.email,
    theme_id: 3,
    color_scheme_id: 1,
    projects_limit: 0,
    current_sign_in_at: null,
    identities: [],
    can_create_group: user.admin,
    can_create_project: user.admin,
    two_factor_enabled: false,
    external: user.serviceAccount,
    private_profile: false,
    commit_email: user.email,
    preferred_language: 'en',
    shared_runners_minutes_limit: null,
    extra_shared_runners_minutes_limit: null,
    scim_identities: [],
  };
}

function adminDetails(state: EmulatorState, baseUrl: string, user: EmuUser): Record<string, unknown> {
  const creator = user.createdById === null ? undefined : state.findUser(user.createdById);
  return {
    is_admin: user.admin,
    note: user.note,
    namespace_id: user.namespaceId,
    created_by: creator ? userBasicEntity(baseUrl, creator) : null,
    using_license_seat: false,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
