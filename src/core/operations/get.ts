/** `get`: one token's metadata. One request for the credential itself. */
import { describeToken } from '../tokens/access-token.js';
import { resolveToken } from '../tokens/resolve-token.js';
import { toTokenView } from '../tokens/token-view.js';
import type { OperationContext } from './operation-context.js';
import type { OperationResult } from './result.js';

export async function getToken(context: OperationContext): Promise<OperationResult> {
  const { token } = await resolveToken(context, context.options.address, 'read');
  const view = toTokenView(token, context.clock.now());
  return {
    operation: 'get',
    dryRun: context.options.dryRun,
    headline: `${describeToken(token)} is ${view.state}${view.expires_at ? `, expires ${view.expires_at} (${view.days_left} days left)` : ', never expires'}.`,
    token: view,
  };
}
