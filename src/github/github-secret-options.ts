/**
 * The GitHub-secret options, beside the destination that uses them: parsed with the GitLab options
 * (src/core/options/parse-options.ts) so that every problem is reported before the first request, and listed in
 * action.yml, the CLI help and the README from here.
 */
import type { OptionSet } from '../core/options/parse-options.js';
import { TOKEN_MAKING_OPERATIONS } from '../core/options/parse-options.js';
import {
  bad,
  misappliedOptions,
  ok,
  option,
  orphanProblem,
  parseSecretText,
  parseShape,
  parseText,
  type Parsed,
  type ShapeOutput,
} from '../core/options/option-kit.js';

export interface GithubRepositoryRef {
  readonly owner: string;
  readonly name: string;
}
const GITHUB_ACCOUNT = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})';
const GITHUB_REPOSITORY = new RegExp(`^(${GITHUB_ACCOUNT})/([A-Za-z0-9._-]{1,100})$`);

/** `owner/name`, as in `$GITHUB_REPOSITORY`; undefined when the text is not one. */
export function parseGithubRepositoryText(text: string): GithubRepositoryRef | undefined {
  const match = GITHUB_REPOSITORY.exec(text.trim());
  const [, owner, name] = match ?? [];
  if (owner === undefined || name === undefined || name === '.' || name === '..') return undefined;
  return { owner, name: name.replace(/\.git$/, '') };
}

/** GitHub's rules for secret names; the GITHUB_ prefix is reserved for its own. */
function parseGithubSecretName(text: string): Parsed<string> {
  const expected =
    'a GitHub secret name: letters, digits and underscores, not starting with a digit, such as GITLAB_TOKEN';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return bad(expected);
  return /^GITHUB_/i.test(text)
    ? bad(expected, 'names starting with GITHUB_ are reserved by GitHub')
    : ok(text);
}

function parseGithubRepository(text: string): Parsed<GithubRepositoryRef> {
  const repository = parseGithubRepositoryText(text);
  return repository ? ok(repository) : bad('a GitHub repository as owner/name, such as octo-org/deployer');
}

function parseGithubOrg(text: string): Parsed<string> {
  return new RegExp(`^${GITHUB_ACCOUNT}$`).test(text)
    ? ok(text)
    : bad('a GitHub organization name: letters, digits and hyphens, such as octo-org');
}

function parseGithubEnvironment(text: string): Parsed<string> {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(text)) return bad('an environment name on one line, such as production');
  return parseText(255)(text);
}

export const GITHUB_SECRET_OPTIONS = {
  'github-secret': option(
    {
      description:
        'Also store the new token in this GitHub Actions secret, created or updated, encrypted for GitHub on the runner. Needs github-token. A workflow that rotates its own gitlab-token names the secret it reads it from, so that the next run has the new token.',
      operations: TOKEN_MAKING_OPERATIONS,
    },
    parseGithubSecretName,
  ),
  'github-secret-repository': option(
    {
      description: 'Repository (owner/name) that holds github-secret.',
      operations: TOKEN_MAKING_OPERATIONS,
      defaultText: 'the repository of the workflow',
    },
    parseGithubRepository,
  ),
  'github-secret-environment': option(
    {
      description:
        'Make github-secret a secret of this deployment environment of the repository (such as production) instead of a repository secret.',
      operations: TOKEN_MAKING_OPERATIONS,
    },
    parseGithubEnvironment,
  ),
  'github-secret-org': option(
    {
      description:
        'Make github-secret a secret of this organization instead. It must exist already; its visibility (all, private or selected repositories) is kept.',
      operations: TOKEN_MAKING_OPERATIONS,
    },
    parseGithubOrg,
  ),
  'github-token': option(
    {
      description:
        "Credential that writes github-secret (sync: the inventory's github-secrets): a fine-grained personal access token or GitHub App token with the Secrets permission (read and write) on the repository, plus Environments for an environment secret, or the organization's Secrets permission for an organization secret; a classic token needs repo (admin:org for organization secrets). The workflow's GITHUB_TOKEN can never write secrets.",
      // sync: the inventory's github-secrets are written with it.
      operations: [...TOKEN_MAKING_OPERATIONS, 'sync'],
      secret: true,
    },
    parseSecretText('a GitHub token', 20),
  ),
};

type GithubSecretInput = ShapeOutput<typeof GITHUB_SECRET_OPTIONS>;

/** Where github-secret lives. A repository left undefined is the front door's default (the workflow's own). */
export type GithubSecretScope =
  | { readonly kind: 'repository'; readonly repository: GithubRepositoryRef | undefined }
  | {
      readonly kind: 'environment';
      readonly repository: GithubRepositoryRef | undefined;
      readonly environment: string;
    }
  | { readonly kind: 'organization'; readonly org: string };

/**
 * The scope the given places name: an organization secret when org is given (the option rules refuse org beside
 * a repository or environment), else an environment's when environment is, else a repository's.
 */
export function githubSecretScope(given: {
  readonly org: string | undefined;
  readonly environment: string | undefined;
  readonly repository: GithubRepositoryRef | undefined;
}): GithubSecretScope {
  const { org, environment, repository } = given;
  if (org !== undefined) return { kind: 'organization', org };
  return environment !== undefined
    ? { kind: 'environment', repository, environment }
    : { kind: 'repository', repository };
}

export interface GithubSecretTarget {
  readonly name: string;
  readonly scope: GithubSecretScope;
  /** The credential that writes it (github-token). */
  readonly token: string;
}

/** The GitHub-secret option set: its target (undefined when github-secret is not given) and its problems. */
export const githubSecretOptions: OptionSet<GithubSecretTarget | undefined> = {
  shape: GITHUB_SECRET_OPTIONS,
  parse(given, { operation }) {
    const { input, problems } = parseShape(GITHUB_SECRET_OPTIONS, given);
    problems.push(...misappliedOptions(GITHUB_SECRET_OPTIONS, given, operation));
    if (problems.length === 0) problems.push(...githubSecretProblems(input, given, operation));
    return { value: problems.length === 0 ? githubSecretTarget(input) : undefined, problems };
  },
};

function githubSecretProblems(
  input: GithubSecretInput,
  given: Record<string, string>,
  operation: string,
): string[] {
  const problems: string[] = [];
  if (input['github-secret-repository'] !== undefined && input['github-secret-org'] !== undefined) {
    problems.push(
      'Inputs github-secret-repository and github-secret-org both say where github-secret lives (a repository secret or an organization secret); give only one of them.',
    );
  }
  if (input['github-secret-environment'] !== undefined && input['github-secret-org'] !== undefined) {
    problems.push(
      'Input github-secret-environment names an environment of a repository, but github-secret-org makes github-secret an organization secret, which has no environment; give only one of them.',
    );
  }
  if (input['github-secret'] === undefined) {
    const orphans = (
      ['github-secret-repository', 'github-secret-environment', 'github-secret-org', 'github-token'] as const
    ).filter((name) => given[name] !== undefined && !(operation === 'sync' && name === 'github-token'));
    const problem = orphanProblem(orphans, 'github-secret', 'the GitHub secret to store the token in');
    if (problem) problems.push(problem);
  } else if (input['github-token'] === undefined) {
    problems.push(
      "Input github-secret needs github-token: a credential that may write Actions secrets (a fine-grained personal access token or GitHub App token with the Secrets permission, read and write). The workflow's GITHUB_TOKEN cannot write secrets. If you passed ${{ secrets.NAME }}, that secret is empty or not available to this workflow.",
    );
  }
  return problems;
}

function githubSecretTarget(input: GithubSecretInput): GithubSecretTarget | undefined {
  const name = input['github-secret'];
  const token = input['github-token'];
  if (name === undefined || token === undefined) return undefined;
  const scope = githubSecretScope({
    org: input['github-secret-org'],
    environment: input['github-secret-environment'],
    repository: input['github-secret-repository'],
  });
  return { name, scope, token };
}
