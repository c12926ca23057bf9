/**
 * Time comes in through this interface only. Expiry dates are computed from GitLab's clock where we have seen it
 * (its `Date` header), because GitLab validates `expires_at` against its own "today": a runner whose clock is a day
 * off would otherwise ask for a date GitLab refuses, or lose a day of lifetime.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class GitlabAlignedClock implements Clock {
  #offsetMs: number | undefined;

  constructor(private readonly local: Clock) {}

  /** Feed every `Date` header GitLab sends. */
  observe(serverDate: Date): void {
    this.#offsetMs = serverDate.getTime() - this.local.now().getTime();
  }

  now(): Date {
    return new Date(this.local.now().getTime() + (this.#offsetMs ?? 0));
  }
}
