/**
 * What every token kind offers the operations (create, list, get, revoke, rotate, the overlap strategy, lost-answer
 * recovery): its endpoints and its rules, behind one interface. A kind is one module (personal.ts, project.ts,
 * group.ts, service-account.ts); adding one means one file here and its tests.
 */
import type { GitlabClient } from '../gitlab/gitlab-client.js';
import type { AccessToken, NamespaceRef, NewAccessToken, TokenKind, TokenResource } from './access-token.js';

/** Whose tokens, resolved to what the endpoints need; `label` names it in messages ("project platform/app"). */
export type ResolvedOwner =
  /** `userId` undefined: the caller's own tokens. */
  | { readonly kind: 'personal'; readonly userId: number | undefined; readonly label: string }
  | { readonly kind: 'project'; readonly project: NamespaceRef; readonly label: string }
  | { readonly kind: 'group'; readonly group: NamespaceRef; readonly label: string }
  | {
      readonly kind: 'service-account';
      /**
       * Undefined only for the account's own token rotating, reading or revoking itself (token-id self) without
       * group: its self endpoints need no group; anything that lists the account's tokens does.
       */
      readonly group: NamespaceRef | undefined;
      readonly userId: number;
      readonly label: string;
    };

export interface TokenListFilter {
  readonly state?: 'active' | 'inactive';
  /** GitLab's `search`: names containing this text. Kinds whose endpoint lacks it filter here. */
  readonly search?: string;
}

export interface NewTokenRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly description: string | undefined;
  /** `YYYY-MM-DD`, always sent. */
  readonly expiresAt: string;
  /** Project and group tokens. */
  readonly accessLevel: number | undefined;
}

/** A change GitLab refused (answered 4xx: nothing changed), for the kind to explain. */
export type RefusedChange =
  | { readonly action: 'create'; readonly accessLevel: number | undefined }
  /** `id` as sent: the token's id, or `self` when the credential rotated itself through its self endpoint. */
  | { readonly action: 'rotate'; readonly id: number | 'self'; readonly token: AccessToken };

export interface TokenKindModule<O extends ResolvedOwner = ResolvedOwner> {
  readonly kind: TokenKind;
  /** Who may create tokens of this kind, for messages ("an administrator", "a Maintainer of the project"). */
  readonly creators: string;
  /** Who may rotate or revoke a token of this kind that is not their own. */
  readonly managers: string;
  /** One token by id, or the credential itself (`self`). */
  read(client: GitlabClient, owner: O, id: number | 'self'): Promise<AccessToken>;
  /** Every token of the owner that matches, every page. */
  list(client: GitlabClient, owner: O, filter: TokenListFilter): Promise<AccessToken[]>;
  /**
   * The same tokens page by page as they arrive (client.pages), for audits of thousands of tokens: memory holds a few
   * pages. A personal owner without userId lists every token the credential can see (an administrator's: all).
   */
  pages(
    client: GitlabClient,
    owner: O,
    filter: TokenListFilter,
    concurrency?: number,
  ): AsyncIterable<AccessToken[]>;
  /** Sent once: never retried. */
  create(client: GitlabClient, owner: O, request: NewTokenRequest): Promise<NewAccessToken>;
  /** Sent once: never retried (a second rotate with the old token revokes the new one). */
  rotate(client: GitlabClient, owner: O, id: number | 'self', expiresAt: string): Promise<NewAccessToken>;
  revoke(client: GitlabClient, owner: O, id: number | 'self'): Promise<void>;
  /**
   * What a refusal of a create or rotate means under this kind's rules, as advice for the message (which already
   * carries GitLab's status and text), or undefined when the generic advice fits. `said`: GitLab's text.
   */
  explainRefusal(owner: O, change: RefusedChange, status: number, said: string): string | undefined;
  /** Scopes a new token of this kind may not have, with the reason; checked before the create. */
  refusedScopes(
    scopes: readonly string[],
    caller: { readonly isAdmin: boolean | undefined },
  ): string | undefined;
}

/** A token entity as GitLab sends it for any kind (PAT, resource access token, service-account token). */
export interface RawToken {
  id: number;
  name: string;
  description?: string | null;
  revoked?: boolean;
  active?: boolean;
  scopes?: string[];
  user_id: number;
  created_at: string;
  last_used_at?: string | null;
  expires_at?: string | null;
  access_level?: number;
  resource_type?: string;
  resource_id?: number;
  token?: string;
}

/** GitLab's entity to the model. Read tolerantly: fields differ between versions and GitLab.com. */
export function toAccessToken(kind: TokenKind, raw: RawToken, resource?: TokenResource): AccessToken {
  const resourceType = raw.resource_type?.toLowerCase();
  return {
    kind,
    id: raw.id,
    name: raw.name,
    description: raw.description === '' ? null : (raw.description ?? null),
    revoked: raw.revoked === true,
    active: raw.active !== false && raw.revoked !== true,
    scopes: raw.scopes ?? [],
    userId: raw.user_id,
    createdAt: raw.created_at,
    lastUsedAt: raw.last_used_at ?? null,
    expiresAt: raw.expires_at ?? null,
    accessLevel: typeof raw.access_level === 'number' ? raw.access_level : null,
    resource:
      (resourceType === 'project' || resourceType === 'group') && typeof raw.resource_id === 'number'
        ? { kind: resourceType, id: raw.resource_id }
        : (resource ?? null),
  };
}

/** A create or rotate answer: the model plus the value, which must be there. */
export function toNewAccessToken(kind: TokenKind, raw: RawToken, resource?: TokenResource): NewAccessToken {
  if (typeof raw?.token !== 'string' || raw.token === '') {
    // No value means nothing can be stored: the same as an answer lost (the change may have happened).
    throw new MissingTokenValueError();
  }
  return { ...toAccessToken(kind, raw, resource), token: raw.token };
}

/** GitLab answered a create or rotate with success but without the new value. */
export class MissingTokenValueError extends Error {
  override readonly name = 'MissingTokenValueError';
  constructor() {
    super('GitLab answered without the new token value');
  }
}

/** Filters a list by GitLab's `search` semantics where an endpoint has no such parameter. */
export function matchesSearch(token: AccessToken, search: string | undefined): boolean {
  return search === undefined || token.name.toLowerCase().includes(search.toLowerCase());
}
