/**
 * Every option of every front door, defined once. The Action reads these names with `core.getInput`, the CLI from
 * `--flags` and environment variables, the GitLab components through the CLI; all of them produce the same raw
 * record of strings and get the same parse, the same defaults and the same error messages. The descriptions here
 * feed `action.yml`, the CLI help and the README (a test keeps them in step).
 */
// zod/mini, imported by name: the same parser, and only what this schema uses ends up in the bundle (the main
// entry shrank by 34 kB and its cold start by about a tenth against classic zod).
import { NEVER, globalRegistry, object, optional, pipe, string, transform, type output } from 'zod/mini';
import { InputError } from './errors.js';
import { addDays, isCalendarDate, parseDuration, type Duration } from './expiry.js';
import { parseScopes } from './scopes.js';

export const OPERATIONS = ['create', 'list', 'get', 'revoke', 'rotate'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Where an option can be given; most are everywhere. */
type FrontDoor = 'action' | 'cli';

export interface OptionMeta {
  readonly description: string;
  /** Operations the option applies to; giving it to another operation is an input error. Absent: all. */
  readonly operations?: readonly Operation[];
  /** Never echoed in messages. */
  readonly secret?: boolean;
  readonly frontDoors?: readonly FrontDoor[];
  /** The default as users read it in docs (the schema holds the real one). */
  readonly defaultText?: string;
  /** CLI: environment variables read when the flag is absent, first one set wins. */
  readonly env?: readonly string[];
  /** CLI: a flag that takes no value. */
  readonly flag?: boolean;
}

type Parsed<T> =
  | { ok: true; value: T }
  /** `conceal`: the given text must not be echoed (it holds a secret) even though the option is not secret. */
  | { ok: false; expected: string; problem?: string; conceal?: boolean };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (expected: string, problem?: string): Parsed<never> =>
  problem === undefined ? { ok: false, expected } : { ok: false, expected, problem };

/**
 * One option: a raw string turned into a typed value with a message that says what was expected and what was given
 * (for secrets: what is wrong with it, never the value).
 */
function option<T>(meta: OptionMeta, parse: (text: string) => Parsed<T>) {
  const schema = optional(
    pipe(
      string(),
      transform((text: string, context) => {
        const result = parse(text);
        if (result.ok) return result.value;
        const given =
          meta.secret || result.conceal
            ? (result.problem ?? 'the value given is not one')
            : describeGiven(text, result.problem);
        context.issues.push({
          code: 'custom',
          message: `expected ${result.expected}; ${given}`,
          input: text,
        });
        return NEVER;
      }),
    ),
  );
  return schema.register(globalRegistry, { ...meta });
}

function describeGiven(text: string, problem: string | undefined): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return `got ${JSON.stringify(shown)}${problem ? ` (${problem})` : ''}`;
}

const parseText =
  (maxLength: number) =>
  (text: string): Parsed<string> =>
    text.length <= maxLength ? ok(text) : bad(`at most ${maxLength} characters`, `${text.length} characters`);

function parseBoolean(text: string): Parsed<boolean> {
  if (/^(true|yes|on|1)$/i.test(text)) return ok(true);
  if (/^(false|no|off|0)$/i.test(text)) return ok(false);
  return bad('true or false');
}

function parseChoice<T extends string>(choices: readonly T[]) {
  return (text: string): Parsed<T> => {
    const lower = text.toLowerCase();
    const match = choices.find((choice) => choice === lower);
    return match ? ok(match) : bad(`one of ${choices.join(', ')}`);
  };
}

function parseDurationText(text: string): Parsed<Duration> {
  const duration = parseDuration(text);
  if (duration) return ok(duration);
  const unit = /^\d+(\D+)$/.exec(text.trim())?.[1];
  return bad(
    'a duration such as 30d, 12w, 6m or 1y (d days, w weeks, m months, y years)',
    unit ? `unknown unit "${unit}"` : undefined,
  );
}

function parseDate(text: string): Parsed<string> {
  return isCalendarDate(text) ? ok(text) : bad('a date as YYYY-MM-DD, such as 2027-03-31');
}

export type UserRef = number | string;
function parseUser(text: string): Parsed<UserRef> {
  if (/^\d+$/.test(text)) return ok(Number(text));
  return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(text) ? ok(text) : bad('a user id (number) or a username');
}

export type TokenIdRef = number | 'self';
function parseTokenId(text: string): Parsed<TokenIdRef> {
  if (text.toLowerCase() === 'self') return ok('self');
  return /^\d+$/.test(text) && Number(text) > 0 ? ok(Number(text)) : bad('"self" or a numeric token id');
}

function parseScopesText(text: string): Parsed<string[]> {
  const { scopes, malformed } = parseScopes(text);
  if (scopes.length === 0) return bad('at least one scope, such as api or read_api');
  if (malformed.length > 0) {
    return bad(
      'scope names in lower case letters, digits and underscores, separated by commas, spaces or newlines',
      `malformed: ${malformed.join(', ')}`,
    );
  }
  return ok(scopes);
}

function parseMaxLifetime(text: string): Parsed<number> {
  const days = /^\d+$/.test(text) ? Number(text) : NaN;
  return days >= 1 && days <= 400 ? ok(days) : bad('a number of days from 1 to 400');
}

/** GitLab tokens are at least 20 characters; shorter or multi-line values are mistakes in how a secret was stored. */
function parseCredential(text: string): Parsed<string> {
  const expected = 'a GitLab access token (at least 20 characters, no spaces or line breaks)';
  if (/[\r\n]/.test(text)) return bad(expected, 'the value given contains a line break');
  if (/\s/.test(text)) return bad(expected, 'the value given contains a space');
  if (text.length < 20) return bad(expected, `the value given has only ${text.length} characters`);
  return ok(text);
}

export interface InstanceUrl {
  readonly url: string;
  readonly insecure: boolean;
}
function parseGitlabUrl(text: string): Parsed<InstanceUrl> {
  const expected = 'the https:// address of a GitLab instance, such as https://gitlab.example.com';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad(expected);
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      expected,
      problem: 'the address given contains credentials (not shown): pass the token as gitlab-token',
      conceal: true,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return bad(expected);
  // Users paste the API root as often as the instance root; both mean the same instance.
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
  return ok({
    url: `${url.protocol}//${url.host}${path}`,
    insecure: url.protocol === 'http:' && !isLoopback(url),
  });
}

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const TOKEN_SELECTING: readonly Operation[] = ['get', 'revoke', 'rotate'];
const TOKEN_MAKING: readonly Operation[] = ['create', 'rotate'];

function parseVariableKey(text: string): Parsed<string> {
  return /^[A-Za-z0-9_]{1,255}$/.test(text)
    ? ok(text)
    : bad('a CI/CD variable key: up to 255 letters, digits and underscores, such as DEPLOY_TOKEN');
}

/** GitLab's Gitlab::Regex.environment_scope_regex: checked here, because after a rotation it would be too late. */
function parseEnvironmentScope(text: string): Parsed<string> {
  return /^[a-zA-Z0-9_/${}. *-]{1,255}$/.test(text)
    ? ok(text)
    : bad(
        "an environment scope of letters, digits, '-', '_', '/', '$', '{', '}', '.', '*' and spaces, such as production or review/*",
      );
}

function parseVariableName(text: string): Parsed<string> {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)
    ? ok(text)
    : bad('an environment variable name, such as DEPLOY_TOKEN');
}

export type NamespaceRef = number | string;
function parseNamespace(text: string): Parsed<NamespaceRef> {
  if (/^\d+$/.test(text)) return ok(Number(text));
  return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$/.test(text)
    ? ok(text)
    : bad('a numeric id or a full path such as my-group/my-project');
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

function parseGithubToken(text: string): Parsed<string> {
  const expected = 'a GitHub token (at least 20 characters, no spaces or line breaks)';
  if (/[\r\n]/.test(text)) return bad(expected, 'the value given contains a line break');
  if (/\s/.test(text)) return bad(expected, 'the value given contains a space');
  if (text.length < 20) return bad(expected, `the value given has only ${text.length} characters`);
  return ok(text);
}

/** The schema: every option, its parse and its user-facing description. */
export const optionsSchema = object({
  operation: option(
    {
      description: 'What to do: create, list, get, revoke or rotate.',
      defaultText: 'rotate',
    },
    parseChoice(OPERATIONS),
  ),
  'gitlab-url': option(
    {
      description:
        'GitLab instance URL. http:// is accepted only for loopback addresses unless allow-insecure-http is true.',
      defaultText: 'https://gitlab.com',
      env: ['GITLAB_URL', 'CI_SERVER_URL'],
    },
    parseGitlabUrl,
  ),
  'gitlab-token': option(
    {
      description:
        'Credential that calls GitLab: a personal, project, group or service-account access token. Rotating "self" rotates this token and continues with the new one.',
      secret: true,
      env: ['GITLAB_TOKEN'],
    },
    parseCredential,
  ),
  user: option(
    {
      description:
        'User id or username: whose token to create (administrators), whose tokens to list, or among whose tokens to find token-name.',
    },
    parseUser,
  ),
  'token-id': option(
    {
      description: 'The token to act on: "self" (the gitlab-token itself) or a numeric token id.',
      operations: TOKEN_SELECTING,
      defaultText: 'self for get and rotate',
    },
    parseTokenId,
  ),
  'token-name': option(
    {
      description:
        'Select the one active token with this exact name (of user, or of the caller). Several matches are an error that lists their ids.',
      operations: TOKEN_SELECTING,
    },
    parseText(255),
  ),
  name: option(
    {
      description: 'create: the new token name. list: only tokens whose name contains this text.',
      operations: ['create', 'list'],
    },
    parseText(255),
  ),
  description: option(
    { description: 'create: the new token description.', operations: ['create'] },
    parseText(255),
  ),
  scopes: option(
    {
      description:
        'create: scopes, separated by commas, spaces or newlines (such as "api, read_repository").',
      operations: ['create'],
    },
    parseScopesText,
  ),
  'expires-at': option(
    {
      description:
        'Expiry date of the new token, YYYY-MM-DD (UTC). Must be after today and within max-lifetime-days.',
      operations: ['create', 'rotate'],
    },
    parseDate,
  ),
  'expires-in': option(
    {
      description:
        "Lifetime of the new token: 30d, 12w, 6m or 1y, counted in UTC from today and clamped to max-lifetime-days. Default: 30d for create, the old token's lifetime for rotate.",
      operations: ['create', 'rotate'],
    },
    parseDurationText,
  ),
  'rotate-before': option(
    {
      description:
        'Rotate only when the token expires within this duration (such as 30d); otherwise do nothing and set rotated=false. Makes daily schedules safe.',
      operations: ['rotate'],
    },
    parseDurationText,
  ),
  'max-lifetime-days': option(
    {
      description:
        "The instance's maximum token lifetime in days: 365 on GitLab.com, up to 400 on self-managed instances that allow it.",
      defaultText: '365',
    },
    parseMaxLifetime,
  ),
  state: option(
    {
      description: 'list: which tokens, active, inactive (revoked or expired) or all.',
      operations: ['list'],
      defaultText: 'active',
    },
    parseChoice(['active', 'inactive', 'all'] as const),
  ),
  'expires-within': option(
    {
      description: 'list: only tokens that expire within this duration (such as 30d).',
      operations: ['list'],
    },
    parseDurationText,
  ),
  'variable-key': option(
    {
      description:
        'Store the new token in this CI/CD variable: updated in place when it exists (also when hidden), otherwise created masked and hidden. Never printed.',
      operations: TOKEN_MAKING,
    },
    parseVariableKey,
  ),
  'variable-project': option(
    {
      description:
        "Project (id or full path) that holds variable-key. Needs the Maintainer role. The CLI in GitLab CI (and so the components) defaults to the job's own project.",
      operations: TOKEN_MAKING,
    },
    parseNamespace,
  ),
  'variable-group': option(
    {
      description:
        'Group (id or full path) that holds variable-key, instead of a project. Needs the Owner role.',
      operations: TOKEN_MAKING,
    },
    parseNamespace,
  ),
  'variable-environment-scope': option(
    {
      description:
        'Environment scope of variable-key. When the key exists in several scopes, exactly this one is updated.',
      operations: TOKEN_MAKING,
      defaultText: '*',
    },
    parseEnvironmentScope,
  ),
  'variable-protected': option(
    {
      description:
        'Make variable-key protected (only pipelines on protected branches and tags can read it; schedules must run on one). Not given: a new variable is protected, an existing one keeps its setting.',
      operations: TOKEN_MAKING,
      defaultText: 'true for a new variable',
    },
    parseBoolean,
  ),
  'fallback-variable-key': option(
    {
      description:
        'If writing variable-key fails after the token changed, store the new token in this masked, hidden variable (same project or group) instead, and fail naming it.',
      operations: TOKEN_MAKING,
      defaultText: '<variable-key>_FALLBACK',
    },
    parseVariableKey,
  ),
  'github-secret': option(
    {
      description:
        'Also store the new token in this GitHub Actions secret, created or updated, encrypted for GitHub on the runner. Needs github-token. A workflow that rotates its own gitlab-token names the secret it reads it from, so that the next run has the new token.',
      operations: TOKEN_MAKING,
      frontDoors: ['action'],
    },
    parseGithubSecretName,
  ),
  'github-secret-repository': option(
    {
      description: 'Repository (owner/name) that holds github-secret.',
      operations: TOKEN_MAKING,
      frontDoors: ['action'],
      defaultText: 'the repository of the workflow',
    },
    parseGithubRepository,
  ),
  'github-secret-environment': option(
    {
      description:
        'Make github-secret a secret of this deployment environment of the repository (such as production) instead of a repository secret.',
      operations: TOKEN_MAKING,
      frontDoors: ['action'],
    },
    parseGithubEnvironment,
  ),
  'github-secret-org': option(
    {
      description:
        'Make github-secret a secret of this organization instead. It must exist already; its visibility (all, private or selected repositories) is kept.',
      operations: TOKEN_MAKING,
      frontDoors: ['action'],
    },
    parseGithubOrg,
  ),
  'github-token': option(
    {
      description:
        "Credential that writes github-secret: a fine-grained personal access token or GitHub App token with the Secrets permission (read and write) on the repository, plus Environments for an environment secret, or the organization's Secrets permission for an organization secret; a classic token needs repo (admin:org for organization secrets). The workflow's GITHUB_TOKEN can never write secrets.",
      operations: TOKEN_MAKING,
      frontDoors: ['action'],
      secret: true,
    },
    parseGithubToken,
  ),
  strategy: option(
    {
      description:
        "rotate: GitLab's atomic rotate (one request; the old token stops at once). overlap: create a new token, store and verify it, then revoke the old one; needs a credential that may create the token (an administrator's for personal tokens).",
      operations: ['rotate'],
      defaultText: 'rotate',
    },
    parseChoice(['rotate', 'overlap'] as const),
  ),
  'recovery-token': option(
    {
      description:
        "A second credential that may rotate the managed token (an administrator's). Used only if GitLab rotated the token but its answer was lost: it rotates the new token once more so that its value can be stored.",
      operations: ['rotate'],
      secret: true,
      env: ['GITLAB_RECOVERY_TOKEN'],
    },
    parseCredential,
  ),
  'dry-run': option(
    {
      description: 'Resolve, validate and check everything, change nothing, and say what would happen.',
      defaultText: 'false',
      flag: true,
    },
    parseBoolean,
  ),
  'allow-insecure-http': option(
    {
      description:
        'Allow an http:// gitlab-url that is not a loopback address (the token then crosses the network in clear).',
      defaultText: 'false',
      flag: true,
    },
    parseBoolean,
  ),
  'revoke-after-job': option(
    {
      description:
        "create: revoke the new token when the job ends (the Action's post step), for tokens that only this job needs.",
      frontDoors: ['action'],
      operations: ['create'],
      defaultText: 'false',
    },
    parseBoolean,
  ),
  'gitlab-token-variable': option(
    {
      description:
        'CLI: the name of the environment variable that holds the credential, for jobs whose token lives in a differently named masked variable.',
      frontDoors: ['cli'],
      defaultText: 'GITLAB_TOKEN',
    },
    parseVariableName,
  ),
  'recovery-token-variable': option(
    {
      description:
        'CLI: the name of the environment variable that holds recovery-token (the name, never the value).',
      frontDoors: ['cli'],
      operations: ['rotate'],
    },
    parseVariableName,
  ),
  'print-token': option(
    {
      description:
        'CLI: include the new token value in the JSON on stdout. Without it, the value is never printed.',
      frontDoors: ['cli'],
      operations: ['create', 'rotate'],
      defaultText: 'false',
      flag: true,
    },
    parseBoolean,
  ),
  debug: option(
    {
      description: 'CLI: log every request (method, endpoint, status) to stderr; token values stay redacted.',
      frontDoors: ['cli'],
      defaultText: 'false',
      flag: true,
    },
    parseBoolean,
  ),
});

export type OptionName = keyof typeof optionsSchema.shape;
export const OPTION_NAMES = Object.keys(optionsSchema.shape) as OptionName[];
export type RawOptions = Partial<Record<OptionName, string | undefined>>;

/** The values of every secret option given, so that a front door can protect them before anything is written. */
export function secretValues(raw: RawOptions): string[] {
  return OPTION_NAMES.filter((name) => optionMeta(name).secret)
    .map((name) => raw[name]?.trim() ?? '')
    .filter((value) => value !== '');
}

export function optionMeta(name: OptionName): OptionMeta {
  return globalRegistry.get(optionsSchema.shape[name]) as unknown as OptionMeta;
}

export type TokenTarget =
  | { readonly kind: 'self' }
  | { readonly kind: 'id'; readonly id: number }
  | { readonly kind: 'name'; readonly name: string };

export interface VariableTarget {
  readonly key: string;
  /** Where the token goes if writing `key` fails after the change. */
  readonly fallbackKey: string;
  /** Undefined: the front door did not know a default (outside GitLab CI) and the user gave none. */
  readonly owner: { readonly kind: 'project' | 'group'; readonly ref: NamespaceRef } | undefined;
  readonly environmentScope: string;
  /** Undefined: a new variable is protected, an existing one keeps its setting. */
  readonly protected: boolean | undefined;
}

/** Where github-secret lives. A repository left undefined is the front door's default (the workflow's own). */
export type GithubSecretScope =
  | { readonly kind: 'repository'; readonly repository: GithubRepositoryRef | undefined }
  | {
      readonly kind: 'environment';
      readonly repository: GithubRepositoryRef | undefined;
      readonly environment: string;
    }
  | { readonly kind: 'organization'; readonly org: string };

export interface GithubSecretTarget {
  readonly name: string;
  readonly scope: GithubSecretScope;
  /** The credential that writes it (github-token). */
  readonly token: string;
}

export type ExpiryRequest =
  { readonly kind: 'at'; readonly date: string } | { readonly kind: 'in'; readonly duration: Duration };

export interface Options {
  readonly operation: Operation;
  readonly gitlabUrl: string;
  readonly gitlabToken: string;
  readonly user: UserRef | undefined;
  /** get/revoke/rotate: which token. */
  readonly target: TokenTarget | undefined;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly scopes: readonly string[] | undefined;
  readonly expiry: ExpiryRequest | undefined;
  readonly rotateBefore: Duration | undefined;
  readonly maxLifetimeDays: number;
  readonly state: 'active' | 'inactive' | 'all';
  readonly expiresWithin: Duration | undefined;
  /** create/rotate: the CI/CD variable that receives the new token. */
  readonly variable: VariableTarget | undefined;
  /** Action, create/rotate: the GitHub Actions secret that receives the new token. */
  readonly githubSecret: GithubSecretTarget | undefined;
  readonly strategy: 'rotate' | 'overlap';
  /** A second credential for recovering a rotation whose answer was lost. */
  readonly recoveryToken: string | undefined;
  readonly dryRun: boolean;
  readonly revokeAfterJob: boolean;
  readonly printToken: boolean;
  readonly debug: boolean;
}

export interface ParseContext {
  /** Today in UTC by the local clock; expiry is checked again against GitLab's clock before any change. */
  readonly today: string;
}

/**
 * Raw strings in, typed options out, or an InputError naming every problem at once. Empty strings mean "not given"
 * (the Action passes every input, set or not).
 */
export function parseOptions(
  raw: RawOptions,
  context: ParseContext,
): { options: Options; warnings: string[] } {
  const given: Record<string, string> = {};
  for (const name of OPTION_NAMES) {
    const value = raw[name]?.trim();
    if (value !== undefined && value !== '') given[name] = value;
  }
  const result = optionsSchema.safeParse(given);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(`Input ${String(issue.path[0] ?? '')}: ${issue.message}.`);
    }
    throw inputError(problems);
  }
  const input = result.data;
  const operation = input.operation ?? 'rotate';
  const warnings: string[] = [];

  for (const name of OPTION_NAMES) {
    const applies = optionMeta(name).operations;
    if (given[name] !== undefined && applies && !applies.includes(operation)) {
      problems.push(
        `Input ${name} does not apply to operation ${operation} (it is for ${applies.join(', ')}); remove it or change the operation.`,
      );
    }
  }
  if (input['gitlab-token'] === undefined) {
    problems.push(
      'Input gitlab-token is required: the credential that calls GitLab (CLI: --gitlab-token or the GITLAB_TOKEN environment variable).',
    );
  }
  const url = input['gitlab-url'] ?? { url: 'https://gitlab.com', insecure: false };
  if (url.insecure && input['allow-insecure-http'] !== true) {
    problems.push(
      `Input gitlab-url: ${url.url} is plain http to a host that is not a loopback address, so the token would cross the network unencrypted. Use https://, or set allow-insecure-http to true if you accept that.`,
    );
  }
  if (input['token-id'] !== undefined && input['token-name'] !== undefined) {
    problems.push('Inputs token-id and token-name both select a token; give only one of them.');
  }
  if (input['expires-at'] !== undefined && input['expires-in'] !== undefined) {
    problems.push('Inputs expires-at and expires-in both set the expiry; give only one of them.');
  }
  if (
    TOKEN_SELECTING.includes(operation) &&
    input.user !== undefined &&
    input['token-id'] === undefined &&
    input['token-name'] === undefined
  ) {
    // Without a selector the operation would act on the credential itself, whoever user names.
    problems.push(
      `Input user says among whose tokens to look, but operation ${operation} was given no token-name or token-id, so it would act on gitlab-token itself. Give token-name (or token-id).`,
    );
  }
  if (operation === 'revoke' && input['token-id'] === undefined && input['token-name'] === undefined) {
    problems.push(
      'Operation revoke needs token-id ("self" or a number) or token-name: which token to revoke.',
    );
  }
  if (operation === 'create') {
    if (input.name === undefined) problems.push("Operation create needs name: the new token's name.");
    if (input.scopes === undefined)
      problems.push('Operation create needs scopes, such as "api" or "read_api, read_repository".');
  }
  if (input['variable-project'] !== undefined && input['variable-group'] !== undefined) {
    problems.push(
      'Inputs variable-project and variable-group both say where variable-key lives; give only one of them.',
    );
  }
  if (input['variable-key'] === undefined) {
    const orphans = (
      ['variable-project', 'variable-group', 'variable-environment-scope', 'variable-protected'] as const
    ).filter((name) => given[name] !== undefined);
    if (orphans.length > 0) {
      problems.push(
        `Input${orphans.length > 1 ? 's' : ''} ${orphans.join(', ')} need${orphans.length > 1 ? '' : 's'} variable-key: the variable to store the token in.`,
      );
    }
  }
  problems.push(...githubSecretProblems(input, given));
  const maxLifetimeDays = input['max-lifetime-days'] ?? 365;
  const expiresAt = input['expires-at'];
  if (expiresAt !== undefined) {
    const latest = addDays(context.today, maxLifetimeDays);
    if (expiresAt <= context.today) {
      problems.push(
        `Input expires-at: ${expiresAt} is not in the future (today is ${context.today} UTC by this machine's clock, and a token stops working at 00:00 UTC on its expiry date). Give a later date.`,
      );
    } else if (expiresAt > latest) {
      problems.push(
        `Input expires-at: ${expiresAt} is beyond the maximum lifetime of ${maxLifetimeDays} days (latest ${latest}). Give an earlier date, or raise max-lifetime-days if your instance allows it.`,
      );
    }
  }
  if (problems.length > 0) throw inputError(problems);

  const unknownScopes = input.scopes ? parseScopes(input.scopes.join(' ')).unknown : [];
  if (unknownScopes.length > 0) {
    warnings.push(
      `Scopes ${unknownScopes.join(', ')} are not scopes this version knows; they are passed to GitLab as given, which rejects them if they do not exist.`,
    );
  }

  return {
    options: {
      operation,
      gitlabUrl: url.url,
      gitlabToken: input['gitlab-token'] ?? '',
      user: input.user,
      target: selectTarget(operation, input['token-id'], input['token-name']),
      name: input.name,
      description: input.description,
      scopes: input.scopes,
      expiry:
        expiresAt !== undefined
          ? { kind: 'at', date: expiresAt }
          : input['expires-in'] !== undefined
            ? { kind: 'in', duration: input['expires-in'] }
            : undefined,
      rotateBefore: input['rotate-before'],
      maxLifetimeDays,
      state: input.state ?? 'active',
      expiresWithin: input['expires-within'],
      variable: variableTarget(input),
      githubSecret: githubSecretTarget(input),
      strategy: input.strategy ?? 'rotate',
      recoveryToken: input['recovery-token'],
      dryRun: input['dry-run'] ?? false,
      revokeAfterJob: input['revoke-after-job'] ?? false,
      printToken: input['print-token'] ?? false,
      debug: input.debug ?? false,
    },
    warnings,
  };
}

function selectTarget(
  operation: Operation,
  tokenId: TokenIdRef | undefined,
  tokenName: string | undefined,
): TokenTarget | undefined {
  if (!TOKEN_SELECTING.includes(operation)) return undefined;
  if (tokenName !== undefined) return { kind: 'name', name: tokenName };
  if (tokenId === undefined || tokenId === 'self') return { kind: 'self' };
  return { kind: 'id', id: tokenId };
}

function variableTarget(input: output<typeof optionsSchema>): VariableTarget | undefined {
  const key = input['variable-key'];
  if (key === undefined) return undefined;
  const project = input['variable-project'];
  const group = input['variable-group'];
  return {
    key,
    fallbackKey: input['fallback-variable-key'] ?? `${key}_FALLBACK`.slice(0, 255),
    owner:
      project !== undefined
        ? { kind: 'project', ref: project }
        : group !== undefined
          ? { kind: 'group', ref: group }
          : undefined,
    environmentScope: input['variable-environment-scope'] ?? '*',
    protected: input['variable-protected'],
  };
}

/** Contradictions among the github-secret inputs, found before the first request. */
function githubSecretProblems(input: output<typeof optionsSchema>, given: Record<string, string>): string[] {
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
  if (input['variable-key'] !== undefined && input['revoke-after-job'] === true) {
    problems.push(
      'Inputs variable-key and revoke-after-job contradict each other: the token is revoked when this job ends, so the variable would hold a revoked token for every later job. Give only one of them.',
    );
  }
  if (input['github-secret'] !== undefined && input['revoke-after-job'] === true) {
    problems.push(
      'Inputs github-secret and revoke-after-job contradict each other: the token is revoked when this job ends, so github-secret would hold a revoked token for every later job. Give only one of them.',
    );
  }
  if (input['github-secret'] === undefined) {
    const orphans = (
      ['github-secret-repository', 'github-secret-environment', 'github-secret-org', 'github-token'] as const
    ).filter((name) => given[name] !== undefined);
    if (orphans.length > 0) {
      problems.push(
        `Input${orphans.length > 1 ? 's' : ''} ${orphans.join(', ')} need${orphans.length > 1 ? '' : 's'} github-secret: the GitHub secret to store the token in.`,
      );
    }
  } else if (input['github-token'] === undefined) {
    problems.push(
      "Input github-secret needs github-token: a credential that may write Actions secrets (a fine-grained personal access token or GitHub App token with the Secrets permission, read and write). The workflow's GITHUB_TOKEN cannot write secrets. If you passed ${{ secrets.NAME }}, that secret is empty or not available to this workflow.",
    );
  }
  return problems;
}

function githubSecretTarget(input: output<typeof optionsSchema>): GithubSecretTarget | undefined {
  const name = input['github-secret'];
  const token = input['github-token'];
  if (name === undefined || token === undefined) return undefined;
  const org = input['github-secret-org'];
  const environment = input['github-secret-environment'];
  const repository = input['github-secret-repository'];
  const scope: GithubSecretScope =
    org !== undefined
      ? { kind: 'organization', org }
      : environment !== undefined
        ? { kind: 'environment', repository, environment }
        : { kind: 'repository', repository };
  return { name, scope, token };
}

function inputError(problems: string[]): InputError {
  return new InputError(
    problems.length === 1 ? (problems[0] ?? '') : `Invalid input:\n- ${problems.join('\n- ')}`,
  );
}
