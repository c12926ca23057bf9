import { credentialProblem, describeGitlabError, httpStatus } from '../describe-error.js';
import { OutcomeUnknown } from '../errors.js';
import type { GitlabApi, NewPersonalAccessToken } from '../gitlab-api.js';
import type { OperationContext } from '../operation-context.js';
import { changedToken } from '../deliver-token.js';

/**
 * Step 5: GitLab accepts the new token. A token that is stored but refused means something revoked it in between,
 * most likely GitLab's reuse detection after another run sent the old token to rotate.
 */
export async function verifyNewToken(
  context: OperationContext,
  token: NewPersonalAccessToken,
  asNewToken: GitlabApi,
  storedIn: readonly string[],
): Promise<void> {
  try {
    const seen = await asNewToken.currentToken();
    if (seen.id === token.id && seen.active) {
      context.log.info(`Verified: GitLab accepts the new token ${token.id}.`);
      return;
    }
  } catch (error) {
    if (credentialProblem(error) === undefined && httpStatus(error) !== 401) {
      // GitLab unreachable right now: the token is stored; a failed check is not a failed rotation.
      context.log.warn(
        `Could not verify the new token: ${describeGitlabError(error, { doing: 'Checking the new token', instanceUrl: context.api.instanceUrl })}`,
      );
      return;
    }
  }
  throw new OutcomeUnknown(
    `The new token ${token.id} is stored in ${storedIn.join(' and ')}, but GitLab does not accept it. GitLab revokes a whole token family when a rotated-away token is sent to rotate, so another run probably used the old token at the same time.`,
    [
      'Stop other runs that rotate this token (GitHub: concurrency; GitLab: resource_group).',
      `Have an administrator create or rotate a token for user ${token.userId} and store it in ${storedIn.join(' and ')}.`,
    ],
    changedToken(token, storedIn),
  );
}
