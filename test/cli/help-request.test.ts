/** Which help the command line asks for: everything, or one operation's (`gitlab-pat rotate --help`). */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/parse-args.js';

describe('gitlab-pat ... --help', () => {
  it.each<[string[], string | undefined]>([
    [['--help'], undefined],
    [['help'], undefined],
    [['rotate', '--help'], 'rotate'],
    [['SYNC', '-h'], 'sync'],
    [['--operation', 'audit', '--help'], 'audit'],
    [['rotat', '--help'], undefined],
  ])('%j', (argv, operation) => {
    const request = parseArgs(argv, {});
    expect(request.kind).toBe('help');
    expect(request.kind === 'help' ? request.operation : 'not help').toBe(operation);
  });
});
