import { daysLeft, utcDate } from './expiry.js';
import type { PersonalAccessToken } from './gitlab-api.js';

export type TokenState = 'active' | 'expired' | 'revoked';

/** A token as the tool reports it: GitLab's fields plus what a reader wants to know at a glance. */
export interface TokenView {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly user_id: number;
  readonly scopes: readonly string[];
  readonly state: TokenState;
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly expires_at: string | null;
  /** Days until it stops working (0: at the coming midnight UTC); null when it never expires. */
  readonly days_left: number | null;
}

export function tokenState(token: PersonalAccessToken): TokenState {
  if (token.revoked) return 'revoked';
  return token.active ? 'active' : 'expired';
}

export function toTokenView(token: PersonalAccessToken, now: Date): TokenView {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    user_id: token.userId,
    scopes: token.scopes,
    state: tokenState(token),
    created_at: token.createdAt,
    last_used_at: token.lastUsedAt,
    expires_at: token.expiresAt,
    days_left: daysLeft(token.expiresAt, utcDate(now)),
  };
}
