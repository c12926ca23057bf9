/**
 * Rotation, following the protocol in the README ("Safety promises"): check everything before changing anything,
 * replace the token exactly once, protect the new value and use it at once, store it everywhere (or at least
 * somewhere safe, loudly), verify it. The same for every token kind; the kind modules know the endpoints.
 */
import { preflightDestinations } from '../destinations/deliver-token.js';
import { InputError, UnchangedFailure } from '../errors.js';
import { rotateAtomically } from '../rotation/atomic-rotation.js';
import { rotateWithOverlap } from '../rotation/overlap-rotation.js';
import { preflightRecovery } from '../rotation/recover-lost-rotation.js';
import type { RotationPlan } from '../rotation/rotation-plan.js';
import { chooseExpiry, lifetimeOf } from '../time/choose-expiry.js';
import { daysLeft, expiresWithin, utcDate } from '../time/expiry.js';
import { describeToken, type AccessToken } from '../tokens/access-token.js';
import { resolveToken, type ResolvedToken } from '../tokens/resolve-token.js';
import { hasAnyScope, SELF_ROTATE_SCOPES } from '../tokens/scopes.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { toTokenView } from '../tokens/token-view.js';
import type { OperationContext } from './operation-context.js';
import type { OperationResult } from './result.js';

export async function rotateToken(context: OperationContext): Promise<OperationResult> {
  const { options } = context;

  // 1. Preflight: nothing here changes anything. For token-id self, reading the token is the only request of a
  //    run that finds nothing due.
  const resolved = await resolveToken(context, options.address, 'rotate');
  const { token: target, owner } = resolved;
  const label = describeToken(target);
  assertRotatable(context, resolved);
  context.beforeChange?.(resolved);

  const today = utcDate(context.clock.now());
  if (options.rotateBefore && !expiresWithin(target.expiresAt, options.rotateBefore, today)) {
    const when =
      target.expiresAt === null
        ? 'never expires'
        : `expires ${target.expiresAt} (${daysLeft(target.expiresAt, today)} days left)`;
    return unchanged(
      context,
      target,
      `${label} ${when}, not within ${options.rotateBefore.text}: not rotated.`,
    );
  }

  const expiry = chooseExpiry(options.expiry, lifetimeOf(target, options.maxLifetimeDays), {
    today,
    maxLifetimeDays: options.maxLifetimeDays,
  });
  if (expiry.note) context.log.warn(`Expiry: ${expiry.note}.`);
  if (options.rotateBefore && expiresWithin(expiry.expiresAt, options.rotateBefore, today)) {
    // Every scheduled run would rotate again, and each rotation is a chance for reuse detection to bite.
    throw new InputError(
      `The new token would expire on ${expiry.expiresAt}, within rotate-before ${options.rotateBefore.text} of today, so every run would rotate it again. Give expires-in (or expires-at) longer than rotate-before, or a shorter rotate-before.`,
    );
  }
  const plan: RotationPlan = {
    target,
    owner,
    label,
    selfRotation: resolved.isCredential,
    viaSelfEndpoint: resolved.isCredential && options.address.selector.kind === 'self',
    expiresAt: expiry.expiresAt,
  };
  await preflightDestinations(context, {
    tokenResource: target.resource,
    // A self-rotation's successor writes with the same scopes; another credential's rotate already needs api.
    writerScopes: plan.selfRotation ? target.scopes : undefined,
  });
  if (options.recoveryToken !== undefined) await preflightRecovery(context, plan);

  const summary = `${label}${target.expiresAt ? ` (expires ${target.expiresAt})` : ''} into a new token expiring ${expiry.expiresAt}`;
  if (options.dryRun) {
    const where = context.destinations.map((destination) => destination.description).join(', ');
    const how =
      options.strategy === 'overlap' ? ' by creating a new token and then revoking the old one' : '';
    return {
      ...unchanged(context, target, `Dry run: would rotate ${summary}${how}, stored in ${where}.`),
      changed: true,
      rotatesCredential: plan.selfRotation,
    };
  }

  // 2-5. Replace exactly once, protect, store, verify.
  const outcome =
    options.strategy === 'overlap'
      ? await rotateWithOverlap(context, plan)
      : await rotateAtomically(context, plan);
  return {
    operation: 'rotate',
    dryRun: false,
    headline: `Rotated ${summary}: new id ${outcome.token.id}, stored in ${outcome.storedIn.join(', ')}.`,
    token: toTokenView(outcome.token, context.clock.now()),
    newToken: outcome.token,
    previousTokenId: target.id,
    rotated: true,
    changed: true,
    rotatesCredential: plan.selfRotation,
    storedIn: outcome.storedIn,
  };
}

function unchanged(context: OperationContext, target: AccessToken, headline: string): OperationResult {
  return {
    operation: 'rotate',
    dryRun: context.options.dryRun,
    headline,
    token: toTokenView(target, context.clock.now()),
    rotated: false,
    changed: false,
  };
}

/**
 * The refusals GitLab would give anyway, said before anything is sent, with what to do. GitLab refuses to rotate
 * only a revoked token; an expired one can be rotated by a credential that may manage it (not by itself: an
 * expired credential cannot authenticate).
 */
function assertRotatable(context: OperationContext, resolved: ResolvedToken): void {
  const { token: target, isCredential } = resolved;
  const label = describeToken(target);
  if (target.revoked) {
    throw new UnchangedFailure(
      `${label} is revoked, so it cannot be rotated. If an earlier run rotated it, its successor has the same name: select it with token-name "${target.name}".`,
    );
  }
  if (!isCredential) return;
  // Rotating itself needs api or self_rotate; the overlap strategy creates a token, which needs api.
  const needed = context.options.strategy === 'rotate' ? SELF_ROTATE_SCOPES : (['api'] as const);
  if (!hasAnyScope(target.scopes, needed)) {
    throw new UnchangedFailure(
      `Rotating ${label} on ${context.api.instanceUrl} needs the ${needed.join(' or ')} scope on gitlab-token, which has ${target.scopes.join(', ') || 'no scopes'}. Give the token one of these scopes or use a credential of ${tokenKindOf(resolved.owner).managers}.`,
    );
  }
}
