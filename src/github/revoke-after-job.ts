/**
 * The Action's post step: revoke a token that `create` made with revoke-after-job. A failure here must not fail a
 * job that did its work, so it is a warning that says how to clean up by hand.
 */
import type * as actionsCore from '@actions/core';
import { UnchangedFailure } from '../core/errors.js';
import { parseOptions, secretValues } from '../core/options/parse-options.js';
import { SecretRegistry } from '../core/redact.js';
import { runOperation } from '../core/run-operation.js';
import { utcDate } from '../core/time/expiry.js';
import { createActionLogger, failureText, readActionInputs, type ActionsCore } from './action-io.js';
import { REVOKE_INPUTS, REVOKE_STATE, revokeStateName } from './revoke-state.js';

export async function revokeAfterJob(
  core: ActionsCore & Pick<typeof actionsCore, 'getState'>,
  secrets = new SecretRegistry(),
): Promise<void> {
  const tokenId = core.getState(REVOKE_STATE);
  if (!tokenId) return;
  if (!isRecordedTokenId(tokenId)) {
    // Not what the main step writes: `self` would make the revoke act on gitlab-token itself. The value is not
    // echoed: a state that was tampered with may hold anything.
    core.warning(
      `revoke-after-job: the saved state ${REVOKE_STATE} is not a token id (a positive integer), so it was not written by this Action's main step; nothing was revoked. The post step only revokes the token the main step created.`,
    );
    return;
  }
  // Addressed as the main step created it; a state with only the id (personal tokens) addresses it by id alone.
  const saved = Object.fromEntries(
    REVOKE_INPUTS.map((input) => [input, core.getState(revokeStateName(input))] as const).filter(
      ([, value]) => value !== '',
    ),
  );
  const byHand = REVOKE_INPUTS.filter((input) => saved[input] !== undefined)
    .map((input) => `${input}: ${saved[input]}`)
    .join(', ');
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
        ...saved,
      },
      { today: utcDate(new Date()) },
    );
    const result = await runOperation(options, {
      log,
      // The main step never records gitlab-token itself (create makes a new token); a state that names it was not
      // written by the main step, and revoking the credential would break every later use of it.
      beforeChange: (resolved) => {
        if (resolved.isCredential) {
          throw new UnchangedFailure(
            `the saved token ${tokenId} is gitlab-token itself, which this Action's main step never records; nothing was revoked.`,
          );
        }
      },
    });
    log.info(`revoke-after-job: ${result.headline}`);
  } catch (error) {
    // The whole line through redaction: byHand repeats saved state, which only the main step should have written.
    core.warning(
      log.redact(
        `revoke-after-job could not revoke token ${tokenId}: ${failureText(error, log)} Revoke it by hand (operation: revoke, ${byHand}); it expires on its own at its expiry date.`,
      ),
    );
  }
}

/**
 * A token id the main step can have recorded: a positive integer, nothing else. Never `self`, which the revoke
 * operation reads as the credential itself: a state that says so was not written by the main step.
 */
function isRecordedTokenId(value: string): boolean {
  return /^[1-9][0-9]{0,15}$/.test(value) && Number.isSafeInteger(Number(value));
}
