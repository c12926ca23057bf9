/**
 * Step 5: GitLab accepts the new token. A token that is stored but refused means something revoked it in between,
 * most likely GitLab's reuse detection after another run sent the old token to rotate.
 */
import { changedToken } from '../destinations/deliver-token.js';
import { OutcomeUnknown } from '../errors.js';
import { credentialProblem, describeGitlabError, httpStatus } from '../gitlab/describe-error.js';
import type { GitlabApi } from '../gitlab/gitlab-api.js';
import type { OperationContext } from '../operations/operation-context.js';
import type { NewAccessToken } from '../tokens/access-token.js';

/** GET /personal_access_tokens/self as the new token: every token kind answers there. */
export async function verifyNewToken(
  context: OperationContext,
  token: NewAccessToken,
  asNewToken: GitlabApi,
  storedIn: readonly string[],
): Promise<void> {
  try {
    const seen = await asNewToken.client.get<{ id: number; active?: boolean; revoked?: boolean }>(
      'personal_access_tokens/self',
    );
    if (seen.id === token.id && seen.active !== false && seen.revoked !== true) {
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
    `The new token ${token.id} is stored in ${storedIn.join(' and ') || 'no destination'}, but GitLab does not accept it. GitLab revokes a whole token family when a rotated-away token is sent to rotate, so another run probably used the old token at the same time.`,
    [
      'Stop other runs that rotate this token (GitHub: concurrency; GitLab: resource_group).',
      `Have a credential that may manage it (an administrator, or for project and group tokens a Maintainer or Owner) create or rotate a token for user ${token.userId} and store it in ${storedIn.join(' and ') || 'its destinations'}.`,
    ],
    changedToken(token, storedIn),
  );
}
