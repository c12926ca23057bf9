/**
 * When GitLab rotated a token but its answer was lost, the new token exists and works, and nobody has its value.
 * A second credential that may rotate it (an administrator's: `recovery-token`) rotates that new token once, and
 * the run continues with the value it gets.
 */
import { describeGitlabError } from '../describe-error.js';
import { OutcomeUnknown, UnchangedFailure } from '../errors.js';
import type { GitlabApi, NewPersonalAccessToken } from '../gitlab-api.js';
import type { OperationContext } from '../operation-context.js';
import type { RotationPlan } from './rotation-plan.js';

function recoveryApi(context: OperationContext): GitlabApi {
  return context.api.withCredential(context.options.recoveryToken ?? '');
}

/** Before any change: the recovery credential works, has `api`, and can see the managed token. */
export async function preflightRecovery(context: OperationContext, plan: RotationPlan): Promise<void> {
  const recovery = recoveryApi(context);
  const doing = `Checking recovery-token for ${plan.label}`;
  try {
    const own = await recovery.currentToken();
    if (!own.scopes.includes('api')) {
      throw new UnchangedFailure(
        `${doing}: it needs the api scope to rotate tokens, and has ${own.scopes.join(', ')}.`,
      );
    }
    await recovery.personalAccessToken(plan.target.id);
  } catch (error) {
    if (error instanceof UnchangedFailure) throw error;
    throw new UnchangedFailure(
      describeGitlabError(error, {
        doing,
        instanceUrl: context.api.instanceUrl,
        advice: {
          401: `recovery-token cannot see ${plan.label}: use an administrator's token (or remove recovery-token).`,
        },
      }),
    );
  }
}

export async function recoverLostRotation(
  context: OperationContext,
  plan: RotationPlan,
  lostBecause: string,
): Promise<NewPersonalAccessToken> {
  const recovery = recoveryApi(context);
  const stuck = (why: string) =>
    new OutcomeUnknown(
      `${lostBecause} GitLab rotated ${plan.label}, its answer was lost, and recovery failed: ${why}`,
      [
        `With an administrator's credential, list the active tokens named "${plan.target.name}" of user ${plan.target.userId}, rotate the newest by id, and store the value.`,
      ],
    );
  let candidates;
  try {
    candidates = (
      await recovery.personalAccessTokens({
        userId: plan.target.userId,
        state: 'active',
        search: plan.target.name,
      })
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
    const recovered = await recovery.rotatePersonalAccessToken(successor.id, plan.expiresAt);
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
