/**
 * Issue 8, kind 4: a credential that cannot be sent. A secret input (gitlab-token, recovery-token, github-token)
 * with a character that cannot go in an HTTP header, or an invisible or whitespace one anywhere, is bad input: exit 2
 * before any request, naming the input, the position and the code point, never the value. Surrounding whitespace
 * is trimmed from every input first (as GitHub's core.getInput does), so a trailing newline or tab from a secret
 * store is not an error; a zero-width space is not whitespace to JavaScript and is caught wherever it is.
 * The check itself is findInvisibleCharacter (src/core/options/option-kit.ts), for any secret input to reuse.
 */
import { describe, expect, it } from 'vitest';
import { findInvisibleCharacter, parseSecretText } from '../../src/core/options/option-kit.js';
import { runAction, runCli } from '../support/run-dist.js';
import { useIssueSeed } from './issue-seed.js';

const seed = useIssueSeed();
const VALUE = 'glpat-Zq8v1xFakeTokenValue42';

/** Each case: what the user pasted, and where the character is (1-based) with its code point. */
const BAD_CHARACTERS = [
  ['a zero-width space at the end', `${VALUE}\u200b`, 'an invisible character (U+200B) at position 29'],
  [
    'a right single quotation mark',
    `${VALUE.slice(0, 10)}\u2019${VALUE.slice(10)}`,
    '(U+2019) at position 11',
  ],
  ['a DEL', `${VALUE.slice(0, 6)}\u007f${VALUE.slice(6)}`, 'a control character (U+007F) at position 7'],
  ['a tab inside', `${VALUE.slice(0, 12)}\t${VALUE.slice(12)}`, 'a space (U+0009) at position 13'],
  [
    'a no-break space inside',
    `${VALUE.slice(0, 3)}\u00a0${VALUE.slice(3)}`,
    'a space (U+00A0) at position 4',
  ],
] as const;

/** Nothing of the value reaches the output (but the runner's mask commands, which it consumes), and no request left. */
function expectRefusedBeforeAnyRequest(output: string) {
  const shown = output
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(shown).not.toContain(VALUE.slice(6, 20));
  expect(seed.gitlab.requests).toEqual([]);
}

describe('the check', () => {
  it.each(BAD_CHARACTERS)('finds %s, by position and code point', (_, text, where) => {
    expect(findInvisibleCharacter(text)).toContain(where);
    const parsed = parseSecretText('a GitLab access token', 20)(text);
    expect(parsed.ok).toBe(false);
  });

  it('accepts what GitLab tokens are made of, with or without instance prefixes', () => {
    for (const token of [VALUE, 'glpat-abc.01.a1b2c3d4e5f6g7h8i9j0', 'mycorp-glpat-AbC_dEf-123456789012']) {
      expect(findInvisibleCharacter(token)).toBeUndefined();
    }
  });
});

describe('the CLI', () => {
  it.each(BAD_CHARACTERS)('GITLAB_TOKEN with %s: exit 2, before any request', async (_, text, where) => {
    const run = await runCli(['list'], { GITLAB_URL: seed.gitlab.url, GITLAB_TOKEN: text });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('Input gitlab-token: expected a GitLab access token');
    expect(run.stderr).toContain(where);
    expect(run.stderr).not.toContain('could not reach GitLab');
    expectRefusedBeforeAnyRequest(run.stdout + run.stderr);
  });

  it('the --gitlab-token flag and the variable --gitlab-token-variable names are checked the same way', async () => {
    const flag = await runCli(['list', '--gitlab-url', seed.gitlab.url, '--gitlab-token', `${VALUE}\u200b`]);
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain('Input gitlab-token');
    expect(flag.stderr).toContain('(U+200B) at position 29');
    const named = await runCli(['list', '--gitlab-token-variable', 'DEPLOY_PAT'], {
      GITLAB_URL: seed.gitlab.url,
      DEPLOY_PAT: `${VALUE}\u2019`,
    });
    expect(named.exitCode).toBe(2);
    expect(named.stderr).toContain('Input gitlab-token');
    expect(named.stderr).toContain('(U+2019) at position 29');
    expectRefusedBeforeAnyRequest(flag.stdout + flag.stderr + named.stdout + named.stderr);
  });

  it('GITLAB_RECOVERY_TOKEN and --github-token are checked before any request too', async () => {
    const recovery = await runCli(['rotate', '--print-token'], {
      ...seed.env(seed.deploy.token),
      GITLAB_RECOVERY_TOKEN: `${VALUE.slice(0, 5)}\u007f${VALUE.slice(5)}`,
    });
    expect(recovery.exitCode).toBe(2);
    expect(recovery.stderr).toContain('Input recovery-token');
    expect(recovery.stderr).toContain('(U+007F) at position 6');
    const github = await runCli(
      [
        'rotate',
        '--github-secret',
        'GITLAB_TOKEN',
        '--github-secret-repository',
        'acme/app',
        '--github-token',
        `ghp_${VALUE}\u00a0x`,
      ],
      seed.env(seed.deploy.token),
    );
    expect(github.exitCode).toBe(2);
    expect(github.stderr).toContain('Input github-token');
    expect(github.stderr).toContain('(U+00A0) at position 33');
    expectRefusedBeforeAnyRequest(recovery.stdout + recovery.stderr + github.stdout + github.stderr);
  });

  it('trims a trailing newline or tab, as from a secret file, and sends the token', async () => {
    const run = await runCli(['get'], {
      GITLAB_URL: seed.gitlab.url,
      GITLAB_TOKEN: `${seed.admin.token}\t\n`,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ 'token-name': 'automation' });
  });
});

describe('the Action', () => {
  it.each([BAD_CHARACTERS[0], BAD_CHARACTERS[3]])(
    'gitlab-token with %s: fails with the input named, before any request',
    async (_, text, where) => {
      const run = await runAction({ 'gitlab-url': seed.gitlab.url, 'gitlab-token': text, operation: 'list' });
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toContain('::error::Input gitlab-token: expected a GitLab access token');
      expect(run.stdout).toContain(where);
      expectRefusedBeforeAnyRequest(run.stdout + run.stderr + run.summary);
    },
  );

  it('recovery-token and github-token are checked before any request too', async () => {
    const run = await runAction({
      'gitlab-url': seed.gitlab.url,
      'gitlab-token': seed.deploy.token,
      'recovery-token': `${VALUE}\u2019`,
      'github-secret': 'GITLAB_TOKEN',
      'github-token': `ghp_${VALUE.slice(0, 4)}\u200b${VALUE.slice(4)}`,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('Input recovery-token');
    expect(run.stdout).toContain('(U+2019) at position 29');
    expect(run.stdout).toContain('Input github-token');
    expect(run.stdout).toContain('(U+200B) at position 9');
    expectRefusedBeforeAnyRequest(run.stdout + run.stderr + run.summary);
  });
});
