/**
 * The job summary: what a person opening the run wants to see. A list shows every token with the ones that expire
 * soon flagged; the other operations show the token they acted on. Never a token value.
 */
import type { OperationResult } from '../core/operations/result.js';
import type { ReportSummary } from '../core/report/report-summary.js';
import type { TokenView } from '../core/tokens/token-view.js';

/** Tokens expiring within this many days are flagged, matching GitLab's own 30-day expiry email. */
export const SOON_DAYS = 30;

export function renderJobSummary(result: OperationResult, instanceUrl: string): string {
  const lines = [
    `### gitlab-pat ${result.operation}${result.dryRun ? ' (dry run)' : ''}`,
    '',
    result.headline,
    '',
  ];
  const tokens = result.tokens ?? (result.token ? [result.token] : []);
  if (tokens.length > 0) lines.push(...renderTokenTable(tokens), '');
  if (result.operation === 'list') {
    const soon = tokens.filter((token) => isSoon(token)).length;
    if (soon > 0)
      lines.push(
        `⚠️ ${soon} token${soon === 1 ? '' : 's'} expire${soon === 1 ? 's' : ''} within ${SOON_DAYS} days.`,
        '',
      );
  }
  if (result.storedIn && result.storedIn.length > 0)
    lines.push(`Stored in: ${result.storedIn.join(', ')}.`, '');
  lines.push(`<sub>${escapeCell(instanceUrl)}</sub>`);
  return `${lines.join('\n')}\n`;
}

function isSoon(token: TokenView): boolean {
  return token.state === 'active' && token.days_left !== null && token.days_left <= SOON_DAYS;
}

function renderTokenTable(tokens: readonly TokenView[]): string[] {
  const rows = tokens.map((token) =>
    [
      escapeCell(token.name),
      String(token.id),
      escapeCell(token.scopes.join(', ')),
      token.expires_at ?? 'never',
      daysLeftCell(token),
      token.last_used_at ? token.last_used_at.slice(0, 10) : 'never',
      stateCell(token),
    ].join(' | '),
  );
  return [
    '| name | id | scopes | expires | days left | last used | state |',
    '| --- | ---: | --- | --- | ---: | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ];
}

function daysLeftCell(token: TokenView): string {
  if (token.days_left === null) return '∞';
  return isSoon(token) ? `⚠️ **${token.days_left}**` : String(token.days_left);
}

function stateCell(token: TokenView): string {
  if (token.state === 'active') return 'active';
  return token.state === 'expired' ? '❌ expired' : 'revoked';
}

function escapeCell(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (char) => `\\${char}`).replace(/\r?\n/g, ' ');
}

/**
 * A sync or audit report: the headline, for an audit an expiry timeline as a Mermaid chart (which GitHub renders),
 * and the table. Rows are capped by the summary model, keeping the job summary within GitHub's 1 MiB.
 */
export function renderReportSummary(summary: ReportSummary, instanceUrl: string): string {
  const lines = [`### ${summary.title}`, '', escapeCell(summary.headline), ''];
  const timeline = summary.timeline;
  if (timeline && timeline.buckets.some((bucket) => bucket.count > 0)) {
    const max = Math.max(...timeline.buckets.map((bucket) => bucket.count));
    lines.push(
      '```mermaid',
      'xychart-beta',
      `  title "${timeline.title.replace(/"/g, "'")}"`,
      `  x-axis [${timeline.buckets.map((bucket) => `"${bucket.label}"`).join(', ')}]`,
      `  y-axis "tokens" 0 --> ${Math.max(1, max)}`,
      `  bar [${timeline.buckets.map((bucket) => bucket.count).join(', ')}]`,
      '```',
      '',
    );
  }
  const { columns, rows, omitted } = summary.table;
  if (rows.length > 0) {
    lines.push(
      `| ${columns.join(' | ')} |`,
      `| ${columns.map(() => '---').join(' | ')} |`,
      ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
      '',
    );
  }
  if (omitted > 0)
    lines.push(`... and ${omitted} more: the report output and report-file have them all.`, '');
  lines.push(`<sub>${escapeCell(instanceUrl)}</sub>`);
  return `${lines.join('\n')}\n`;
}
