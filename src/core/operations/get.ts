import { describeToken, resolveToken } from '../resolve-token.js';
import { toTokenView } from '../token-view.js';
import { callGitlab, type OperationContext } from '../operation-context.js';
import type { OperationResult } from './result.js';

export async function getToken(context: OperationContext): Promise<OperationResult> {
  const token = await resolveToken(context, context.options.target ?? { kind: 'self' }, () =>
    callGitlab(context, 'Reading the credential (gitlab-token)', () => context.api.currentToken()),
  );
  const view = toTokenView(token, context.clock.now());
  return {
    operation: 'get',
    dryRun: context.options.dryRun,
    headline: `${describeToken(token)} is ${view.state}${view.expires_at ? `, expires ${view.expires_at} (${view.days_left} days left)` : ', never expires'}.`,
    token: view,
  };
}
