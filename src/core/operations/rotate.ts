/**
 * Rotation, following the protocol in the README ("Safety promises"): check everything before changing anything,
 * replace the token exactly once, protect the new value and use it at once, store it everywhere (or at least
 * somewhere safe, loudly), verify it.
 */
import { chooseExpiry, lifetimeOf } from '../choose-expiry.js';
import { preflightDestinations } from '../deliver-token.js';
import { InputError, UnchangedFailure } from '../errors.js';
import { daysLeft, expiresWithin, utcDate } from '../expiry.js';
import type { PersonalAccessToken } from '../gitlab-api.js';
import { describeToken, resolveToken } from '../resolve-token.js';
import { rotateAtomically } from '../rotation/atomic-rotation.js';
import { rotateWithOverlap } from '../rotation/overlap-rotation.js';
import { preflightRecovery } from '../rotation/recover-lost-rotation.js';
import type { RotationPlan } from '../rotation/rotation-plan.js';
import { hasAnyScope, SELF_ROTATE_SCOPES } from '../scopes.js';
import { toTokenView } from '../token-view.js';
import { callGitlab, type OperationContext } from '../operation-context.js';
import type { OperationResult } from './result.js';

export async function rotateToken(context: OperationContext): Promise<OperationResult> {
  const { options, api } = context;

  // 1. Preflight: nothing here changes anything.
  const credential = await callGitlab(context, 'Checking the credential (gitlab-token)', () =>
    api.currentToken(),
  );
  const target = await resolveToken(context, options.target ?? { kind: 'self' }, () =>
    Promise.resolve(credential),
  );
  const label = describeToken(target);
  const selfRotation = target.id === credential.id;
  assertRotatable(context, target, credential, selfRotation);

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
  const plan: RotationPlan = { target, label, selfRotation, expiresAt: expiry.expiresAt };
  if (options.strategy === 'overlap') await assertMayCreate(context, plan);
  await preflightDestinations(context);
  if (options.recoveryToken !== undefined) await preflightRecovery(context, plan);

  const summary = `${label}${target.expiresAt ? ` (expires ${target.expiresAt})` : ''} into a new token expiring ${expiry.expiresAt}`;
  if (options.dryRun) {
    const where = context.destinations.map((destination) => destination.description).join(', ');
    const how =
      options.strategy === 'overlap' ? ' by creating a new token and then revoking the old one' : '';
    return {
      ...unchanged(context, target, `Dry run: would rotate ${summary}${how}, stored in ${where}.`),
      rotatesCredential: selfRotation,
    };
  }

  // A second run may have rotated this token since we read it. Sending a rotated-away token to rotate makes GitLab
  // revoke the whole family, the other run's new token included, so look once more right before changing it.
  await assertStillActive(context, plan);

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
    rotatesCredential: selfRotation,
    storedIn: outcome.storedIn,
  };
}

function unchanged(
  context: OperationContext,
  target: PersonalAccessToken,
  headline: string,
): OperationResult {
  return {
    operation: 'rotate',
    dryRun: context.options.dryRun,
    headline,
    token: toTokenView(target, context.clock.now()),
    rotated: false,
  };
}

function assertRotatable(
  context: OperationContext,
  target: PersonalAccessToken,
  credential: PersonalAccessToken,
  selfRotation: boolean,
): void {
  const label = describeToken(target);
  if (target.revoked) {
    throw new UnchangedFailure(
      `${label} is revoked, so it cannot be rotated. If an earlier run rotated it, its successor has the same name: select it with token-name "${target.name}".`,
    );
  }
  if (!target.active) {
    throw new UnchangedFailure(
      `${label} expired on ${target.expiresAt ?? '?'} and can no longer be rotated by its own credential. Create a new token (or have an administrator rotate it) and store it where the old one was.`,
    );
  }
  const needed =
    selfRotation && context.options.strategy === 'rotate' ? SELF_ROTATE_SCOPES : (['api'] as const);
  if (!hasAnyScope(credential.scopes, needed)) {
    throw new UnchangedFailure(
      `Rotating ${label} on ${context.api.instanceUrl} needs the ${needed.join(' or ')} scope on gitlab-token, which has ${credential.scopes.join(', ') || 'no scopes'}. Give the token one of these scopes or use a credential that has it.`,
    );
  }
}

/** GitLab lets only administrators create personal access tokens with arbitrary scopes through the API. */
async function assertMayCreate(context: OperationContext, plan: RotationPlan): Promise<void> {
  const caller = await callGitlab(context, "Reading the credential's user", () => context.api.currentUser());
  if (caller.isAdmin !== true) {
    throw new UnchangedFailure(
      `strategy overlap creates a new token for ${plan.label}'s user, which GitLab allows through the API only to administrators; ${caller.username} is not one. Use strategy rotate, or an administrator's credential.`,
    );
  }
}

async function assertStillActive(context: OperationContext, plan: RotationPlan): Promise<void> {
  const advice = `${plan.label} was rotated or revoked after this run started, probably by another run. Nothing was changed by this run; the other run's token is the current one. Run rotations of one token one at a time (GitHub: concurrency; GitLab: resource_group).`;
  const current = await callGitlab(
    context,
    `Checking that ${plan.label} is still active`,
    () => (plan.selfRotation ? context.api.currentToken() : context.api.personalAccessToken(plan.target.id)),
    { revoked: advice },
  );
  if (!current.active) throw new UnchangedFailure(advice);
}
