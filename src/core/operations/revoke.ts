import { credentialProblem, describeGitlabError, httpStatus } from '../describe-error.js';
import { UnchangedFailure } from '../errors.js';
import type { PersonalAccessToken } from '../gitlab-api.js';
import { describeToken, resolveToken } from '../resolve-token.js';
import { toTokenView } from '../token-view.js';
import { callGitlab, type OperationContext } from '../operation-context.js';
import type { OperationResult } from './result.js';

/** Revoking is idempotent from the user's point of view: a token that is already revoked is done. */
export async function revokeToken(context: OperationContext): Promise<OperationResult> {
  const { options, api, log } = context;
  const target = options.target ?? { kind: 'self' };
  const token = await resolveToken(
    context,
    target,
    () => callGitlab(context, 'Reading the credential (gitlab-token)', () => api.currentToken()),
    true,
  );
  const label = describeToken(token);
  const result = (headline: string, revoked: PersonalAccessToken): OperationResult => ({
    operation: 'revoke',
    dryRun: options.dryRun,
    headline,
    token: toTokenView(revoked, context.clock.now()),
  });

  if (token.revoked) return result(`${label} was already revoked; nothing to do.`, token);
  if (options.dryRun) return result(`Dry run: would revoke ${label}.`, token);

  try {
    await api.revokePersonalAccessToken(target.kind === 'self' ? 'self' : token.id);
  } catch (error) {
    // 404: it vanished between our read and the delete (another run revoked it); 400: GitLab's "already revoked";
    // 401 "revoked" on self: the credential is the token, so a lost 204 followed by a retry lands here.
    const status = httpStatus(error);
    const selfGone = target.kind === 'self' && credentialProblem(error) === 'revoked';
    if (status === 404 || selfGone || (status === 400 && (await isRevoked(context, token)))) {
      return result(`${label} was already revoked; nothing to do.`, {
        ...token,
        revoked: true,
        active: false,
      });
    }
    throw new UnchangedFailure(
      describeGitlabError(error, { doing: `Revoking ${label}`, instanceUrl: api.instanceUrl }),
    );
  }
  log.info(`Revoked ${label}.`);
  return result(`Revoked ${label}.`, { ...token, revoked: true, active: false });
}

async function isRevoked(context: OperationContext, token: PersonalAccessToken): Promise<boolean> {
  try {
    return (await context.api.personalAccessToken(token.id)).revoked;
  } catch {
    return false;
  }
}
