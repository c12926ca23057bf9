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
import { chooseExpiry, describeEnd, lifetimeOf } from '../time/choose-expiry.js';
import { daysLeft, expiresWithin, utcDate } from '../time/expiry.js';
import { describeToken, type AccessToken, type TokenKind } from '../tokens/access-token.js';
import { readCredential, resolveToken } from '../tokens/resolve-token.js';
import { hasAnyScope, SELF_ROTATE_SCOPES } from '../tokens/scopes.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { toTokenView } from '../tokens/token-view.js';
import type { OperationContext } from './operation-context.js';
import type { OperationResult } from './result.js';

export async function rotateToken(context: OperationContext): Promise<OperationResult> {
  const { options } = context;

  // 1. Preflight: nothing here changes anything. For token-id self the credential reads itself first: a run that
  //    finds it not due makes that one request and no other (not even to find its project or group).
  const credential =
    options.address.selector.kind === 'self'
      ? await readCredential(context, options.address.owner)
      : undefined;
  if (credential) {
    assertRotatable(context, credential, true, options.address.owner.kind);
    const skipped = notDue(context, credential);
    if (skipped) return skipped;
  }
  const resolved = await resolveToken(context, options.address, 'rotate', credential);
  const { token: target, owner } = resolved;
  const label = describeToken(target);
  if (!credential) {
    assertRotatable(context, target, resolved.isCredential, owner.kind);
    const skipped = notDue(context, target);
    if (skipped) return skipped;
  }
  // Only a token that is due reaches a fleet's check: one that is not changes nothing.
  context.beforeChange?.(resolved);

  const today = utcDate(context.clock.now());
  const expiry = chooseExpiry(options.expiry, lifetimeOf(target, options.maxLifetimeDays), {
    now: context.clock.now(),
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
    // However it was selected: a project or group bot may not rotate tokens by id, and the self endpoint needs only
    // api or self_rotate.
    selfRotation: resolved.isCredential,
    expiresAt: expiry.expiresAt,
  };
  await preflightDestinations(context, {
    tokenResource: target.resource,
    // A self-rotation's successor writes with the same scopes; another credential's rotate already needs api.
    writerScopes: plan.selfRotation ? target.scopes : undefined,
  });
  if (options.recoveryToken !== undefined) await preflightRecovery(context, plan);

  const summary = `${label}${target.expiresAt ? ` (expires ${target.expiresAt})` : ''} into a new token expiring ${expiry.expiresAt}`;
  // When it really ends, from the clock at the moment of the change: GitLab's midnight, not the end of that day.
  const ends = () => describeEnd(expiry.endsAt, context.clock.now());
  if (options.dryRun) {
    const where = context.destinations.map((destination) => destination.description).join(', ');
    const how =
      options.strategy === 'overlap' ? ' by creating a new token and then revoking the old one' : '';
    return {
      ...unchanged(
        context,
        target,
        `Dry run: would rotate ${summary}${how}, stored in ${where}; it ${ends()}.`,
      ),
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
    headline: `Rotated ${summary}: new id ${outcome.token.id}, stored in ${outcome.storedIn.join(', ')}; it ${ends()}.`,
    token: toTokenView(outcome.token, context.clock.now()),
    newToken: outcome.token,
    previousTokenId: target.id,
    rotated: true,
    changed: true,
    rotatesCredential: plan.selfRotation,
    storedIn: outcome.storedIn,
  };
}

/** rotate-before: the result of a run that finds the token not yet due, or undefined when it is due. */
function notDue(context: OperationContext, target: AccessToken): OperationResult | undefined {
  const window = context.options.rotateBefore;
  const today = utcDate(context.clock.now());
  if (!window || expiresWithin(target.expiresAt, window, today)) return undefined;
  const when =
    target.expiresAt === null
      ? 'never expires'
      : `expires ${target.expiresAt} (${daysLeft(target.expiresAt, today)} days left)`;
  return unchanged(
    context,
    target,
    `${describeToken(target)} ${when}, not within ${window.text}: not rotated.`,
  );
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
 * Exactly the refusals GitLab gives, said before anything is sent, with what to do: rotating a revoked token
 * (PersonalAccessTokens::RotateService: "Token already revoked", the only state it refuses; an expired token is
 * rotated for a credential that may manage it), and a token rotating itself without api or self_rotate (the scopes
 * the self-rotation endpoints accept). Who may rotate someone else's token is left to GitLab's answer.
 */
function assertRotatable(
  context: OperationContext,
  target: AccessToken,
  isCredential: boolean,
  kind: TokenKind,
): void {
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
      `Rotating ${label} on ${context.api.instanceUrl} needs the ${needed.join(' or ')} scope on gitlab-token, which has ${target.scopes.join(', ') || 'no scopes'}. Give the token one of these scopes or use a credential of ${tokenKindOf({ kind }).managers}.`,
    );
  }
}
