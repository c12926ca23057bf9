/**
 * The emulated clock. It stands still unless a test moves it, so timestamps, expiry and the `Date` header are
 * deterministic; `advance` is how a test lets a token expire or a day pass.
 */
export interface ClockAdvance {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  ms?: number;
}

export interface EmulatedClock {
  now(): Date;
  set(to: Date | string): void;
  advance(by: ClockAdvance): void;
}

export function createClock(initial: Date | string | undefined): EmulatedClock {
  let current = initial === undefined ? Date.now() : parseInstant(initial);
  return {
    now: () => new Date(current),
    set(to) {
      current = parseInstant(to);
    },
    advance(by) {
      const ms =
        (by.days ?? 0) * 86_400_000 +
        (by.hours ?? 0) * 3_600_000 +
        (by.minutes ?? 0) * 60_000 +
        (by.seconds ?? 0) * 1_000 +
        (by.ms ?? 0);
      current += ms;
    },
  };
}

function parseInstant(value: Date | string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`The emulated clock cannot be set to ${String(value)}: not a date`);
  return ms;
}

/** `YYYY-MM-DD` of an instant, in UTC: GitLab stores token expiry as a date and compares it in UTC. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus a number of days, in UTC. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return utcDate(new Date(ms));
}
