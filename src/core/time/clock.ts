/**
 * Time comes in through this interface only. Expiry dates are computed from GitLab's clock where we have seen it
 * (its `Date` header), because GitLab validates `expires_at` against its own "today": a runner whose clock is a day
 * off would otherwise ask for a date GitLab refuses, or lose a day of lifetime.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The earliest `Date` believed from a server: this code was written in 2026, and no GitLab it talks to lives before
 * that. An older date comes from something broken (a clock whose battery died, a proxy replaying a cached answer),
 * and believing it makes a due token look fresh ("10200 days left, not rotated").
 *
 * The bound is not "a few days off the local clock": when the two disagree, either may be the wrong one, and the
 * reason to follow GitLab's clock at all is runners whose clock is off. A server date after this bound is believed
 * however far it is from the local clock.
 */
export const EARLIEST_BELIEVED_SERVER_DATE = new Date(Date.UTC(2026, 0, 1));

export class GitlabAlignedClock implements Clock {
  #offsetMs: number | undefined;
  #ignoredOnce = false;

  /** `onIgnored` hears (once per run) about a server date too far off to be believed; for a debug line. */
  constructor(
    private readonly local: Clock,
    private readonly onIgnored: (message: string) => void = () => undefined,
  ) {}

  /** Feed every `Date` header GitLab sends. */
  observe(serverDate: Date): void {
    if (serverDate.getTime() < EARLIEST_BELIEVED_SERVER_DATE.getTime()) {
      if (!this.#ignoredOnce) {
        this.#ignoredOnce = true;
        this.onIgnored(
          `Ignoring the server's Date header (${serverDate.toUTCString()}): no GitLab lives before ${EARLIEST_BELIEVED_SERVER_DATE.toISOString().slice(0, 10)}, so a clock or a cache in front of it is broken. Dates follow this machine's clock (${this.local.now().toISOString()}) instead.`,
        );
      }
      return;
    }
    this.#offsetMs = serverDate.getTime() - this.local.now().getTime();
  }

  now(): Date {
    return new Date(this.local.now().getTime() + (this.#offsetMs ?? 0));
  }
}
