/**
 * One model for every GitLab access token kind, and one address that says which token (or whose tokens) an
 * operation means. GitLab stores project, group and service-account tokens as personal access tokens of a bot or
 * service-account user (doc/api/resource_access_tokens.md, doc/api/service_accounts.md); they differ in who may
 * manage them and through which endpoints, which is what the kind modules (personal.ts, project.ts, group.ts,
 * service-account.ts) know.
 */

export const TOKEN_KINDS = ['personal', 'project', 'group', 'service-account'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** A user id or a username. */
export type UserRef = number | string;
/** A project or group: numeric id or full path (GitLab accepts either, URL-encoded, wherever `:id` appears). */
export type NamespaceRef = number | string;

/** Whose token, as the user gave it; parts the user left out are found from the credential (`self`). */
export type TokenOwner =
  /** A person's, a service account's or the caller's own (`user` undefined). */
  | { readonly kind: 'personal'; readonly user: UserRef | undefined }
  /** A project access token; `project` undefined: the credential's own project (token-id self). */
  | { readonly kind: 'project'; readonly project: NamespaceRef | undefined }
  | { readonly kind: 'group'; readonly group: NamespaceRef | undefined }
  /** A group service account's token (GitLab.com, Premium): managed through the group. */
  | {
      readonly kind: 'service-account';
      readonly group: NamespaceRef | undefined;
      readonly user: UserRef | undefined;
    };

/** Which one token: the credential itself, a numeric id, or the one active token with this exact name. */
export type TokenSelector =
  | { readonly kind: 'self' }
  | { readonly kind: 'id'; readonly id: number }
  | { readonly kind: 'name'; readonly name: string };

export interface TokenAddress {
  readonly owner: TokenOwner;
  readonly selector: TokenSelector;
}

/** What a bot token belongs to (GitLab's `resource_type`, `resource_id`). */
export interface TokenResource {
  readonly kind: 'project' | 'group';
  readonly id: number;
}

/** A token as GitLab describes it, the same for every kind. Dates are GitLab's: ISO instants, expiry a UTC date. */
export interface AccessToken {
  readonly kind: TokenKind;
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly revoked: boolean;
  /** Neither revoked nor expired (GitLab's `active`). */
  readonly active: boolean;
  readonly scopes: readonly string[];
  /** The user the token authenticates as: a person, a service account, or a project/group bot user. */
  readonly userId: number;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  /** `YYYY-MM-DD`; the token stops working at 00:00 UTC on this date. Null: never expires. */
  readonly expiresAt: string | null;
  /** Project and group tokens: the bot's access level (10 guest ... 50 owner). */
  readonly accessLevel: number | null;
  /** Project and group tokens: what the bot belongs to. */
  readonly resource: TokenResource | null;
}

/** A token as returned by create or rotate: the only time GitLab hands out its value. */
export interface NewAccessToken extends AccessToken {
  readonly token: string;
}

/** "token 12 ("deploy")", for messages. */
export function describeToken(token: Pick<AccessToken, 'id' | 'name'>): string {
  return `token ${token.id} ("${token.name}")`;
}

/** GitLab's access levels by name (doc/api/access_requests.md#valid-access-levels). */
export const ACCESS_LEVELS = {
  guest: 10,
  planner: 15,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
} as const;
export type AccessLevelName = keyof typeof ACCESS_LEVELS;

export function accessLevelName(level: number): string {
  const name = Object.entries(ACCESS_LEVELS).find(([, value]) => value === level)?.[0];
  return name ?? String(level);
}
