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

/**
 * Where a delivery has got to while it runs, for a run that must stop halfway (see ChangeGuard): `stored` grows as
 * each write succeeds.
 */
export interface DeliveryProgress {
  readonly stored: Destination[];
}

export async function writeDestinations(
  context: OperationContext,
  token: NewAccessToken,
  destinations: readonly Destination[],
  progress: DeliveryProgress = { stored: [] },
): Promise<Delivery> {
  const stored: Destination[] = [];
  const failed: { destination: Destination; why: string }[] = [];
  for (const destination of destinations) {
    try {
      await destination.write(token);
      stored.push(destination);
      progress.stored.push(destination);
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
export async function deliverToken(
  context: OperationContext,
  token: NewAccessToken,
  progress?: DeliveryProgress,
): Promise<string[]> {
  const delivery = await writeDestinations(context, token, context.destinations, progress);
  if (delivery.failed.length === 0) return descriptions(delivery.stored);

  const rescue = delivery.stored.some((destination) => destination.durable)
    ? { stored: [], failed: [] }
    : await writeDestinations(context, token, context.fallbacks, progress);
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

/**
 * What a run that has to stop (cancelled, crashed) while delivering a new token leaves behind: where the value is
 * so far (exit 3), or that it is nowhere (exit 4), with what to do. For ChangeGuard's `ifStopped`.
 */
export function stoppedWhileDelivering(
  context: OperationContext,
  token: NewAccessToken,
  stored: readonly Destination[],
  /** strategy overlap: the old token is revoked only after everything, so it still works. */
  oldTokenStillWorks = false,
): PatError {
  const label = describeToken(token);
  const storedIn = descriptions([...new Set(stored)]);
  const missing = context.destinations.filter((destination) => !stored.includes(destination));
  if (storedIn.length > 0 && missing.length === 0) {
    return new DestinationFailure(
      `The run stopped after the new ${label} (expires ${token.expiresAt ?? 'never'}) was stored in ${storedIn.join(' and ')}, before GitLab was asked whether it accepts it.`,
      [
        `Check that the token in ${storedIn.join(' and ')} works (for example operation get with it as gitlab-token); nothing else is left to do.`,
      ],
      changedToken(token, storedIn),
    );
  }
  if (storedIn.length > 0) {
    return new DestinationFailure(
      `The run stopped while storing the new ${label} (expires ${token.expiresAt ?? 'never'}): it is stored in ${storedIn.join(' and ')}, but not in ${descriptions(missing).join(' and ')}.`,
      [
        `Copy the token from ${storedIn.join(' and ')} to ${descriptions(missing).join(' and ')}.`,
        ...(context.options.operation === 'rotate' && !oldTokenStillWorks
          ? ['Until then, those destinations hold the old token, which no longer works.']
          : []),
      ],
      changedToken(token, storedIn),
    );
  }
  return new OutcomeUnknown(
    `The run stopped after GitLab made the new ${label} and before it was stored anywhere: its value is lost.`,
    [
      `Have a credential that may manage it rotate token ${token.id} (operation rotate, token-id ${token.id}) and store the value, or revoke it and create a new one.`,
      'Do not rerun with the old token: GitLab treats a rotated-away token sent to rotate as stolen and revokes the new token too.',
    ],
    changedToken(token, []),
  );
}
