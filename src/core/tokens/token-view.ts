/** A token as the tool reports it (JSON, outputs, summaries): GitLab's fields plus what a reader wants at a glance. */
import { daysLeft, utcDate } from '../time/expiry.js';
import type { AccessToken, TokenKind } from './access-token.js';

export type TokenState = 'active' | 'expired' | 'revoked';

export interface TokenView {
  readonly id: number;
  readonly name: string;
  readonly token_kind: TokenKind;
  readonly description: string | null;
  /** The user the token authenticates as (a bot user for project and group tokens). */
  readonly user_id: number;
  readonly scopes: readonly string[];
  readonly state: TokenState;
  readonly created_at: string;
  readonly last_used_at: string | null;
  /** `YYYY-MM-DD` (UTC); the token stops working at 00:00 UTC that day. */
  readonly expires_at: string | null;
  /** Days until it stops working (0: at the coming midnight UTC); null when it never expires. */
  readonly days_left: number | null;
  /** Project and group tokens: the bot's access level (10-50); null otherwise. */
  readonly access_level: number | null;
  /** Project and group tokens: `project` or `group`, and its id; null otherwise. */
  readonly resource_type: 'project' | 'group' | null;
  readonly resource_id: number | null;
}

export function tokenState(token: Pick<AccessToken, 'revoked' | 'active'>): TokenState {
  if (token.revoked) return 'revoked';
  return token.active ? 'active' : 'expired';
}

/** `now`: an instant (GitLab's clock where known); days are counted in UTC calendar days. */
export function toTokenView(token: AccessToken, now: Date): TokenView {
  return {
    id: token.id,
    name: token.name,
    token_kind: token.kind,
    description: token.description,
    user_id: token.userId,
    scopes: token.scopes,
    state: tokenState(token),
    created_at: token.createdAt,
    last_used_at: token.lastUsedAt,
    expires_at: token.expiresAt,
    days_left: daysLeft(token.expiresAt, utcDate(now)),
    access_level: token.accessLevel,
    resource_type: token.resource?.kind ?? null,
    resource_id: token.resource?.id ?? null,
  };
}
