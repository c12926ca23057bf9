/**
 * The `expires_at` sent with every create and rotate. Always explicit: GitLab's default on rotate is 7 days, which
 * would silently turn a yearly rotation into a weekly outage.
 *
 * GitLab stores expiry as a date and a token stops working at 00:00 UTC of it, so a lifetime is turned into a date
 * by one of two rules (LifetimeRequest):
 * - `at-least` (expires-in, and create's 30-day default): a promise. `1d` at 23:59:30 UTC is the day after
 *   tomorrow, not tomorrow (which would end the token 30 seconds later): the date is rounded up to the next midnight
 *   UTC at or after now + the lifetime.
 * - `calendar` (rotate without expires-in or expires-at: the old token's lifetime): today plus the same number of
 *   calendar days, so a 90-day token rotated every 90 days keeps its weekday and does not gain a day per rotation.
 *   Like its predecessor, the new token then lives between N-1 and N days; a one-day cadence gets one more day
 *   rather than a token that may end within seconds.
 * Both stay within the instance's maximum (today + max-lifetime-days); when the maximum or an explicit expires-at
 * makes the token end sooner than asked or than a day from now, the choice carries a warning.
 */
import { InputError } from '../errors.js';
import {
  addDays,
  addDuration,
  daysBetween,
  earliestAllowedExpiry,
  latestAllowedExpiry,
  utcDate,
  type Duration,
} from './expiry.js';
import type { ExpiryRequest } from '../options/parse-options.js';
import type { AccessToken } from '../tokens/access-token.js';

const MS_PER_DAY = 86_400_000;

/** A lifetime to turn into a date, and how (see the module comment). */
export interface LifetimeRequest {
  readonly duration: Duration;
  readonly rule: 'at-least' | 'calendar';
}

export interface ExpiryContext {
  /** Now, by the best clock we have (GitLab's `Date` header once seen). */
  readonly now: Date;
  /** The instance's maximum token lifetime in days (GitLab: 365; 400 on self-managed with the buffered limit). */
  readonly maxLifetimeDays: number;
}

export interface ExpiryChoice {
  /** `YYYY-MM-DD`, sent as `expires_at`. */
  readonly expiresAt: string;
  /** The instant the token stops working: 00:00 UTC of `expiresAt`. */
  readonly endsAt: Date;
  /** Set when the token ends sooner than asked (the maximum) or within a day (an explicit expires-at): a warning. */
  readonly note: string | undefined;
}

/**
 * Chooses `expires_at` for a new token. `requested` is what the user gave (expires-at or expires-in), `fallback`
 * the operation's default. Throws InputError for an expires-at that is not after today or beyond the maximum, by
 * `context.now` (GitLab would accept a past date and make a token that is born expired).
 */
export function chooseExpiry(
  requested: ExpiryRequest | undefined,
  fallback: LifetimeRequest,
  context: ExpiryContext,
): ExpiryChoice {
  const { now, maxLifetimeDays } = context;
  const limits = { today: utcDate(now), maxLifetimeDays };
  const latest = latestAllowedExpiry(limits);
  if (requested?.kind === 'at') {
    if (requested.date < earliestAllowedExpiry(limits)) {
      throw new InputError(
        `Input expires-at: ${requested.date} is not after today by GitLab's clock (today is ${limits.today} UTC), so the new token would be expired from the start. Give a later date.`,
      );
    }
    if (requested.date > latest) {
      throw new InputError(
        `Input expires-at: ${requested.date} is beyond the maximum lifetime of ${maxLifetimeDays} days by GitLab's clock (latest ${latest}). Give an earlier date, or raise max-lifetime-days if your instance allows it.`,
      );
    }
    const endsAt = startOfDay(requested.date);
    const short = endsAt.getTime() - now.getTime() < MS_PER_DAY;
    return {
      expiresAt: requested.date,
      endsAt,
      note: short
        ? `expires-at ${requested.date} ends the token at ${formatInstant(endsAt)}, ${describeSpan(endsAt.getTime() - now.getTime())} from now: a token stops working at the start of its expiry date. Give a later date if it must last longer`
        : undefined,
    };
  }
  const { duration, rule } =
    requested?.kind === 'in' ? { duration: requested.duration, rule: 'at-least' as const } : fallback;
  const wanted = rule === 'at-least' ? atLeast(now, duration) : calendar(now, duration);
  if (wanted.expiresAt > latest) {
    const endsAt = startOfDay(latest);
    const asked =
      rule === 'at-least'
        ? `${duration.text} from now would end the token at ${formatInstant(wanted.askedEnd)}`
        : `${duration.text} from ${limits.today} is ${wanted.expiresAt}`;
    return {
      expiresAt: latest,
      endsAt,
      note: `${asked}, beyond the ${maxLifetimeDays}-day maximum; clamped to ${latest}, so the token works until ${formatInstant(endsAt)}, ${describeSpan(endsAt.getTime() - now.getTime())} from now: shorter than asked`,
    };
  }
  return { expiresAt: wanted.expiresAt, endsAt: startOfDay(wanted.expiresAt), note: undefined };
}

/** The first midnight UTC at or after now + duration (months and years move the calendar, keeping the time). */
function atLeast(now: Date, duration: Duration): { expiresAt: string; askedEnd: Date } {
  const today = utcDate(now);
  const timeOfDay = now.getTime() - startOfDay(today).getTime();
  const date = addDuration(today, duration);
  const askedEnd = new Date(startOfDay(date).getTime() + timeOfDay);
  return { expiresAt: timeOfDay === 0 ? date : addDays(date, 1), askedEnd };
}

/** Today plus the lifetime in calendar days; one day more when that would end the token within a day. */
function calendar(now: Date, duration: Duration): { expiresAt: string; askedEnd: Date } {
  const date = addDuration(utcDate(now), duration);
  const expiresAt = startOfDay(date).getTime() - now.getTime() < MS_PER_DAY ? addDays(date, 1) : date;
  return { expiresAt, askedEnd: startOfDay(date) };
}

/** A rotated token keeps its predecessor's lifetime in calendar days, so a 90-day token stays a 90-day token. */
export function lifetimeOf(
  token: Pick<AccessToken, 'createdAt' | 'expiresAt'>,
  maxLifetimeDays: number,
): LifetimeRequest {
  if (token.expiresAt === null) {
    return {
      duration: {
        amount: maxLifetimeDays,
        unit: 'd',
        text: `${maxLifetimeDays}d (the maximum: the old token never expired)`,
      },
      rule: 'calendar',
    };
  }
  const days = Math.max(1, daysBetween(utcDate(new Date(token.createdAt)), token.expiresAt));
  return {
    duration: { amount: days, unit: 'd', text: `${days}d (the old token's lifetime)` },
    rule: 'calendar',
  };
}

/** 00:00 UTC of a `YYYY-MM-DD` date: when a token with that expiry date stops working. */
export function startOfDay(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** `2026-12-02 00:00 UTC`: expiry instants are always midnights, shown without seconds. */
export function formatInstant(instant: Date): string {
  return `${instant.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A span for people: "89 days 17 h", "23 h 59 min", "30 s". Milliseconds in; negative spans read as 0 s. */
export function describeSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days >= 2) return `${days} days${hours > 0 ? ` ${hours} h` : ''}`;
  if (days === 1) return `1 day${hours > 0 ? ` ${hours} h` : minutes > 0 ? ` ${minutes} min` : ''}`;
  if (hours > 0) return `${hours} h${minutes > 0 ? ` ${minutes} min` : ''}`;
  if (minutes > 0) return `${minutes} min${seconds % 60 > 0 ? ` ${seconds % 60} s` : ''}`;
  return `${seconds} s`;
}

/** "works until 2026-12-02 00:00 UTC (in 1 day)": how the run reports a new token's end. */
export function describeEnd(endsAt: Date, now: Date): string {
  return `works until ${formatInstant(endsAt)} (${describeSpan(endsAt.getTime() - now.getTime())} from now)`;
}
