/** `list`: the tokens of a user, project, group or service account (or the caller's), every page, never values. */
import { expiresWithin, utcDate } from '../time/expiry.js';
import { listingAdvice, readCredential, resolveOwner } from '../tokens/resolve-token.js';
import type { ResolvedOwner } from '../tokens/token-kind.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { toTokenView, type TokenView } from '../tokens/token-view.js';
import { callGitlab, type OperationContext } from './operation-context.js';
import type { OperationResult } from './result.js';

export async function listTokens(context: OperationContext): Promise<OperationResult> {
  const { options } = context;
  let owner: ResolvedOwner = await resolveOwner(context, options.address.owner);
  if (owner.kind === 'personal' && owner.userId === undefined) {
    // The caller's own, by user_id, which costs the credential read that says whose (one request besides the pages).
    // Without user_id GitLab lists a non-administrator's own tokens but an administrator's whole instance, and
    // nothing before the answers tells which of the two is calling; nor can the answers be trusted to: an
    // instance-wide page that happens to hold only one user's tokens (a name filter, a small instance) reads like
    // an own list. Filtering an instance-wide list afterwards would cost an administrator every token's page.
    const own = await readCredential(context, options.address.owner);
    owner = { ...owner, userId: own.userId };
  }
  const resolved = owner;
  const found = await callGitlab(
    context,
    `Listing the tokens of ${owner.label}`,
    () =>
      tokenKindOf(resolved).list(context.api.client, resolved, {
        ...(options.state === 'all' ? {} : { state: options.state }),
        ...(options.nameFilter !== undefined ? { search: options.nameFilter } : {}),
      }),
    listingAdvice(owner),
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
    options.nameFilter !== undefined ? `named like "${options.nameFilter}"` : undefined,
    window ? `expiring within ${window.text}` : undefined,
  ].filter(Boolean);
  return {
    operation: 'list',
    dryRun: options.dryRun,
    headline: `${tokens.length} token${tokens.length === 1 ? '' : 's'} of ${owner.label}${filters.length ? ` (${filters.join(', ')})` : ''}.`,
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
