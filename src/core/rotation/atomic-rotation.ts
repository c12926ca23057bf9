/**
 * GitLab's rotate: one request that revokes the old token and returns the new one, once
 * (app/services/personal_access_tokens/rotate_service.rb). It is never resent: a second rotate with the old token
 * looks like theft to GitLab, which then revokes the new token too.
 */
import { deliverToken } from '../destinations/deliver-token.js';
import { OutcomeUnknown, UnchangedFailure } from '../errors.js';
import { credentialProblem, describeGitlabError, httpStatus } from '../gitlab/describe-error.js';
import { GitlabHttpError, gitlabText } from '../gitlab/request.js';
import { postOutcome } from '../gitlab/post-outcome.js';
import type { OperationContext } from '../operations/operation-context.js';
import type { NewAccessToken } from '../tokens/access-token.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { recoverLostRotation } from './recover-lost-rotation.js';
import type { RotationOutcome, RotationPlan } from './rotation-plan.js';
import { verifyNewToken } from './verify-new-token.js';

export async function rotateAtomically(
  context: OperationContext,
  plan: RotationPlan,
): Promise<RotationOutcome> {
  const { api, log } = context;
  let rotated: NewAccessToken;
  try {
    rotated = await tokenKindOf(plan.owner).rotate(
      api.client,
      plan.owner,
      plan.selfRotation ? 'self' : plan.target.id,
      plan.expiresAt,
    );
  } catch (error) {
    rotated = await handleRotateFailure(context, plan, error);
  }

  // Protect the value before anything else is written, then never send the old token again.
  log.protectSecret(rotated.token);
  if (plan.selfRotation) api.credential.replace(rotated.token);
  // The headline says it all once the token is stored; this line is for the request trail.
  log.debug(`Rotated ${plan.label}: new token ${rotated.id}, expires ${rotated.expiresAt ?? 'never'}.`);

  const storedIn = await deliverToken(context, rotated);
  await verifyNewToken(
    context,
    rotated,
    plan.selfRotation ? api : api.withCredential(rotated.token),
    storedIn,
  );
  return { token: rotated, storedIn };
}

/**
 * A refusal changed nothing. Without an answer (timeout, reset, 5xx) the rotation may have happened: look at the old
 * token instead of asking again. Returns a token only when a recovery credential could rotate the lost one.
 */
async function handleRotateFailure(
  context: OperationContext,
  plan: RotationPlan,
  error: unknown,
): Promise<NewAccessToken> {
  const { api, log } = context;
  const status = httpStatus(error);
  const explained =
    error instanceof GitlabHttpError
      ? tokenKindOf(plan.owner).explainRefusal(
          plan.owner,
          { action: 'rotate', id: plan.selfRotation ? 'self' : plan.target.id, token: plan.target },
          error.status,
          gitlabText(error.answer),
        )
      : undefined;
  const managers = `Rotating ${plan.label} needs ${tokenKindOf(plan.owner).managers}, and gitlab-token's user is not one. Use such a credential.`;
  const description = describeGitlabError(error, {
    doing: `Rotating ${plan.label}`,
    instanceUrl: api.instanceUrl,
    // The kind's reading of GitLab's answer is the most precise; who may rotate is the fallback.
    advice: {
      denied: explained ?? managers,
      403: managers,
      ...(explained !== undefined && status !== undefined ? { [status]: explained } : {}),
    },
  });
  if (postOutcome(error) === 'refused') {
    const alreadyRevoked =
      error instanceof GitlabHttpError && status === 400 && /revoked/i.test(gitlabText(error.answer));
    const hint = alreadyRevoked
      ? ` ${plan.label} was rotated or revoked after this run started, probably by another run: nothing was changed by this run, and the other run's token is the current one. Run rotations of one token one at a time (GitHub: concurrency; GitLab: resource_group).`
      : credentialProblem(error) === 'revoked'
        ? " If another run rotated this token at the same moment, GitLab may have revoked that run's new token too (reuse detection): check the token list."
        : status === 429
          ? ' GitLab refused before rotating (rate limit): nothing changed. Run again later.'
          : '';
    throw new UnchangedFailure(`${description}${hint}`);
  }

  log.warn(`${description} Not resending the rotate request; checking whether the old token still works.`);
  const oldState = await probeOldToken(context, plan);
  if (oldState === 'active') {
    throw new UnchangedFailure(
      `${description} The old ${plan.label} still works ${Math.round(PROBE_AGAIN_AFTER_MS.reduce((sum, ms) => sum + ms, 0) / 1000)} s later, so GitLab did not rotate it: nothing changed. Run again later.`,
    );
  }
  if (oldState === 'revoked' && context.options.recoveryToken !== undefined) {
    log.warn(`GitLab rotated ${plan.label} but its answer was lost; recovering with recovery-token.`);
    return recoverLostRotation(context, plan, description);
  }
  const manager = tokenKindOf(plan.owner).managers;
  throw new OutcomeUnknown(
    oldState === 'revoked'
      ? `${description} The old ${plan.label} is now revoked: GitLab did rotate it, but its answer with the new value was lost. The new token works but its value is gone.`
      : `${description} Whether GitLab rotated ${plan.label} could not be determined (the check after the failure got no answer either).`,
    [
      `With a credential of ${manager}, list the active tokens named "${plan.target.name}" of ${plan.owner.label} (operation list${listInputs(plan)}, name "${plan.target.name}").`,
      `Rotate the newest of them by id (operation rotate, token-id <id>) to get a value you can store, or revoke it and create a new one. Setting recovery-token does this automatically next time.`,
      'Do not rerun this rotation with the old token: GitLab treats a rotated-away token sent to rotate as stolen and revokes the new token too.',
    ],
  );
}

function listInputs(plan: RotationPlan): string {
  const owner = plan.owner;
  switch (owner.kind) {
    case 'personal':
      return `, user ${plan.target.userId}`;
    case 'project':
      return `, token-kind project, project ${owner.project}`;
    case 'group':
      return `, token-kind group, group ${owner.group}`;
    case 'service-account':
      return `, token-kind service-account, group ${owner.group ?? '<its group>'}, user ${owner.userId}`;
  }
}

/**
 * A proxy may answer 502, or drop the connection, while GitLab is still working on the rotate: an old token that
 * still works a moment later may be revoked the next. So it is looked at again over about half a minute.
 */
export const PROBE_AGAIN_AFTER_MS = [2_000, 5_000, 10_000, 20_000] as const;

async function probeOldToken(
  context: OperationContext,
  plan: RotationPlan,
): Promise<'active' | 'revoked' | 'unknown'> {
  let state = await probeOnce(context, plan);
  for (const waitMs of PROBE_AGAIN_AFTER_MS) {
    if (state !== 'active') break;
    await context.wait(waitMs);
    state = await probeOnce(context, plan);
  }
  return state;
}

/** GET only: a rotated-away token sent to a GET is refused but, unlike on a rotate path, revokes nothing. */
async function probeOnce(
  context: OperationContext,
  plan: RotationPlan,
): Promise<'active' | 'revoked' | 'unknown'> {
  try {
    const old = plan.selfRotation
      ? await context.api.client.get<{ active?: boolean; revoked?: boolean }>('personal_access_tokens/self')
      : await tokenKindOf(plan.owner).read(context.api.client, plan.owner, plan.target.id);
    return old.active !== false && old.revoked !== true ? 'active' : 'revoked';
  } catch (probeError) {
    return credentialProblem(probeError) === 'revoked' ? 'revoked' : 'unknown';
  }
}
