/**
 * An audit as a JUnit XML report: one test case per token, failed when it has a finding fail-on names, so that
 * GitLab shows the tokens in the pipeline's Tests tab and in merge requests (artifacts:reports:junit,
 * doc/ci/testing/unit_test_reports.md). Built with xmlbuilder2, which escapes every text and attribute and replaces
 * characters XML 1.0 cannot hold (a token name is whatever its creator typed). Never a token value: the report has
 * none to give.
 */
import type { AuditReport, AuditTokenReport } from './fleet-report.js';
import { FINDING_DESCRIPTIONS, type Finding } from './findings.js';

export async function renderJunit(report: AuditReport): Promise<string> {
  const { create } = await import('xmlbuilder2');
  const failOn = new Set<Finding>(report['fail-on']);
  const failing = (token: AuditTokenReport) => token.findings.filter((finding) => failOn.has(finding));
  const failures = report.tokens.filter((token) => failing(token).length > 0).length;
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele(
    'testsuites',
    {
      name: 'gitlab-pat audit',
      tests: report.tokens.length,
      failures,
      errors: 0,
    },
  );
  const suite = root.ele('testsuite', {
    name: `gitlab-pat audit of ${report.scope}`,
    tests: report.tokens.length,
    failures,
    errors: 0,
    skipped: 0,
    timestamp: `${report.today}T00:00:00Z`,
  });
  for (const token of report.tokens) {
    const testcase = suite.ele('testcase', {
      classname: `${token['token-kind']} tokens of ${token.owner}`,
      name: `${token['token-name']} (token ${token['token-id']})`,
      time: '0',
    });
    const bad = failing(token);
    if (bad.length > 0) {
      testcase
        .ele('failure', { message: bad.join(', '), type: bad[0] ?? 'finding' })
        .txt(describeToken(token, bad));
    }
    if (token.findings.length > 0) testcase.ele('system-out').txt(describeToken(token, token.findings));
  }
  return root.end({ prettyPrint: true });
}

function describeToken(token: AuditTokenReport, findings: readonly Finding[]): string {
  const expiry =
    token['expires-at'] === null
      ? 'never expires'
      : `expires ${token['expires-at']} (${token['days-left'] ?? '?'} days left)`;
  return [
    `${token['token-kind']} token ${token['token-id']} "${token['token-name']}" of ${token.owner}: ${expiry}, last used ${token['last-used-at'] ?? 'never'}, scopes ${token.scopes.join(', ') || 'none'}.`,
    ...findings.map((finding) => `- ${finding}: ${FINDING_DESCRIPTIONS[finding]}`),
  ].join('\n');
}
