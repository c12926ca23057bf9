/**
 * Tokens of a group service account (GitLab.com and self-managed Premium and Ultimate), managed by the top-level
 * group's Owners through the group (doc/api/service_accounts.md, doc/api/group_service_accounts.md): list (17.11+),
 * create, revoke and rotate (17.9+) under `/groups/:id/service_accounts/:user_id/personal_access_tokens`. They are
 * personal access tokens of the service-account user, so a token reads and rotates itself through the personal
 * `self` endpoints. On GitLab.com nobody has an administrator's token: these endpoints are the only way.
 */
import { pathSegment } from '../gitlab/gitlab-client.js';
import { NOT_AN_ACCESS_TOKEN } from './personal.js';
import { ADMIN_ONLY_SCOPES } from './scopes.js';
import {
  matchesSearch,
  toAccessToken,
  toNewAccessToken,
  type RawToken,
  type ResolvedOwner,
  type TokenKindModule,
} from './token-kind.js';

type ServiceAccountOwner = Extract<ResolvedOwner, { kind: 'service-account' }>;

/**
 * GitLab's 403 on every `/groups/:id/service_accounts` endpoint: the caller is not an Owner of the group (nor an
 * administrator), or the group's tier has no service accounts. GitLab does not say which.
 */
export const SERVICE_ACCOUNTS_NEED =
  "Managing a group's service accounts and their tokens needs GitLab Premium or Ultimate (the Free tier, on GitLab.com or a self-managed instance, has no service accounts) and the Owner role on the account's top-level group, or an administrator's token; GitLab answers 403 to anyone else. Check the group's tier and the role of gitlab-token's user. An instance service account (self-managed, administrators) is managed with token-kind personal and user.";

function base(owner: ServiceAccountOwner): string {
  if (owner.group === undefined) throw new GroupNeededError(owner.label);
  return `groups/${pathSegment(owner.group)}/service_accounts/${owner.userId}/personal_access_tokens`;
}

export const serviceAccountTokens: TokenKindModule<ServiceAccountOwner> = {
  kind: 'service-account',
  creators: "an Owner of the service account's top-level group, or an administrator",
  managers: "an Owner of the service account's top-level group, or an administrator",

  async read(client, owner, id) {
    if (id === 'self')
      return toAccessToken('service-account', await client.get<RawToken>('personal_access_tokens/self'));
    // The group's API has no single-token read: find it in the account's list (every state).
    const found = (await client.all<RawToken>(base(owner))).find((token) => token.id === id);
    if (!found) throw new TokenNotFoundError(id, owner.label);
    return toAccessToken('service-account', found);
  },

  async list(client, owner, filter) {
    const raw = await client.all<RawToken>(base(owner), { state: filter.state, search: filter.search });
    return raw
      .map((token) => toAccessToken('service-account', token))
      .filter((token) => matchesSearch(token, filter.search))
      .filter((token) => filter.state === undefined || (filter.state === 'active') === token.active);
  },

  async *pages(client, owner, filter, concurrency) {
    const query = { state: filter.state, search: filter.search };
    for await (const page of client.pages<RawToken>(base(owner), query, concurrency)) {
      yield page
        .map((token) => toAccessToken('service-account', token))
        .filter((token) => matchesSearch(token, filter.search))
        .filter((token) => filter.state === undefined || (filter.state === 'active') === token.active);
    }
  },

  async create(client, owner, request) {
    const raw = await client.post<RawToken>(base(owner), {
      name: request.name,
      scopes: [...request.scopes],
      expires_at: request.expiresAt,
      ...(request.description !== undefined ? { description: request.description } : {}),
    });
    return toNewAccessToken('service-account', raw);
  },

  async rotate(client, owner, id, expiresAt) {
    const path =
      id === 'self' ? 'personal_access_tokens/self/rotate' : `${base(owner)}/${pathSegment(id)}/rotate`;
    return toNewAccessToken('service-account', await client.post<RawToken>(path, { expires_at: expiresAt }));
  },

  async revoke(client, owner, id) {
    await client.delete(id === 'self' ? 'personal_access_tokens/self' : `${base(owner)}/${pathSegment(id)}`);
  },

  explainRefusal(owner, change, status) {
    if (change.action === 'rotate' && change.id === 'self')
      return status === 405 ? NOT_AN_ACCESS_TOKEN : undefined;
    if (status === 403) return SERVICE_ACCOUNTS_NEED;
    if (status === 404 && change.action === 'rotate')
      return `GitLab does not know token ${change.id} as a token of ${owner.label}: check token-id, user and group.`;
    return undefined;
  },

  refusedScopes(scopes) {
    const refused = scopes.filter((scope) => (ADMIN_ONLY_SCOPES as readonly string[]).includes(scope));
    return refused.length === 0
      ? undefined
      : `Service-account tokens made by a group Owner cannot have the scope${refused.length > 1 ? 's' : ''} ${refused.join(', ')}`;
  },
};

/** A token id that the group's list of the account's tokens does not have (another account's, or none). */
export class TokenNotFoundError extends Error {
  override readonly name = 'TokenNotFoundError';
  constructor(
    readonly tokenId: number,
    readonly ownerLabel: string,
  ) {
    super(`token ${tokenId} is not a token of ${ownerLabel}`);
  }
}

/**
 * A service account's tokens were to be listed or managed by id (a recovery, say) while only the account's own
 * token was given, without group: GitLab has these endpoints only under the group.
 */
export class GroupNeededError extends Error {
  override readonly name = 'GroupNeededError';
  constructor(readonly ownerLabel: string) {
    super(
      `Managing the tokens of ${ownerLabel} other than through the token itself goes through its group: give group (and user).`,
    );
  }
}
