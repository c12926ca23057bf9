import { expiresWithin, utcDate } from '../expiry.js';
import { resolveUser } from '../resolve-token.js';
import { toTokenView, type TokenView } from '../token-view.js';
import { callGitlab, type OperationContext } from '../operation-context.js';
import type { OperationResult } from './result.js';

export async function listTokens(context: OperationContext): Promise<OperationResult> {
  const { options, api } = context;
  const owner = options.user !== undefined ? await resolveUser(context, options.user) : undefined;
  // Without a user, the caller's own tokens: an administrator would otherwise get every token on the instance.
  const userId =
    owner?.id ??
    (await callGitlab(context, 'Reading the credential (gitlab-token)', () => api.currentToken())).userId;
  const whose = owner ? `user ${owner.username}` : 'the caller';
  const found = await callGitlab(context, `Listing the tokens of ${whose}`, () =>
    api.personalAccessTokens({
      userId,
      ...(options.state === 'all' ? {} : { state: options.state }),
      ...(options.name !== undefined ? { search: options.name } : {}),
    }),
  );
  const now = context.clock.now();
  const today = utcDate(now);
  const window = options.expiresWithin;
  const tokens = found
    .filter((token) => window === undefined || expiresWithin(token.expiresAt, window, today))
    .map((token) => toTokenView(token, now))
    .sort(byExpiry);
  const filters = [
    options.state === 'all' ? undefined : options.state,
    options.name !== undefined ? `named like "${options.name}"` : undefined,
    window ? `expiring within ${window.text}` : undefined,
  ].filter(Boolean);
  return {
    operation: 'list',
    dryRun: options.dryRun,
    headline: `${tokens.length} token${tokens.length === 1 ? '' : 's'} of ${whose}${filters.length ? ` (${filters.join(', ')})` : ''}.`,
    tokens,
  };
}

/** Soonest expiry first: that is what a reader of the list is looking for. Tokens that never expire go last. */
function byExpiry(a: TokenView, b: TokenView): number {
  if (a.expires_at === b.expires_at) return a.id - b.id;
  if (a.expires_at === null) return 1;
  if (b.expires_at === null) return -1;
  return a.expires_at < b.expires_at ? -1 : 1;
}
