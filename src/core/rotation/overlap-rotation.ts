/**
 * strategy: overlap. Create a new token beside the old one, store it, verify it, and only then revoke the old one.
 * Until the very end the old token keeps working, so a failed write can be undone by revoking the new token. A
 * project or group token made this way comes with a new bot user (the caller is warned when the options are read).
 */
import { UNGUARDED } from '../change-guard.js';
import {
  changedToken,
  descriptions,
  stoppedWhileDelivering,
  writeDestinations,
  type DeliveryProgress,
} from '../destinations/deliver-token.js';
import { DestinationFailure, OutcomeUnknown, UnchangedFailure } from '../errors.js';
import { describeGitlabError } from '../gitlab/describe-error.js';
import { postOutcome } from '../gitlab/post-outcome.js';
import { GitlabHttpError, gitlabText } from '../gitlab/request.js';
import type { OperationContext } from '../operations/operation-context.js';
import type { NewAccessToken } from '../tokens/access-token.js';
import type { ResolvedOwner } from '../tokens/token-kind.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import type { RotationOutcome, RotationPlan } from './rotation-plan.js';
import { verifyNewToken } from './verify-new-token.js';

export async function rotateWithOverlap(
  context: OperationContext,
  plan: RotationPlan,
): Promise<RotationOutcome> {
  const { api, log } = context;
  const { target } = plan;
  const kind = tokenKindOf(plan.owner);
  // A personal successor is created for the token's own user (the administrators' endpoint).
  const owner: ResolvedOwner =
    plan.owner.kind === 'personal' ? { ...plan.owner, userId: target.userId } : plan.owner;
  // From the create request until the successor is stored (or revoked again) nothing local may stop the run.
  let successor: NewAccessToken | undefined;
  const progress: DeliveryProgress = { stored: [] };
  const { created, delivery } = await (context.changes ?? UNGUARDED).protect(
    async () => {
      const created = await createSuccessor(context, plan, owner);
      successor = created;
      log.protectSecret(created.token);
      // The headline says it all once the token is stored; this line is for the request trail.
      log.debug(
        `Created the successor of ${plan.label}: token ${created.id}, expires ${created.expiresAt ?? 'never'}.`,
      );
      const delivery = await writeDestinations(context, created, context.destinations, progress);
      if (delivery.failed.length > 0) await undoOrReport(context, plan, owner, created, delivery);
      return { created, delivery };
    },
    () =>
      successor
        ? progress.stored.length > 0
          ? stoppedWhileDelivering(context, successor, progress.stored, true)
          : new OutcomeUnknown(
              `The run stopped after creating the successor of ${plan.label} (token ${successor.id}) and before storing it: the old token still works where it was, and the successor's value is lost.`,
              [`Revoke token ${successor.id} (operation revoke, token-id ${successor.id}) and run again.`],
            )
        : new OutcomeUnknown(
            `The run stopped while GitLab was creating the successor of ${plan.label}: a new token may have been created; the old one still works.`,
            [
              `List the tokens named "${target.name}" of ${plan.owner.label} and revoke any newer than ${target.id} (its value was never received).`,
            ],
          ),
  );
  const storedIn = descriptions(delivery.stored);
  await verifyNewToken(context, created, api.withCredential(created.token), storedIn);

  // Only now may the old token go. If it was the credential, revoke it as the new one.
  if (plan.selfRotation) api.credential.replace(created.token);
  try {
    await kind.revoke(api.client, owner, target.id);
    log.info(`Revoked the old ${plan.label}.`);
  } catch (error) {
    log.warn(
      `The new token is stored and works, but revoking the old ${plan.label} failed: ${describeGitlabError(error, { doing: 'Revoking the old token', instanceUrl: api.instanceUrl })} Revoke it by hand (operation revoke, token-id ${target.id}); it also stops at its expiry date.`,
    );
  }
  return { token: created, storedIn };
}

async function createSuccessor(
  context: OperationContext,
  plan: RotationPlan,
  owner: ResolvedOwner,
): Promise<NewAccessToken> {
  const { api } = context;
  const { target } = plan;
  const kind = tokenKindOf(plan.owner);
  try {
    return await kind.create(api.client, owner, {
      name: target.name,
      scopes: target.scopes,
      description: target.description ?? undefined,
      expiresAt: plan.expiresAt,
      accessLevel: target.accessLevel ?? undefined,
    });
  } catch (error) {
    const explained =
      error instanceof GitlabHttpError
        ? kind.explainRefusal(
            owner,
            { action: 'create', accessLevel: target.accessLevel ?? undefined },
            error.status,
            gitlabText(error.answer),
          )
        : undefined;
    const description = describeGitlabError(error, {
      doing: `Creating the successor of ${plan.label}`,
      instanceUrl: api.instanceUrl,
      advice: {
        403: `strategy overlap creates a new token, which needs ${kind.creators}; the credential's user is not. Use strategy rotate, or such a credential.`,
        401: `strategy overlap creates a new token, which needs ${kind.creators}. Use strategy rotate, or such a credential.`,
        ...(explained !== undefined && error instanceof GitlabHttpError
          ? {
              [error.status]: `${explained} (strategy overlap creates a new token; strategy rotate does not.)`,
            }
          : {}),
      },
    });
    if (postOutcome(error) === 'unknown') {
      throw new OutcomeUnknown(`${description} A new token may have been created; the old one still works.`, [
        `List the tokens named "${target.name}" of ${plan.owner.label} and revoke any newer than ${target.id} (its value was never received).`,
      ]);
    }
    throw new UnchangedFailure(`${description} Nothing changed; the old token still works.`);
  }
}

/**
 * A write failed. If no durable destination holds the new token, revoking it restores the state before the run:
 * the old token still works everywhere. Otherwise the new token must stay, and the run fails saying where it is.
 */
async function undoOrReport(
  context: OperationContext,
  plan: RotationPlan,
  owner: ResolvedOwner,
  created: NewAccessToken,
  delivery: Awaited<ReturnType<typeof writeDestinations>>,
): Promise<never> {
  const failures = delivery.failed
    .map(({ destination, why }) => `${destination.description}: ${why}`)
    .join('; ');
  if (delivery.stored.some((destination) => destination.durable)) {
    throw new DestinationFailure(
      `The new token ${created.id} is stored in ${descriptions(delivery.stored).join(' and ')}, but not in: ${failures}. The old ${plan.label} was left working.`,
      [
        'Fix what the message names, then copy the new token to the failed destination, and revoke the old token.',
      ],
      changedToken(created, descriptions(delivery.stored)),
    );
  }
  try {
    await tokenKindOf(owner).revoke(context.api.client, owner, created.id);
  } catch (error) {
    throw new DestinationFailure(
      `Storing the new token ${created.id} failed (${failures}) and revoking it failed too: ${describeGitlabError(error, { doing: 'Revoking the new token', instanceUrl: context.api.instanceUrl })}. The old ${plan.label} still works.`,
      [`Revoke token ${created.id} by hand (operation revoke, token-id ${created.id}).`],
      changedToken(created, descriptions(delivery.stored)),
    );
  }
  throw new UnchangedFailure(
    `Storing the new token failed (${failures}), so it was revoked again: the old ${plan.label} still works and is still where it was. Fix what the message names and run again.`,
  );
}
