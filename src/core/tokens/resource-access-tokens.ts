/**
 * Project and group access tokens: tokens of a bot user that GitLab makes for the project or group, with the role
 * given at creation (doc/api/project_access_tokens.md, doc/api/group_access_tokens.md,
 * lib/api/resource_access_tokens.rb). Both kinds use the same endpoints under their resource; rotation keeps the bot
 * user, and a token rotates itself through `…/access_tokens/self/rotate` (scope api or self_rotate).
 */
import { pathSegment } from '../gitlab/gitlab-client.js';
import {
  ACCESS_LEVELS,
  accessLevelName,
  describeToken,
  type NamespaceRef,
  type TokenResource,
} from './access-token.js';
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

    explainRefusal(owner, change, status, said) {
      const other = kind === 'project' ? 'group' : 'project';
      if (change.action === 'create') {
        if (status === 400 && /permissions not held/i.test(said)) {
          return `access-level ${accessLevelName(change.accessLevel ?? ACCESS_LEVELS.maintainer)} is above the role of gitlab-token's user in ${owner.label}: GitLab lets a user give a ${kind} access token at most their own role (an administrator counts as Owner). Give a lower access-level, or use the credential of a user with that role.`;
        }
        if (status === 400 && /permission to create/i.test(said)) {
          return `Creating a ${kind} access token needs ${role}, or an administrator; gitlab-token's user is not one (and a bot user, as a ${kind} access token's is, never may). Use such a credential.`;
        }
        return undefined;
      }
      if (change.id === 'self') {
        if (status === 405) {
          return `gitlab-token is not a ${kind} access token: GitLab rotates a token through /${kind}s/:id/access_tokens/self/rotate only for that ${kind}'s own bot tokens, and answers 405 to any other credential. For a personal or service-account token give token-kind personal (the default); for a ${other} access token, token-kind ${other}.`;
        }
        if (status === 401 || status === 404) {
          return `gitlab-token is not an access token of ${owner.label}${status === 404 ? ` (it cannot even see that ${kind}, or there is none)` : ''}: a ${kind} access token rotates itself only through its own ${kind}. Check ${kind} (or leave it out: it is then found from the credential) and token-kind.`;
        }
        return undefined;
      }
      if (status === 400 && /not eligible|permissions not held/i.test(said)) {
        return `${describeToken(change.token)} has the role ${accessLevelName(change.token.accessLevel ?? 0)} in ${owner.label}, above the role of gitlab-token's user: GitLab lets only a user with at least the token's role rotate it (an administrator counts as Owner). Use such a credential.`;
      }
      if (status === 401 || status === 404) {
        return `Rotating a ${kind} access token needs ${role}, or an administrator, and the token must be one of ${owner.label}; GitLab answers ${status} otherwise. Check token-id, ${kind} and the role of gitlab-token's user.`;
      }
      return undefined;
    },

    refusedScopes(scopes) {
      const refused = scopes.filter((scope) => BOT_REFUSED_SCOPES.has(scope));
      return refused.length === 0
        ? undefined
        : `${kind === 'project' ? 'Project' : 'Group'} access tokens cannot have the scope${refused.length > 1 ? 's' : ''} ${refused.join(', ')} (their bot user is not a person or an administrator)`;
    },
  };
}
