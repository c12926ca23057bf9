/**
 * A sync or audit report as a block of text for a terminal or the GitLab job log: the headline and a table with
 * aligned columns, long cells cut. The JSON report on stdout has everything; this is for reading.
 */
import type { ReportSummary } from '../core/report/report-summary.js';

const MAX_CELL = 60;

export function renderReportBlock(summary: ReportSummary): string {
  const cut = (text: string) => {
    const line = text.replace(/\s+/g, ' ');
    return line.length > MAX_CELL ? `${line.slice(0, MAX_CELL - 3)}...` : line;
  };
  const rows = [summary.table.columns, ...summary.table.rows].map((row) => row.map(cut));
  const widths = summary.table.columns.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [
    '',
    `== ${summary.title} ==`,
    summary.headline,
    '',
    line(rows[0] ?? []),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.slice(1).map(line),
  ];
  if (summary.table.omitted > 0)
    lines.push(`... and ${summary.table.omitted} more (the JSON report has them all)`);
  if (summary.timeline) {
    lines.push('', summary.timeline.title);
    const shown = summary.timeline.buckets.filter((bucket) => bucket.count > 0);
    for (const bucket of shown) lines.push(`  ${bucket.label.padEnd(8)} ${String(bucket.count).padStart(6)}`);
    // A title with nothing under it reads as output cut short.
    if (shown.length === 0) lines.push('  none expired, and none expiring in these weeks');
  }
  return `${lines.join('\n')}\n\n`;
}
