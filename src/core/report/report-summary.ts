/**
 * What a person reading a run wants from a sync or audit report, as a model the front doors render in their own
 * medium: a table (the GitHub job summary, a block in the GitLab job log) and, for an audit, an expiry timeline (a
 * Mermaid chart on GitHub). Never a token value: the report has none.
 */
import { addDays } from '../time/expiry.js';
import type { AuditReport, FleetReport, SyncReport } from './fleet-report.js';

export interface ReportTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Rows left out to keep summaries within the platforms' limits (GitHub: 1 MiB per step). */
  readonly omitted: number;
}

/** Tokens by when they stop working: expired, then week by week from today. */
export interface ExpiryTimeline {
  readonly title: string;
  readonly buckets: readonly { readonly label: string; readonly count: number }[];
}

export interface ReportSummary {
  readonly title: string;
  readonly headline: string;
  readonly table: ReportTable;
  readonly timeline: ExpiryTimeline | undefined;
}

/** Rows shown at most; the JSON report (report-file) always has them all. */
export const SUMMARY_ROWS = 500;
const TIMELINE_WEEKS = 12;

export function summarizeReport(
  report: FleetReport,
  headline: string,
  maxRows = SUMMARY_ROWS,
): ReportSummary {
  return report.operation === 'sync'
    ? summarizeSync(report, headline, maxRows)
    : summarizeAudit(report, headline, maxRows);
}

function summarizeSync(report: SyncReport, headline: string, maxRows: number): ReportSummary {
  // Failures first: they are what the reader has to act on.
  const ordered = [...report.tokens].sort((a, b) => b['exit-code'] - a['exit-code']);
  const rows = ordered
    .slice(0, maxRows)
    .map((token) => [
      token.key,
      token.result,
      token['token-kind'],
      token['token-id'] === null ? '' : `${token['token-name'] ?? ''} (${token['token-id']})`,
      token['expires-at'] ?? '',
      token.error ?? token['stored-in'].join('; '),
    ]);
  return {
    title: `gitlab-pat sync${report['dry-run'] ? ' (dry run)' : ''}${report.shard ? `, shard ${report.shard}` : ''}`,
    headline,
    table: {
      columns: ['entry', 'result', 'kind', 'token', 'expires', 'stored in / error'],
      rows,
      omitted: report.tokens.length - rows.length,
    },
    timeline: undefined,
  };
}

function summarizeAudit(report: AuditReport, headline: string, maxRows: number): ReportSummary {
  // Tokens with findings first (they are sorted by expiry already), then the rest.
  const ordered = [
    ...report.tokens.filter((token) => token.findings.length > 0),
    ...report.tokens.filter((token) => token.findings.length === 0),
  ];
  const rows = ordered
    .slice(0, maxRows)
    .map((token) => [
      token['token-name'],
      String(token['token-id']),
      token['token-kind'],
      token.owner,
      token['expires-at'] ?? 'never',
      token['days-left'] === null ? '' : String(token['days-left']),
      token['last-used-at']?.slice(0, 10) ?? 'never',
      token.findings.join(', '),
    ]);
  return {
    title: 'gitlab-pat audit',
    headline,
    table: {
      columns: ['name', 'id', 'kind', 'owner', 'expires', 'days left', 'last used', 'findings'],
      rows,
      omitted: report.tokens.length - rows.length,
    },
    timeline: expiryTimeline(report),
  };
}

function expiryTimeline(report: AuditReport): ExpiryTimeline {
  const buckets = [{ label: 'expired', count: 0 }];
  for (let week = 0; week < TIMELINE_WEEKS; week += 1) {
    buckets.push({ label: addDays(report.today, week * 7).slice(5), count: 0 });
  }
  let later = 0;
  for (const token of report.tokens) {
    const left = token['days-left'];
    if (left === null) continue;
    const bucket = left <= 0 ? buckets[0] : buckets[1 + Math.floor((left - 1) / 7)];
    if (bucket) bucket.count += 1;
    else later += 1;
  }
  return {
    title: `Tokens by expiry, week by week from ${report.today} (${later} later, ${report.summary['never-expires']} never)`,
    buckets,
  };
}
