/**
 * The Action's post step: revoke a token that `create` made with revoke-after-job. A failure here must not fail a
 * job that did its work, so it is a warning that says how to clean up by hand.
 */
import type * as actionsCore from '@actions/core';
import { parseOptions, secretValues } from '../core/options/parse-options.js';
import { SecretRegistry } from '../core/redact.js';
import { runOperation } from '../core/run-operation.js';
import { utcDate } from '../core/time/expiry.js';
import {
  createActionLogger,
  failureText,
  readActionInputs,
  REVOKE_STATE,
  type ActionsCore,
} from './action-io.js';

export async function revokeAfterJob(
  core: ActionsCore & Pick<typeof actionsCore, 'getState'>,
  secrets = new SecretRegistry(),
): Promise<void> {
  const tokenId = core.getState(REVOKE_STATE);
  if (!tokenId) return;
  const log = createActionLogger(core, secrets);
  try {
    const raw = readActionInputs(core);
    for (const secret of secretValues(raw)) log.protectSecret(secret);
    const { options } = parseOptions(
      {
        'gitlab-url': raw['gitlab-url'],
        'gitlab-token': raw['gitlab-token'],
        'allow-insecure-http': raw['allow-insecure-http'],
        operation: 'revoke',
        'token-id': tokenId,
      },
      { today: utcDate(new Date()) },
    );
    const result = await runOperation(options, { log });
    log.info(`revoke-after-job: ${result.headline}`);
  } catch (error) {
    core.warning(
      `revoke-after-job could not revoke token ${tokenId}: ${failureText(error, log)} Revoke it by hand (operation: revoke, token-id: ${tokenId}); it expires on its own at its expiry date.`,
    );
  }
}
