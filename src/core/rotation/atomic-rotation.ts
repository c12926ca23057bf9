/**
 * GitLab's rotate: one request that revokes the old token and returns the new one, once
 * (app/services/personal_access_tokens/rotate_service.rb). It is never resent: a second rotate with the old token
 * looks like theft to GitLab, which then revokes the new token too.
 */
import { UNGUARDED } from '../change-guard.js';
import {
  deliverToken,
  stoppedWhileDelivering,
  type DeliveryProgress,
} from '../destinations/deliver-token.js';
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
  // From the rotate request until the value is stored nothing local may stop the run: by then the old token is
  // revoked and the new value exists only in this process.
  let rotated: NewAccessToken | undefined;
  const progress: DeliveryProgress = { stored: [] };
  const { token, storedIn } = await (context.changes ?? UNGUARDED).protect(
    async () => {
      let answer: NewAccessToken;
      try {
        answer = await tokenKindOf(plan.owner).rotate(
          api.client,
          plan.owner,
          plan.viaSelfEndpoint ? 'self' : plan.target.id,
          plan.expiresAt,
        );
      } catch (error) {
        answer = await handleRotateFailure(context, plan, error);
      }
      rotated = answer;
      // Protect the value before anything else is written, then never send the old token again.
      log.protectSecret(answer.token);
      if (plan.selfRotation) api.credential.replace(answer.token);
      log.info(`Rotated ${plan.label}: new token ${answer.id}, expires ${answer.expiresAt ?? 'never'}.`);
      return { token: answer, storedIn: await deliverToken(context, answer, progress) };
    },
    () =>
      rotated
        ? stoppedWhileDelivering(context, rotated, progress.stored)
        : new OutcomeUnknown(
            `The run stopped while GitLab was rotating ${plan.label}: the rotate request was sent and its answer had not arrived, so whether GitLab rotated it is unknown.`,
            [
              `If the old ${plan.label} still works (operation get with it), nothing changed: run again later.`,
              ...lostValueSteps(plan),
            ],
          ),
  );

  await verifyNewToken(context, token, plan.selfRotation ? api : api.withCredential(token.token), storedIn);
  return { token, storedIn };
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
  const description = describeGitlabError(error, {
    doing: `Rotating ${plan.label}`,
    instanceUrl: api.instanceUrl,
  });
  const status = httpStatus(error);
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
  throw new OutcomeUnknown(
    oldState === 'revoked'
      ? `${description} The old ${plan.label} is now revoked: GitLab did rotate it, but its answer with the new value was lost. The new token works but its value is gone.`
      : `${description} Whether GitLab rotated ${plan.label} could not be determined (the check after the failure got no answer either).`,
    lostValueSteps(plan),
  );
}

/** What to do when GitLab may have rotated a token whose new value nobody has. */
function lostValueSteps(plan: RotationPlan): string[] {
  return [
    `With a credential of ${tokenKindOf(plan.owner).managers}, list the active tokens named "${plan.target.name}" of ${plan.owner.label} (operation list${listInputs(plan)}, name "${plan.target.name}").`,
    `Rotate the newest of them by id (operation rotate, token-id <id>) to get a value you can store, or revoke it and create a new one. Setting recovery-token does this automatically next time.`,
    'Do not rerun this rotation with the old token: GitLab treats a rotated-away token sent to rotate as stolen and revokes the new token too.',
  ];
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
      return `, token-kind service-account, group ${owner.group}, user ${owner.userId}`;
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
