/**
 * Calendar arithmetic for token expiry. GitLab stores `expires_at` as a date and a token stops working at 00:00 UTC
 * on that date, so every computation here works on UTC calendar dates (`YYYY-MM-DD` strings), never on local time.
 */

export type DurationUnit = 'd' | 'w' | 'm' | 'y';
export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
  /** As the user wrote it, for messages. */
  readonly text: string;
}

const DURATION_PATTERN = /^(\d{1,4})([dwmy])$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function parseDuration(text: string): Duration | undefined {
  const match = DURATION_PATTERN.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const amount = Number(match[1]);
  if (amount <= 0) return undefined;
  return { amount, unit: match[2] as DurationUnit, text: text.trim() };
}

export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function toEpochDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;
}

function fromEpochDay(day: number): string {
  return utcDate(new Date(day * MS_PER_DAY));
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** Months and years move the calendar and keep the day, clamped to the month's end (31 Jan + 1m = 28/29 Feb). */
function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const firstOfTarget = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth() + 1, 0),
  ).getUTCDate();
  firstOfTarget.setUTCDate(Math.min(day, lastDay));
  return utcDate(firstOfTarget);
}

export function addDuration(date: string, duration: Duration): string {
  switch (duration.unit) {
    case 'd':
      return addDays(date, duration.amount);
    case 'w':
      return addDays(date, duration.amount * 7);
    case 'm':
      return addMonths(date, duration.amount);
    case 'y':
      return addMonths(date, duration.amount * 12);
  }
}

export interface ExpiryLimits {
  /** Today in UTC, by the best clock we have (GitLab's `Date` header when available). */
  readonly today: string;
  /** The instance's maximum token lifetime in days (GitLab: 365; 400 on self-managed with the buffered limit). */
  readonly maxLifetimeDays: number;
}

export function latestAllowedExpiry(limits: ExpiryLimits): string {
  return addDays(limits.today, limits.maxLifetimeDays);
}

export function earliestAllowedExpiry(limits: ExpiryLimits): string {
  // A token dated today is already expired (it stops at 00:00 UTC), so the earliest useful date is tomorrow.
  return addDays(limits.today, 1);
}

/** Days until a token stops working; 0 means it expires at the coming midnight UTC, negative means it has expired. */
export function daysLeft(expiresAt: string | null, today: string): number | null {
  return expiresAt === null ? null : daysBetween(today, expiresAt);
}

/** True when a token expiring on `expiresAt` falls within `window` from today (tokens that never expire never do). */
export function expiresWithin(expiresAt: string | null, window: Duration, today: string): boolean {
  if (expiresAt === null) return false;
  return expiresAt <= addDuration(today, window);
}
