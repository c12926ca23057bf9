/**
 * After a token changed, its value must reach every destination, or at least one safe place, before the run may
 * report anything. Destinations are checked before the change (preflight), written after it.
 */
import { describeGitlabError } from './describe-error.js';
import { DestinationFailure, OutcomeUnknown, PatError } from './errors.js';
import type { NewPersonalAccessToken } from './gitlab-api.js';
import type { OperationContext } from './operations/context.js';
import { describeToken } from './resolve-token.js';

export async function preflightDestinations(context: OperationContext): Promise<void> {
  for (const destination of context.destinations) await destination.preflight();
}

export async function deliverToken(
  context: OperationContext,
  token: NewPersonalAccessToken,
): Promise<string[]> {
  const stored: string[] = [];
  const failed: string[] = [];
  for (const destination of context.destinations) {
    try {
      await destination.write(token);
      stored.push(destination.description);
      context.log.info(`Stored the new token in ${destination.description}.`);
    } catch (error) {
      const why =
        error instanceof PatError
          ? error.message
          : describeGitlabError(error, {
              doing: `Writing ${destination.description}`,
              instanceUrl: context.api.instanceUrl,
            });
      failed.push(`${destination.description}: ${why}`);
      context.log.error(`Could not store the new token in ${destination.description}. ${why}`);
    }
  }
  if (failed.length === 0) return stored;
  const label = describeToken(token);
  if (stored.length > 0) {
    throw new DestinationFailure(
      `The new ${label} (expires ${token.expiresAt ?? 'never'}) is stored in ${stored.join(' and ')}, but not in: ${failed.join('; ')}`,
      [
        `Copy the token from ${stored[0] ?? ''} to the destinations that failed, after fixing what the message names.`,
        'Do not rerun the rotation before that: the token in the failed destinations is the old, revoked one.',
      ],
    );
  }
  throw new OutcomeUnknown(
    `The new ${label} was created but could not be stored anywhere: ${failed.join('; ')}. Its value is lost.`,
    [
      `Have an administrator (or the token's owner, with a working credential) rotate token ${token.id} again, or revoke it and create a new one.`,
      'Fix the destination problem above first, so that the next value can be stored.',
    ],
  );
}
