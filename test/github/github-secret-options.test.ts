/**
 * The github-secret inputs: parsed by the one schema, every contradiction an input error before the first request,
 * github-token never echoed.
 */
import { describe, expect, it } from 'vitest';
import { CLI_OPTION_NAMES } from '../../src/cli/parse-args.js';
import { InputError } from '../../src/core/errors.js';
import type { RawOptions } from '../../src/core/options/option-kit.js';
import { parseOptions, secretValues } from '../../src/core/options/parse-options.js';
import { ACTION_OPTION_SETS } from '../../src/github/action-io.js';
import { actionOptions } from '../../src/github/action-options.js';
import { githubSecretOptions } from '../../src/github/github-secret-options.js';

const GITLAB_TOKEN = 'glpat-0123456789abcdefghij';
const GITHUB_TOKEN = 'github_pat_11AAAAAAA0SecretValue0123456789';
const parse = (raw: RawOptions) => {
  const {
    sets: [githubSecret],
  } = parseOptions(
    { 'gitlab-token': GITLAB_TOKEN, ...raw },
    { today: '2026-11-27' },
    githubSecretOptions,
    actionOptions,
  );
  return { githubSecret };
};
const withSecret = (raw: RawOptions): RawOptions => ({
  'github-secret': 'GITLAB_TOKEN',
  'github-token': GITHUB_TOKEN,
  ...raw,
});

function inputError(raw: RawOptions): string {
  try {
    parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).not.toContain(GITHUB_TOKEN);
    return message;
  }
  return expect.fail('expected an InputError');
}

describe('github-secret inputs', () => {
  it.each<{ raw: RawOptions; contains: string[] }>([
    {
      raw: withSecret({ 'github-secret': 'GITHUB_TOKEN' }),
      contains: ['Input github-secret', 'names starting with GITHUB_ are reserved by GitHub'],
    },
    {
      raw: withSecret({ 'github-secret': 'github_pat_store' }),
      contains: ['Input github-secret', 'reserved by GitHub'],
    },
    {
      raw: withSecret({ 'github-secret': '1TOKEN' }),
      contains: ['Input github-secret', 'not starting with a digit', '"1TOKEN"'],
    },
    {
      raw: withSecret({ 'github-secret': 'GITLAB-TOKEN' }),
      contains: ['Input github-secret', 'letters, digits and underscores'],
    },
    {
      raw: withSecret({ 'github-secret-repository': 'deployer' }),
      contains: ['Input github-secret-repository', 'owner/name', '"deployer"'],
    },
    {
      raw: withSecret({ 'github-secret-repository': 'octo-org/deployer/extra' }),
      contains: ['Input github-secret-repository', 'owner/name'],
    },
    {
      raw: withSecret({ 'github-secret-org': 'octo org' }),
      contains: ['Input github-secret-org', 'letters, digits and hyphens'],
    },
    {
      raw: withSecret({ 'github-secret-environment': 'prod\nuction' }),
      contains: ['Input github-secret-environment', 'on one line'],
    },
    {
      raw: withSecret({ 'github-token': 'github_pat_has a space in it_000000' }),
      contains: ['Input github-token', 'contains a space'],
    },
    {
      raw: withSecret({ 'github-token': 'short' }),
      contains: ['Input github-token', 'has only 5 characters'],
    },
    {
      raw: withSecret({ 'github-secret-repository': 'octo-org/deployer', 'github-secret-org': 'octo-org' }),
      contains: ['github-secret-repository and github-secret-org', 'give only one'],
    },
    {
      raw: withSecret({ 'github-secret-environment': 'production', 'github-secret-org': 'octo-org' }),
      contains: ['github-secret-environment', 'organization secret, which has no environment'],
    },
    {
      raw: withSecret({ operation: 'create', name: 'ci', scopes: 'api', 'revoke-after-job': 'true' }),
      contains: ['github-secret and revoke-after-job contradict each other'],
    },
    {
      raw: { 'github-secret': 'GITLAB_TOKEN' },
      contains: [
        'Input github-secret needs github-token',
        "The workflow's GITHUB_TOKEN cannot write secrets",
        'that secret is empty or not available',
      ],
    },
    {
      raw: { 'github-token': GITHUB_TOKEN, 'github-secret-org': 'octo-org' },
      contains: ['Inputs github-secret-org, github-token need github-secret'],
    },
    {
      raw: { 'github-secret-repository': 'octo-org/deployer' },
      contains: ['Input github-secret-repository needs github-secret'],
    },
    {
      raw: withSecret({ operation: 'list' }),
      contains: ['Input github-secret does not apply to operation list', 'Input github-token does not apply'],
    },
  ])('$raw.github-secret/$raw.operation: $contains.0', ({ raw, contains }) => {
    const message = inputError(raw);
    for (const part of contains) expect(message).toContain(part);
  });

  it('gives the repository secret of the default repository when only github-secret and github-token are set', () => {
    expect(parse(withSecret({})).githubSecret).toEqual({
      name: 'GITLAB_TOKEN',
      token: GITHUB_TOKEN,
      scope: { kind: 'repository', repository: undefined },
    });
  });

  it('gives an environment secret of a named repository, and an organization secret', () => {
    expect(
      parse(
        withSecret({
          operation: 'create',
          name: 'ci',
          scopes: 'api',
          'github-secret-repository': 'octo-org/deployer',
          'github-secret-environment': 'production',
        }),
      ).githubSecret?.scope,
    ).toEqual({
      kind: 'environment',
      repository: { owner: 'octo-org', name: 'deployer' },
      environment: 'production',
    });
    expect(parse(withSecret({ 'github-secret-org': 'octo-org' })).githubSecret?.scope).toEqual({
      kind: 'organization',
      org: 'octo-org',
    });
  });

  it('treats github-token as a secret, so every front door masks it before anything is written', () => {
    expect(secretValues(withSecret({}), ACTION_OPTION_SETS)).toContain(GITHUB_TOKEN);
  });

  it('offers them in the CLI too, which writes GitHub secrets given a GitHub credential', () => {
    expect(CLI_OPTION_NAMES.filter((name) => name.startsWith('github-'))).toEqual([
      'github-secret',
      'github-secret-repository',
      'github-secret-environment',
      'github-secret-org',
      'github-token',
      // The CLI's own: the environment variable that holds github-token (components pass credentials by name).
      'github-token-variable',
    ]);
  });
});
