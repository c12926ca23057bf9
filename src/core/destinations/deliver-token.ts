/**
 * After a token changed, its value must reach every destination, or at least one safe place, before the run may
 * report anything. Destinations are checked before the change (preflight), written after it; fallbacks are written
 * only when a destination failed for good.
 */
import { DestinationFailure, OutcomeUnknown, PatError, type ChangedToken } from '../errors.js';
import { describeGitlabError } from '../gitlab/describe-error.js';
import type { OperationContext } from '../operations/operation-context.js';
import { describeToken, type NewAccessToken } from '../tokens/access-token.js';
import type { Destination, PreflightFacts } from './destination.js';

/** Every destination's check, before anything changes. Fallbacks are checked too: they are the safety net. */
export async function preflightDestinations(context: OperationContext, facts: PreflightFacts): Promise<void> {
  for (const destination of context.destinations) await destination.preflight(facts);
  for (const fallback of context.fallbacks) await fallback.prepare?.(facts);
}

export interface Delivery {
  readonly stored: readonly Destination[];
  readonly failed: readonly { readonly destination: Destination; readonly why: string }[];
}

export async function writeDestinations(
  context: OperationContext,
  token: NewAccessToken,
  destinations: readonly Destination[],
): Promise<Delivery> {
  const stored: Destination[] = [];
  const failed: { destination: Destination; why: string }[] = [];
  for (const destination of destinations) {
    try {
      await destination.write(token);
      stored.push(destination);
      context.log.info(`Stored the new token in ${destination.description}.`);
    } catch (error) {
      const why =
        error instanceof PatError
          ? error.message
          : describeGitlabError(error, {
              doing: `Writing ${destination.description}`,
              instanceUrl: context.api.instanceUrl,
            });
      failed.push({ destination, why });
      context.log.error(`Could not store the new token in ${destination.description}. ${why}`);
    }
  }
  return { stored, failed };
}

export function changedToken(token: NewAccessToken, storedIn: readonly string[]): ChangedToken {
  return { id: token.id, name: token.name, expiresAt: token.expiresAt, storedIn };
}

export function descriptions(destinations: readonly Destination[]): string[] {
  return destinations.map((destination) => destination.description);
}

/**
 * Writes every destination; when one fails, writes the fallbacks, then fails loudly saying where the token is
 * (exit 3), or that it is nowhere (exit 4). Returns where it was stored when everything worked.
 */
export async function deliverToken(context: OperationContext, token: NewAccessToken): Promise<string[]> {
  const delivery = await writeDestinations(context, token, context.destinations);
  if (delivery.failed.length === 0) return descriptions(delivery.stored);

  const rescue = delivery.stored.some((destination) => destination.durable)
    ? { stored: [], failed: [] }
    : await writeDestinations(context, token, context.fallbacks);
  const safe = [...delivery.stored, ...rescue.stored];
  const failures = delivery.failed.map(({ destination, why }) => `${destination.description}: ${why}`);
  const label = describeToken(token);
  if (safe.length > 0) {
    const where = descriptions(safe).join(' and ');
    throw new DestinationFailure(
      `The new ${label} (expires ${token.expiresAt ?? 'never'}) is stored in ${where}, but not in: ${failures.join('; ')}`,
      [
        `Fix what the message above names (for example the credential's role on the project).`,
        rescue.stored.length > 0
          ? `Point whatever reads the failed destination at ${descriptions(rescue.stored).join(' and ')}, or run the rotation once more with that variable as the credential (without rotate-before) so that the next token lands where it belongs.`
          : `Copy the token from ${where} to the failed destination (a later step of this job can read the step output).`,
        ...(context.options.operation === 'rotate'
          ? ['Until then, the failed destination holds the old token, which no longer works.']
          : []),
      ],
      changedToken(token, descriptions(safe)),
    );
  }
  throw new OutcomeUnknown(
    `The new ${label} was made but could not be stored anywhere: ${failures.join('; ')}. Its value is lost.`,
    [
      'Fix what the message above names, so that the next value can be stored.',
      `Then have an administrator rotate token ${token.id} (operation rotate, token-id ${token.id}), or revoke it and create a new one.`,
    ],
    changedToken(token, []),
  );
}
