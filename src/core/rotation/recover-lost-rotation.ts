/**
 * When GitLab rotated a token but its answer was lost, the new token exists and works, and nobody has its value.
 * A second credential that may rotate it (`recovery-token`: an administrator's, or a project Maintainer's or group
 * Owner's for bot tokens) rotates that new token once, and the run continues with the value it gets.
 */
import { OutcomeUnknown, UnchangedFailure } from '../errors.js';
import { describeGitlabError } from '../gitlab/describe-error.js';
import type { GitlabApi } from '../gitlab/gitlab-api.js';
import type { OperationContext } from '../operations/operation-context.js';
import type { NewAccessToken } from '../tokens/access-token.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import type { RotationPlan } from './rotation-plan.js';

function recoveryApi(context: OperationContext): GitlabApi {
  return context.api.withCredential(context.options.recoveryToken ?? '');
}

/** Before any change: the recovery credential works, has `api`, and can see the managed token. */
export async function preflightRecovery(context: OperationContext, plan: RotationPlan): Promise<void> {
  const recovery = recoveryApi(context);
  const doing = `Checking recovery-token for ${plan.label}`;
  try {
    const own = await recovery.client.get<{ scopes?: string[] }>('personal_access_tokens/self');
    if (!(own.scopes ?? []).includes('api')) {
      throw new UnchangedFailure(
        `${doing}: it needs the api scope to rotate tokens, and has ${(own.scopes ?? []).join(', ')}.`,
      );
    }
    await tokenKindOf(plan.owner).read(recovery.client, plan.owner, plan.target.id);
  } catch (error) {
    if (error instanceof UnchangedFailure) throw error;
    throw new UnchangedFailure(
      describeGitlabError(error, {
        doing,
        instanceUrl: context.api.instanceUrl,
        advice: {
          401: `recovery-token cannot see ${plan.label}: use a token of ${tokenKindOf(plan.owner).managers} (or remove recovery-token).`,
          403: `recovery-token may not manage ${plan.label}: use a token of ${tokenKindOf(plan.owner).managers} (or remove recovery-token).`,
        },
      }),
    );
  }
}

export async function recoverLostRotation(
  context: OperationContext,
  plan: RotationPlan,
  lostBecause: string,
): Promise<NewAccessToken> {
  const recovery = recoveryApi(context);
  const kind = tokenKindOf(plan.owner);
  const owner =
    plan.owner.kind === 'personal' && plan.owner.userId === undefined
      ? { ...plan.owner, userId: plan.target.userId }
      : plan.owner;
  const stuck = (why: string) =>
    new OutcomeUnknown(
      `${lostBecause} GitLab rotated ${plan.label}, its answer was lost, and recovery failed: ${why}`,
      [
        `With a credential of ${kind.managers}, list the active tokens named "${plan.target.name}" of ${plan.owner.label}, rotate the newest by id, and store the value.`,
      ],
    );
  let candidates;
  try {
    candidates = (
      await kind.list(recovery.client, owner, { state: 'active', search: plan.target.name })
    ).filter((token) => token.name === plan.target.name && token.id > plan.target.id && token.active);
  } catch (error) {
    throw stuck(
      describeGitlabError(error, { doing: 'Listing the new token', instanceUrl: context.api.instanceUrl }),
    );
  }
  const [successor, ...others] = candidates;
  if (!successor || others.length > 0) {
    throw stuck(
      successor
        ? `several active tokens named "${plan.target.name}" are newer than ${plan.target.id} (ids ${candidates.map((token) => token.id).join(', ')}), so which one is the successor is unclear.`
        : `no active token named "${plan.target.name}" newer than ${plan.target.id} exists.`,
    );
  }
  try {
    const recovered = await kind.rotate(recovery.client, owner, successor.id, plan.expiresAt);
    context.log.info(
      `Recovered: rotated the lost successor ${successor.id} with recovery-token into ${recovered.id}.`,
    );
    return recovered;
  } catch (error) {
    throw stuck(
      describeGitlabError(error, {
        doing: `Rotating the successor ${successor.id}`,
        instanceUrl: context.api.instanceUrl,
      }),
    );
  }
}
