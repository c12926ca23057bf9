/**
 * The `expires_at` sent with every create and rotate. Always explicit: GitLab's default on rotate is 7 days, which
 * would silently turn a yearly rotation into a weekly outage.
 */
import { InputError } from '../errors.js';
import {
  addDuration,
  daysBetween,
  earliestAllowedExpiry,
  latestAllowedExpiry,
  utcDate,
  type Duration,
  type ExpiryLimits,
} from './expiry.js';
import type { ExpiryRequest } from '../options/parse-options.js';
import type { AccessToken } from '../tokens/access-token.js';

export interface ExpiryChoice {
  readonly expiresAt: string;
  /** How it was chosen, for the log ("clamped to the 365-day maximum"). */
  readonly note: string | undefined;
}

export function chooseExpiry(
  requested: ExpiryRequest | undefined,
  fallback: Duration,
  limits: ExpiryLimits,
): ExpiryChoice {
  const latest = latestAllowedExpiry(limits);
  if (requested?.kind === 'at') {
    if (requested.date < earliestAllowedExpiry(limits)) {
      throw new InputError(
        `Input expires-at: ${requested.date} is not in the future by GitLab's clock (today is ${limits.today} UTC). Give a later date.`,
      );
    }
    if (requested.date > latest) {
      throw new InputError(
        `Input expires-at: ${requested.date} is beyond the maximum lifetime of ${limits.maxLifetimeDays} days by GitLab's clock (latest ${latest}). Give an earlier date, or raise max-lifetime-days if your instance allows it.`,
      );
    }
    return { expiresAt: requested.date, note: undefined };
  }
  const duration = requested?.duration ?? fallback;
  const wanted = addDuration(limits.today, duration);
  if (wanted > latest) {
    return {
      expiresAt: latest,
      note: `${duration.text} from ${limits.today} is ${wanted}, beyond the ${limits.maxLifetimeDays}-day maximum; clamped to ${latest}`,
    };
  }
  return { expiresAt: wanted, note: undefined };
}

/** A rotated token keeps its predecessor's lifetime, so a 90-day token stays a 90-day token. */
export function lifetimeOf(
  token: Pick<AccessToken, 'createdAt' | 'expiresAt'>,
  maxLifetimeDays: number,
): Duration {
  if (token.expiresAt === null) return { amount: maxLifetimeDays, unit: 'd', text: `${maxLifetimeDays}d` };
  const days = Math.max(1, daysBetween(utcDate(new Date(token.createdAt)), token.expiresAt));
  return { amount: days, unit: 'd', text: `${days}d (the old token's lifetime)` };
}
