/**
 * A report as JSON text for stdout and report-file: the summary fields indented, one token per line. A report of
 * 10,000 tokens stays greppable and a third smaller than fully indented JSON, which matters for a pipe (the CLI's
 * stdout) that a job log or a script reads. Any JSON reader reads it.
 */
import type { FleetReport } from './fleet-report.js';

export function reportJson(report: FleetReport): string {
  const { tokens, ...head } = report;
  const headText = JSON.stringify(head, null, 2);
  const rows = tokens.map((token) => `    ${JSON.stringify(token)}`).join(',\n');
  return `${headText.slice(0, -2)},\n  "tokens": [${tokens.length > 0 ? `\n${rows}\n  ` : ''}]\n}\n`;
}
