/**
 * The reports of `sync` and `audit`, in the contract's JSON shape (kebab-case keys, never a token value): what the
 * CLI prints on stdout, what report-file holds and what the Action's `report` output carries. The summaries, the
 * JUnit file and the job summary are all made from these.
 */
import type { TokenKind } from '../tokens/access-token.js';
import type { Finding } from './findings.js';

export const SYNC_RESULTS = [
  'rotated',
  'created',
  'revoked',
  'unchanged',
  'failed',
  'would-rotate',
  'would-create',
  'would-revoke',
] as const;
export type SyncResult = (typeof SYNC_RESULTS)[number];

/** One inventory entry after the run. */
export interface SyncEntryReport {
  readonly key: string;
  readonly result: SyncResult;
  readonly 'token-kind': TokenKind;
  /** The token acted on; for rotated and created, the new one. Null when none was found. */
  readonly 'token-id': number | null;
  readonly 'previous-token-id': number | null;
  readonly 'token-name': string | null;
  /** `YYYY-MM-DD` (UTC). */
  readonly 'expires-at': string | null;
  /** Where the new value went (rotated, created), or is despite a failure (exit code 3). */
  readonly 'stored-in': readonly string[];
  /** 0 done; 1 failed, nothing changed; 2 the entry is wrong; 3 changed, a destination failed; 4 outcome unknown. */
  readonly 'exit-code': number;
  /** What happened, in one sentence (the failure's message when failed). */
  readonly summary: string;
  readonly error: string | null;
}

export interface SyncReport {
  readonly operation: 'sync';
  readonly 'dry-run': boolean;
  /** `i/n` when the run handled one shard of the inventory. */
  readonly shard: string | null;
  /** Counts by result; a dry run counts what would happen under rotated, created, revoked. */
  readonly summary: {
    readonly total: number;
    readonly rotated: number;
    readonly created: number;
    readonly revoked: number;
    readonly unchanged: number;
    readonly failed: number;
  };
  readonly tokens: readonly SyncEntryReport[];
}

/** One token seen by an audit. */
export interface AuditTokenReport {
  readonly 'token-kind': TokenKind;
  readonly 'token-id': number;
  readonly 'token-name': string;
  /** Whose token: "user 12", "project platform/app", "service account 7 of group acme". */
  readonly owner: string;
  readonly 'expires-at': string | null;
  /** Days until it stops working (0: at the coming midnight UTC, negative: expired); null: never expires. */
  readonly 'days-left': number | null;
  readonly 'last-used-at': string | null;
  readonly scopes: readonly string[];
  readonly findings: readonly Finding[];
  /** The inventory entry that manages it, when an inventory was given. */
  readonly 'managed-by': string | null;
}

export interface AuditReport {
  readonly operation: 'audit';
  readonly 'dry-run': boolean;
  /** What was audited: "every token the credential can see (the whole instance)", "group acme", ... */
  readonly scope: string;
  /** `YYYY-MM-DD` (UTC) the findings are computed for. */
  readonly today: string;
  readonly 'fail-on': readonly Finding[];
  /** Tokens audited, tokens with a fail-on finding, and the count of each finding. */
  readonly summary: { readonly total: number; readonly failing: number } & Readonly<Record<Finding, number>>;
  /** Soonest expiry first. */
  readonly tokens: readonly AuditTokenReport[];
}

export type FleetReport = SyncReport | AuditReport;
