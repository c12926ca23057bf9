/** The CLI's (and the GitLab job log's) text block of an audit: the expiry timeline never ends in a bare title. */
import { describe, expect, it } from 'vitest';
import { renderReportBlock } from '../../src/cli/report-block.js';
import type { ReportSummary } from '../../src/core/report/report-summary.js';

const summary = (counts: number[]): ReportSummary => ({
  title: 'audit',
  headline: '3 tokens.',
  table: { columns: ['token', 'expires'], rows: [['1', '2027-06-01']], omitted: 0 },
  timeline: {
    title: 'Tokens by expiry, week by week from 2026-12-01 (3 later, 0 never)',
    buckets: counts.map((count, index) => ({ label: `week ${index + 1}`, count })),
  },
});

describe('the expiry timeline in the text report', () => {
  it('lists the weeks that have tokens', () => {
    const block = renderReportBlock(summary([0, 2, 0]));
    expect(block).toContain('week 2');
    expect(block).not.toContain('week 1 ');
  });

  it('says so when no week has any, instead of a title with nothing under it', () => {
    const block = renderReportBlock(summary([0, 0, 0]));
    expect(block).toMatch(
      /week by week from 2026-12-01 \(3 later, 0 never\)\n {2}none expired, and none expiring/,
    );
  });
});
