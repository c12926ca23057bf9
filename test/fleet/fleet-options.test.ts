/** The options of sync and audit, parsed like every other option: table-driven, no requests. */
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../src/core/options/parse-options.js';

const parse = (raw: Record<string, string>) =>
  parseOptions({ 'gitlab-token': 'glpat-0123456789abcdefghij', ...raw }, { today: '2026-11-27' });

function problem(raw: Record<string, string>): string {
  try {
    parse(raw);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the fleet options', () => {
  it('have their defaults: concurrency 4, fail-on expired and expiring, unused-for 90d, expires-within 30d', () => {
    const { fleet } = parse({ operation: 'audit' }).options;
    expect(fleet).toMatchObject({
      concurrency: 4,
      failOn: ['expired', 'expiring'],
      unusedFor: { text: '90d' },
      expiresWithin: { text: '30d' },
      scope: { kind: 'visible' },
      inventory: undefined,
    });
    expect(parse({ operation: 'rotate' }).options.fleet).toBeUndefined();
  });

  it('read shard, concurrency, fail-on and the audit scope', () => {
    const sync = parse({ operation: 'sync', inventory: 't.yml', shard: '2/3', concurrency: '8' }).options
      .fleet;
    expect(sync).toMatchObject({ shard: { index: 2, total: 3 }, concurrency: 8, inventory: 't.yml' });
    expect(parse({ operation: 'audit', 'fail-on': 'none' }).options.fleet?.failOn).toEqual([]);
    expect(parse({ operation: 'audit', 'fail-on': 'Unused, admin-scopes' }).options.fleet?.failOn).toEqual([
      'unused',
      'admin-scopes',
    ]);
    expect(parse({ operation: 'audit', group: 'acme' }).options.fleet?.scope).toEqual({
      kind: 'group',
      group: 'acme',
    });
    // The Action passes token-kind personal, its declared default, to every run.
    expect(parse({ operation: 'sync', inventory: 't.yml', 'token-kind': 'personal' }).options.operation).toBe(
      'sync',
    );
  });

  it.each([
    [{ operation: 'sync' }, 'Operation sync needs inventory'],
    [
      { operation: 'sync', inventory: 't.yml', shard: '4/3' },
      'Input shard: expected i/n with 1 <= i <= n, such as 2/3; got "4/3" (shard 4 of 3 does not exist)',
    ],
    [{ operation: 'sync', inventory: 't.yml', shard: 'half' }, 'Input shard: expected i/n'],
    [
      { operation: 'sync', inventory: 't.yml', concurrency: '0' },
      'Input concurrency: expected a number from 1 to 32',
    ],
    [
      { operation: 'sync', inventory: 't.yml', project: 'a/b' },
      'Input project does not apply to operation sync',
    ],
    [
      { operation: 'sync', inventory: 't.yml', 'token-kind': 'group' },
      'Input token-kind does not apply to operation sync',
    ],
    [
      { operation: 'audit', 'fail-on': 'expired,late' },
      'Input fail-on: expected findings separated by commas',
    ],
    [
      { operation: 'audit', user: 'a', group: 'b' },
      'Inputs user and group each narrow an audit to one owner',
    ],
    [{ operation: 'audit', 'token-kind': 'project' }, 'Input token-kind does not apply to operation audit'],
    [{ operation: 'audit', shard: '1/2' }, 'Input shard does not apply to operation audit'],
    [{ operation: 'rotate', inventory: 't.yml' }, 'Input inventory does not apply to operation rotate'],
    [{ operation: 'list', 'junit-file': 'x.xml' }, 'Input junit-file does not apply to operation list'],
  ])('refuses %j', (raw, expected) => {
    expect(problem(raw)).toContain(expected);
  });
});
