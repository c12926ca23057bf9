/**
 * `revoke`: idempotent from the user's point of view. A token that is already revoked is done; "done" is what
 * GitLab's state says after the call, never an assumption from an error status.
 */
import { UnchangedFailure } from '../errors.js';
import { credentialProblem, describeGitlabError } from '../gitlab/describe-error.js';
import { describeToken, type AccessToken } from '../tokens/access-token.js';
import { resolveToken, type ResolvedToken } from '../tokens/resolve-token.js';
import { tokenKindOf } from '../tokens/token-kinds.js';
import { toTokenView } from '../tokens/token-view.js';
import type { OperationContext } from './operation-context.js';
import type { OperationResult } from './result.js';

export async function revokeToken(context: OperationContext): Promise<OperationResult> {
  const { options, api } = context;
  const resolved = await resolveToken(context, options.address, 'revoke');
  const { token, owner } = resolved;
  const label = describeToken(token);
  const result = (headline: string, revoked: AccessToken, changed: boolean): OperationResult => ({
    operation: 'revoke',
    dryRun: options.dryRun,
    headline,
    token: toTokenView(revoked, context.clock.now()),
    changed,
  });
  const revokedNow = { ...token, revoked: true, active: false };

  if (token.revoked) return result(`${label} was already revoked; nothing to do.`, token, false);
  context.beforeChange?.(resolved);
  if (options.dryRun) return result(`Dry run: would revoke ${label}.`, token, true);

  try {
    // The credential revokes itself through the self endpoint however it was selected: that one takes any scope.
    await tokenKindOf(owner).revoke(api.client, owner, resolved.isCredential ? 'self' : token.id);
  } catch (error) {
    // A lost 204 followed by a retry, or another run that revoked it first, answers 404 (or 401 "revoked" for the
    // credential itself): look at GitLab's state before calling it done.
    if (await isRevokedNow(context, resolved, error)) {
      return result(`${label} was already revoked; nothing to do.`, revokedNow, false);
    }
    const managers = `Revoking ${label} needs ${tokenKindOf(owner).managers}, and gitlab-token's user is not one. Use such a credential.`;
    throw new UnchangedFailure(
      describeGitlabError(error, {
        doing: `Revoking ${label}`,
        instanceUrl: api.instanceUrl,
        advice: { denied: managers, 403: managers },
      }),
    );
  }
  // The headline is the only line that says so: every front door prints it (issue 8, kind 7: said once).
  return result(`Revoked ${label}.`, revokedNow, true);
}

async function isRevokedNow(
  context: OperationContext,
  resolved: ResolvedToken,
  error: unknown,
): Promise<boolean> {
  if (resolved.isCredential) return credentialProblem(error) === 'revoked';
  try {
    const now = await tokenKindOf(resolved.owner).read(context.api.client, resolved.owner, resolved.token.id);
    return now.revoked;
  } catch {
    return false;
  }
}
