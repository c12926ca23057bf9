/**
 * What `audit` says about a token, and the policy that decides it: one pure function from a token, today and the
 * policy to its findings. Dates are UTC calendar dates (a token stops working at 00:00 UTC on its expiry date);
 * instants (last use, creation) are GitLab's ISO timestamps.
 */
import { addDuration, daysLeft, expiresWithin, type Duration } from '../time/expiry.js';
import type { AccessToken } from '../tokens/access-token.js';
import { ADMIN_ONLY_SCOPES } from '../tokens/scopes.js';

/** In the order a reader cares about them; the report's summary counts follow it. */
export const FINDINGS = [
  'expired',
  'expiring',
  'never-expires',
  'unused',
  'unmanaged',
  'admin-scopes',
] as const;
export type Finding = (typeof FINDINGS)[number];

export const FINDING_DESCRIPTIONS: Record<Finding, string> = {
  expired: 'its expiry date has passed (and it is not revoked): whatever uses it fails',
  expiring: 'it expires within expires-within',
  'never-expires': 'it has no expiry date',
  unused: 'not used within unused-for (or never, and older than that)',
  unmanaged: 'no entry of the inventory manages it',
  'admin-scopes': `it has an administrator's scope (${ADMIN_ONLY_SCOPES.join(', ')})`,
};

export interface AuditPolicy {
  /** `expiring`: tokens that stop working within this window. */
  readonly expiresWithin: Duration;
  /** `unused`: no use within this window (or never, and created before it). */
  readonly unusedFor: Duration;
}

/**
 * The findings of one token. `today` is `YYYY-MM-DD` (UTC, GitLab's clock where seen); `managed` is undefined when
 * no inventory was given (then nothing is `unmanaged`). A revoked token has no findings: it can do nothing.
 */
export function findingsOf(
  token: AccessToken,
  policy: AuditPolicy,
  today: string,
  managed: boolean | undefined,
): Finding[] {
  if (token.revoked) return [];
  const findings: Finding[] = [];
  const left = daysLeft(token.expiresAt, today);
  if (left !== null && left <= 0) findings.push('expired');
  else if (expiresWithin(token.expiresAt, policy.expiresWithin, today)) findings.push('expiring');
  if (token.expiresAt === null) findings.push('never-expires');
  if (isUnused(token, policy.unusedFor, today)) findings.push('unused');
  if (managed === false) findings.push('unmanaged');
  if (token.scopes.some((scope) => (ADMIN_ONLY_SCOPES as readonly string[]).includes(scope)))
    findings.push('admin-scopes');
  return findings;
}

/** Last used before today minus the window; never used counts from creation, so a new token is not unused. */
function isUnused(token: AccessToken, window: Duration, today: string): boolean {
  const since = token.lastUsedAt ?? token.createdAt;
  if (!since) return false;
  return addDuration(since.slice(0, 10), window) < today;
}

/**
 * findingsOf for many tokens at once (an audit of thousands): the same answers, with the calendar arithmetic done
 * once per distinct date instead of once per token.
 */
export function findingsEvaluator(
  policy: AuditPolicy,
  today: string,
): (token: AccessToken, managed: boolean | undefined) => Finding[] {
  const expiringBy = addDuration(today, policy.expiresWithin);
  const unusedBySince = new Map<string, boolean>();
  return (token, managed) => {
    if (token.revoked) return [];
    const findings: Finding[] = [];
    if (token.expiresAt !== null && token.expiresAt <= today) findings.push('expired');
    else if (token.expiresAt !== null && token.expiresAt <= expiringBy) findings.push('expiring');
    if (token.expiresAt === null) findings.push('never-expires');
    const since = (token.lastUsedAt ?? token.createdAt)?.slice(0, 10);
    if (since) {
      let unused = unusedBySince.get(since);
      if (unused === undefined) {
        unused = addDuration(since, policy.unusedFor) < today;
        unusedBySince.set(since, unused);
      }
      if (unused) findings.push('unused');
    }
    if (managed === false) findings.push('unmanaged');
    if (token.scopes.some((scope) => (ADMIN_ONLY_SCOPES as readonly string[]).includes(scope)))
      findings.push('admin-scopes');
    return findings;
  };
}
