/**
 * Personal access tokens: of a person, of an instance service account, or the caller's own
 * (doc/api/personal_access_tokens.md, doc/api/users.md#create-a-personal-access-token). Project, group and
 * service-account tokens are personal access tokens of bot users too, so `GET /personal_access_tokens/self` and its
 * rotation answer for every kind of credential.
 */
import { pathSegment } from '../gitlab/gitlab-client.js';
import { SELF_SERVICE_SCOPES } from './scopes.js';
import {
  matchesSearch,
  toAccessToken,
  toNewAccessToken,
  type RawToken,
  type ResolvedOwner,
  type TokenKindModule,
} from './token-kind.js';

type PersonalOwner = Extract<ResolvedOwner, { kind: 'personal' }>;

/** GitLab's 405 on /personal_access_tokens/self/rotate: the credential is no access token at all. */
export const NOT_AN_ACCESS_TOKEN =
  'GitLab rotates only access tokens through /personal_access_tokens/self/rotate (personal, project, group and service-account tokens are all personal access tokens underneath) and answers 405 to any other credential, such as an OAuth or CI job token. Use an access token as gitlab-token.';

export const personalTokens: TokenKindModule<PersonalOwner> = {
  kind: 'personal',
  creators:
    "an administrator (for another user's token, or any scopes); anyone for their own with k8s_proxy or self_rotate",
  managers: "the token's user or an administrator",

  async read(client, _owner, id) {
    return toAccessToken(
      'personal',
      await client.get<RawToken>(`personal_access_tokens/${id === 'self' ? 'self' : pathSegment(id)}`),
    );
  },

  async list(client, owner, filter) {
    const raw = await client.all<RawToken>('personal_access_tokens', {
      user_id: owner.userId,
      state: filter.state,
      search: filter.search,
    });
    // GitLab's search is a substring match too; filtering again keeps emulators and old versions honest.
    return raw
      .map((token) => toAccessToken('personal', token))
      .filter((token) => matchesSearch(token, filter.search));
  },

  async *pages(client, owner, filter, concurrency) {
    const query = { user_id: owner.userId, state: filter.state, search: filter.search };
    for await (const page of client.pages<RawToken>('personal_access_tokens', query, concurrency)) {
      yield page
        .map((token) => toAccessToken('personal', token))
        .filter((token) => matchesSearch(token, filter.search));
    }
  },

  async create(client, owner, request) {
    const body = {
      name: request.name,
      scopes: [...request.scopes],
      expires_at: request.expiresAt,
      ...(request.description !== undefined ? { description: request.description } : {}),
    };
    // Another user's token (administrators), or the caller's own through the self-service endpoint.
    const endpoint =
      owner.userId === undefined
        ? 'user/personal_access_tokens'
        : `users/${owner.userId}/personal_access_tokens`;
    return toNewAccessToken('personal', await client.post<RawToken>(endpoint, body));
  },

  async rotate(client, _owner, id, expiresAt) {
    const raw = await client.post<RawToken>(
      `personal_access_tokens/${id === 'self' ? 'self' : pathSegment(id)}/rotate`,
      {
        expires_at: expiresAt,
      },
    );
    return toNewAccessToken('personal', raw);
  },

  async revoke(client, _owner, id) {
    await client.delete(`personal_access_tokens/${id === 'self' ? 'self' : pathSegment(id)}`);
  },

  explainRefusal(_owner, change, status) {
    return change.action === 'rotate' && change.id === 'self' && status === 405
      ? NOT_AN_ACCESS_TOKEN
      : undefined;
  },

  refusedScopes(scopes, caller) {
    if (caller.isAdmin === true) return undefined;
    const refused = scopes.filter((scope) => !SELF_SERVICE_SCOPES.has(scope));
    return refused.length === 0
      ? undefined
      : `GitLab lets non-administrators create personal access tokens through the API only with the scopes ${[...SELF_SERVICE_SCOPES].join(', ')} (asked for ${scopes.join(', ')})`;
  },
};
