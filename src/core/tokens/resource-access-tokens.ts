/**
 * Project and group access tokens: tokens of a bot user that GitLab makes for the project or group, with the role
 * given at creation (doc/api/project_access_tokens.md, doc/api/group_access_tokens.md,
 * lib/api/resource_access_tokens.rb). Both kinds use the same endpoints under their resource; rotation keeps the bot
 * user, and a token rotates itself through `…/access_tokens/self/rotate` (scope api or self_rotate).
 */
import { pathSegment } from '../gitlab/gitlab-client.js';
import type { NamespaceRef, TokenResource } from './access-token.js';
import { BOT_REFUSED_SCOPES } from './scopes.js';
import {
  matchesSearch,
  toAccessToken,
  toNewAccessToken,
  type RawToken,
  type ResolvedOwner,
  type TokenKindModule,
} from './token-kind.js';

type ResourceOwner = Extract<ResolvedOwner, { kind: 'project' | 'group' }>;

/** The resource when its id is known (a full path is not an id). */
function resourceOf(owner: ResourceOwner): TokenResource | undefined {
  const ref = owner.kind === 'project' ? owner.project : owner.group;
  return typeof ref === 'number' ? { kind: owner.kind, id: ref } : undefined;
}

function base(owner: ResourceOwner): string {
  const ref: NamespaceRef = owner.kind === 'project' ? owner.project : owner.group;
  return `${owner.kind === 'project' ? 'projects' : 'groups'}/${pathSegment(ref)}/access_tokens`;
}

/** The kind module for project or group access tokens (project.ts, group.ts). */
export function resourceAccessTokens(kind: 'project' | 'group'): TokenKindModule<ResourceOwner> {
  const role = kind === 'project' ? 'a Maintainer or Owner of the project' : 'an Owner of the group';
  return {
    kind,
    creators: `${role}, or an administrator`,
    managers: `${role}, or an administrator`,

    async read(client, owner, id) {
      if (id === 'self') {
        // Only the rotate route of a resource takes `self` (lib/api/resource_access_tokens.rb); a bot token reads
        // itself as the personal access token it is underneath.
        const raw = await client.get<RawToken>('personal_access_tokens/self');
        return toAccessToken(kind, raw, resourceOf(owner));
      }
      return toAccessToken(kind, await client.get<RawToken>(`${base(owner)}/${pathSegment(id)}`));
    },

    async list(client, owner, filter) {
      const raw = await client.all<RawToken>(base(owner), { state: filter.state, search: filter.search });
      return raw
        .map((token) => toAccessToken(kind, token))
        .filter((token) => matchesSearch(token, filter.search));
    },

    async *pages(client, owner, filter, concurrency) {
      const query = { state: filter.state, search: filter.search };
      for await (const page of client.pages<RawToken>(base(owner), query, concurrency)) {
        yield page
          .map((token) => toAccessToken(kind, token))
          .filter((token) => matchesSearch(token, filter.search));
      }
    },

    async create(client, owner, request) {
      const raw = await client.post<RawToken>(base(owner), {
        name: request.name,
        scopes: [...request.scopes],
        expires_at: request.expiresAt,
        ...(request.accessLevel !== undefined ? { access_level: request.accessLevel } : {}),
        ...(request.description !== undefined ? { description: request.description } : {}),
      });
      return toNewAccessToken(kind, raw);
    },

    async rotate(client, owner, id, expiresAt) {
      const raw = await client.post<RawToken>(
        `${base(owner)}/${id === 'self' ? 'self' : pathSegment(id)}/rotate`,
        {
          expires_at: expiresAt,
        },
      );
      return toNewAccessToken(kind, raw);
    },

    async revoke(client, owner, id) {
      // As for reading: `self` is revoked through the personal endpoint, which every bot token answers.
      await client.delete(
        id === 'self' ? 'personal_access_tokens/self' : `${base(owner)}/${pathSegment(id)}`,
      );
    },

    refusedScopes(scopes) {
      const refused = scopes.filter((scope) => BOT_REFUSED_SCOPES.has(scope));
      return refused.length === 0
        ? undefined
        : `${kind === 'project' ? 'Project' : 'Group'} access tokens cannot have the scope${refused.length > 1 ? 's' : ''} ${refused.join(', ')} (their bot user is not a person or an administrator)`;
    },
  };
}
