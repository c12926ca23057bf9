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
import { hasAnyScope, SELF_ROTATE_SCOPES } from '../tokens/scopes.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { recoverLostRotation } from './recover-lost-rotation.js';
import type { RotationOutcome, RotationPlan } from './rotation-plan.js';
import { verifyNewToken } from './verify-new-token.js';

export async function rotateAtomically(
  context: OperationContext,
  plan: RotationPlan,
): Promise<RotationOutcome> {
  const { api, log } = context;
  const nowMs = context.nowMs ?? (() => Date.now());
  // From the rotate request until the value is stored nothing local may stop the run: by then the old token is
  // revoked and the new value exists only in this process.
  let rotated: NewAccessToken | undefined;
  const progress: DeliveryProgress = { stored: [] };
  const sentAt = nowMs();
  const { token, storedIn, answeredAt } = await (context.changes ?? UNGUARDED).protect(
    async () => {
      let answer: NewAccessToken;
      try {
        answer = await tokenKindOf(plan.owner).rotate(
          api.client,
          plan.owner,
          plan.selfRotation ? 'self' : plan.target.id,
          plan.expiresAt,
        );
      } catch (error) {
        answer = await handleRotateFailure(context, plan, error);
      }
      const answeredAt = nowMs();
      rotated = answer;
      // Protect the value before anything else is written, then never send the old token again.
      log.protectSecret(answer.token);
      if (plan.selfRotation) api.credential.replace(answer.token);
      // The headline says it all once the token is stored; this line is for the request trail.
      log.debug(`Rotated ${plan.label}: new token ${answer.id}, expires ${answer.expiresAt ?? 'never'}.`);
      return { token: answer, storedIn: await deliverToken(context, answer, progress), answeredAt };
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

  await settleBeforeVerifying(context, plan, {
    rotateMs: answeredAt - sentAt,
    sinceAnswerMs: nowMs() - answeredAt,
  });
  await verifyNewToken(context, token, plan.selfRotation ? api : api.withCredential(token.token), storedIn);
  return { token, storedIn };
}

/**
 * How long after its rotate answer a run waits before the verification that decides whether it succeeded.
 *
 * Two runs that rotate one token at once both pass their checks; the one whose rotate GitLab handles second sends a
 * rotated-away token to a rotate endpoint, and GitLab's reuse detection then revokes the first run's new token, too.
 * When that happens after the first run verified, the first run reports success for a revoked token. No read can
 * exclude the other run (it may have read the old token as active a moment before this run's rotate), and a lock
 * would cost requests on every run; what this run can do is verify only after a colliding rotate would have been
 * handled. Such a rotate follows the other run's check of the old token, which came before this run's rotate was
 * handled, by that run's own latency: about this run's (twice its rotate's time), and never less than `minMs`,
 * since GitLab may be slow for that one request only. A later collision still escapes: rotating one token in one
 * place at a time (GitHub concurrency, GitLab resource_group, as the README and the components set up) is what
 * excludes it; this is the net below that rule. Milliseconds.
 */
export const SETTLE_BEFORE_VERIFYING = { minMs: 2_000, rotateFactor: 2, maxMs: 30_000 } as const;

/**
 * Waiting is for self-rotations of a token that may rotate itself (scope api or self_rotate): two runs of the same
 * job, the collision that happens. When another credential rotates the token, a second run like it is refused
 * harmlessly (400 "already revoked": its own credential is valid, so reuse detection does not fire). Costs time,
 * never a request.
 */
async function settleBeforeVerifying(
  context: OperationContext,
  plan: RotationPlan,
  timing: { rotateMs: number; sinceAnswerMs: number },
): Promise<void> {
  if (!plan.selfRotation || !hasAnyScope(plan.target.scopes, SELF_ROTATE_SCOPES)) return;
  const settleMs = Math.min(
    SETTLE_BEFORE_VERIFYING.maxMs,
    Math.max(SETTLE_BEFORE_VERIFYING.minMs, SETTLE_BEFORE_VERIFYING.rotateFactor * timing.rotateMs),
  );
  const waitMs = Math.max(0, settleMs - timing.sinceAnswerMs);
  if (waitMs === 0) return;
  context.log.debug(
    `Waiting ${Math.round(waitMs / 100) / 10} s before verifying the new token: a rotate of ${plan.label} by another run at the same time would be handled by then (the rotate took ${timing.rotateMs} ms).`,
  );
  await context.wait(waitMs);
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
  if (plan.selfRotation && credentialProblem(error) === 'revoked') {
    // The credential was rotated away by another run after this run checked it. GitLab refused this rotate, but
    // a rotated-away token sent to a rotate endpoint makes it revoke the whole token family: the other run's new
    // token too. Something did change, and it is not this run's to know what.
    throw new OutcomeUnknown(
      `${description} ${plan.label} was rotated or revoked after this run checked it, most likely by another run rotating it at the same time. If so, sending it to rotate once more made GitLab's reuse detection revoke its token family: the token the other run made (and may have stored) is revoked too.`,
      [
        'Stop other runs that rotate this token, and from now on rotate it in one place at a time (GitHub: concurrency; GitLab: resource_group).',
        `With a credential of ${tokenKindOf(plan.owner).managers}, list the tokens named "${plan.target.name}" of ${plan.owner.label} (operation list${listInputs(plan)}, state all): if none is active, create a new one and store it where gitlab-token comes from.`,
      ],
    );
  }
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
