/**
 * The GitLab options: every option the core understands, defined once with its parse and its user-facing
 * description. The Action reads these names with `core.getInput`, the CLI from `--flags` and environment variables,
 * the components through the CLI; the descriptions feed action.yml, the CLI help, the component specs and the
 * README (a test keeps them in step). Rules that involve several options are in parse-options.ts.
 */
import { FINDINGS, type Finding } from '../report/findings.js';
import { TOKEN_KINDS, ACCESS_LEVELS, type NamespaceRef, type UserRef } from '../tokens/access-token.js';
import { parseScopes } from '../tokens/scopes.js';
import {
  OPERATIONS,
  bad,
  ok,
  option,
  parseBoolean,
  parseChoice,
  parseDate,
  parseDurationText,
  parseSecretText,
  parseText,
  type Operation,
  type Parsed,
} from './option-kit.js';

const TOKEN_SELECTING: readonly Operation[] = ['get', 'revoke', 'rotate'];
const TOKEN_MAKING: readonly Operation[] = ['create', 'rotate'];
/** The operations over many tokens: an inventory's (sync) or every one the credential can see (audit). */
const FLEET: readonly Operation[] = ['sync', 'audit'];

/**
 * A GitLab id: digits that make a positive safe integer. Above 2^53 a JavaScript number is rounded, and the request
 * would name another id than the one given.
 */
function wholeId(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function parseUser(text: string): Parsed<UserRef> {
  if (/^\d+$/.test(text)) {
    const id = wholeId(text);
    return id === undefined ? bad('a user id from 1 to 9007199254740991, or a username') : ok(id);
  }
  return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(text) ? ok(text) : bad('a user id (number) or a username');
}

export type TokenIdRef = number | 'self';
function parseTokenId(text: string): Parsed<TokenIdRef> {
  if (text.toLowerCase() === 'self') return ok('self');
  const id = wholeId(text);
  return id !== undefined ? ok(id) : bad('"self" or a numeric token id from 1 to 9007199254740991');
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

function parseAccessLevel(text: string): Parsed<number> {
  const named = ACCESS_LEVELS[text.toLowerCase() as keyof typeof ACCESS_LEVELS];
  if (named !== undefined) return ok(named);
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  if ((Object.values(ACCESS_LEVELS) as number[]).includes(number)) return ok(number);
  return bad(
    `an access level: ${Object.entries(ACCESS_LEVELS)
      .map(([name, level]) => `${name} (${level})`)
      .join(', ')}`,
  );
}

/** GitLab tokens are at least 20 characters; shorter values are mistakes in how a secret was stored. */
export const parseCredential = parseSecretText('a GitLab access token', 20);

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
    // The text may hold credentials (user:token@host) that made it unparseable: never echo it.
    return /@|gl[a-z]{1,6}-/.test(text)
      ? {
          ok: false,
          expected,
          problem: 'the address given is not a URL (not shown: it may hold a secret)',
          conceal: true,
        }
      : bad(expected);
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
  if (url.search !== '' || url.hash !== '') {
    return {
      ok: false,
      expected,
      problem: 'the address given has a query or fragment (not shown)',
      conceal: true,
    };
  }
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

function parseNamespace(text: string): Parsed<NamespaceRef> {
  const expected = 'a numeric id or a full path such as my-group/my-project';
  if (/^\d+$/.test(text)) {
    const id = wholeId(text);
    return id === undefined ? bad(expected) : ok(id);
  }
  // A segment of dots alone is no GitLab path, and a URL would resolve it: `..` would reach another endpoint.
  return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$/.test(text) &&
    !text.split('/').some((segment) => /^\.+$/.test(segment))
    ? ok(text)
    : bad(expected);
}

/** A file path as given (relative paths are relative to the working directory of the run). */
function parsePath(text: string): Parsed<string> {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f]/.test(text)) return bad('a file path on one line, such as tokens.yml');
  return parseText(4096)(text);
}

function parseConcurrency(text: string): Parsed<number> {
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  return number >= 1 && number <= 32 ? ok(number) : bad('a number from 1 to 32');
}

/** Shard `i` of `n`, 1-based. */
export interface Shard {
  readonly index: number;
  readonly total: number;
}
function parseShard(text: string): Parsed<Shard> {
  const match = /^(\d{1,4})\s*\/\s*(\d{1,4})$/.exec(text);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match) return bad('i/n, shard i of n (1-based), such as 2/3');
  if (total < 1 || index < 1 || index > total)
    return bad('i/n with 1 <= i <= n, such as 2/3', `shard ${index} of ${total} does not exist`);
  return ok({ index, total });
}

function parseFindings(text: string): Parsed<Finding[]> {
  const words = text
    .split(/[\s,]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word !== '');
  if (words.length === 1 && words[0] === 'none') return ok([]);
  const unknown = words.filter((word) => !(FINDINGS as readonly string[]).includes(word));
  if (words.length === 0 || unknown.length > 0) {
    return bad(
      `findings separated by commas, from ${FINDINGS.join(', ')} (or none)`,
      unknown.length > 0 ? `unknown: ${unknown.join(', ')}` : undefined,
    );
  }
  return ok([...new Set(words)] as Finding[]);
}

/** The GitLab options. */
export const GITLAB_OPTIONS = {
  operation: option(
    {
      description:
        'What to do: create, list, get, revoke or rotate one token; sync the tokens of an inventory; audit every token the credential can see.',
      defaultText: 'rotate',
      declaredDefault: 'rotate',
    },
    parseChoice(OPERATIONS),
  ),
  'gitlab-url': option(
    {
      description:
        'GitLab instance URL. http:// is accepted only for loopback addresses unless allow-insecure-http is true.',
      defaultText: 'https://gitlab.com (CLI and components: $CI_SERVER_URL when set)',
      declaredDefault: 'https://gitlab.com',
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
  'token-kind': option(
    {
      description:
        "Which kind of token: personal (of a user, a service account or the caller), project (a project access token: give project), group (a group access token: give group) or service-account (a group service account's token: give group and user). With token-id self, project and group are found from the credential when not given.",
      defaultText: 'personal',
      declaredDefault: 'personal',
    },
    parseChoice(TOKEN_KINDS),
  ),
  user: option(
    {
      description:
        'User id or username: whose personal token to create (administrators), whose tokens to list or audit, or among whose tokens to find token-name; with token-kind service-account, the service account.',
    },
    parseUser,
  ),
  project: option(
    {
      description:
        "token-kind project: the project (id or full path) whose access tokens to create, list or act on. audit: audit only this project's access tokens.",
    },
    parseNamespace,
  ),
  group: option(
    {
      description:
        "token-kind group or service-account: the group (id or full path) whose access tokens, or whose service account's tokens, to create, list or act on. audit: audit only this group's access tokens, its service accounts' and its projects'.",
    },
    parseNamespace,
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
        'Select the one active token with this exact name (an expired one too, for rotate and revoke). Several matches are an error that lists their ids.',
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
  'access-level': option(
    {
      description:
        "create, token-kind project or group: the bot user's role, guest, planner, reporter, developer, maintainer or owner (or 10, 15, 20, 30, 40, 50); at most the caller's own.",
      operations: ['create'],
      defaultText: 'maintainer',
    },
    parseAccessLevel,
  ),
  'expires-at': option(
    {
      description:
        'Expiry date of the new token, YYYY-MM-DD (UTC): it stops working at 00:00 UTC that day. Must be after today and within max-lifetime-days.',
      operations: TOKEN_MAKING,
    },
    parseDate,
  ),
  'expires-in': option(
    {
      description:
        "Lifetime of the new token: 30d, 12w, 6m or 1y, at least that long (rounded up to GitLab's next midnight UTC) and clamped to max-lifetime-days. Default: 30d for create, the old token's lifetime for rotate.",
      operations: TOKEN_MAKING,
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
      declaredDefault: '365',
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
      description:
        'list: only tokens that expire within this duration (such as 30d). audit: tokens that expire within it are expiring (default 30d).',
      operations: ['list', 'audit'],
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
        "Project (id or full path) that holds variable-key. Needs the Maintainer role. Default: a project token's own project; otherwise, in GitLab CI (so the components), the job's own project.",
      operations: TOKEN_MAKING,
    },
    parseNamespace,
  ),
  'variable-group': option(
    {
      description:
        "Group (id or full path) that holds variable-key, instead of a project. Needs the Owner role. Default for group and service-account tokens: the token's own group.",
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
  strategy: option(
    {
      description:
        "rotate: GitLab's atomic rotate (one request; the old token stops at once; a project or group token keeps its bot user). overlap: create a new token, store and verify it, then revoke the old one; needs a credential that may create the token, and gives a project or group token a new bot user, which breaks rules that name the old one.",
      operations: ['rotate'],
      defaultText: 'rotate',
    },
    parseChoice(['rotate', 'overlap'] as const),
  ),
  'recovery-token': option(
    {
      description:
        "A second credential that may rotate the managed token (an administrator's, or a project Maintainer's or group Owner's for bot tokens). Used only if GitLab rotated the token but its answer was lost: it rotates the new token once more so that its value can be stored.",
      operations: ['rotate'],
      secret: true,
      env: ['GITLAB_RECOVERY_TOKEN'],
    },
    parseCredential,
  ),
  inventory: option(
    {
      description:
        'sync (required), audit: path of the inventory file, YAML or JSON: defaults and tokens[], each key the option of the same name (schema/inventory.schema.json gives editors completion). audit: tokens no entry manages are unmanaged.',
      operations: FLEET,
    },
    parsePath,
  ),
  'report-file': option(
    {
      description: 'sync, audit: also write the JSON report (never a token value) to this file.',
      operations: FLEET,
    },
    parsePath,
  ),
  'junit-file': option(
    {
      description:
        "audit: also write the findings as a JUnit XML report to this file, one test case per token (GitLab shows it in the pipeline's Tests tab with artifacts:reports:junit).",
      operations: ['audit'],
    },
    parsePath,
  ),
  concurrency: option(
    {
      description:
        'sync, audit: how many tokens (or list pages) are handled at once. Never two operations on one token at once, whatever this says.',
      operations: FLEET,
      defaultText: '4',
    },
    parseConcurrency,
  ),
  shard: option(
    {
      description:
        'sync: i/n (1-based): handle only the inventory entries that fall into shard i of n (by a hash of their key, so an entry stays in its shard when others are added), for a CI matrix (GitHub strategy.matrix, GitLab parallel:).',
      operations: ['sync'],
      defaultText: '$CI_NODE_INDEX/$CI_NODE_TOTAL in a GitLab parallel job (CLI and components)',
    },
    parseShard,
  ),
  'fail-on': option(
    {
      description: `audit: findings that fail the run (exit code 5), comma separated: ${FINDINGS.join(', ')}, or none.`,
      operations: ['audit'],
      defaultText: 'expired,expiring',
    },
    parseFindings,
  ),
  'unused-for': option(
    {
      description:
        'audit: a token not used for this long (or never, and older than that) is unused (such as 90d).',
      operations: ['audit'],
      defaultText: '90d',
    },
    parseDurationText,
  ),
  'dry-run': option(
    {
      description: 'Resolve, validate and check everything, change nothing, and say what would happen.',
      defaultText: 'false',
      declaredDefault: 'false',
      flag: true,
    },
    parseBoolean,
  ),
  'allow-insecure-http': option(
    {
      description:
        'Allow an http:// gitlab-url that is not a loopback address (the token then crosses the network in clear).',
      defaultText: 'false',
      declaredDefault: 'false',
      flag: true,
    },
    parseBoolean,
  ),
};

export type GitlabOptionName = keyof typeof GITLAB_OPTIONS;
export const TOKEN_SELECTING_OPERATIONS = TOKEN_SELECTING;
export const TOKEN_MAKING_OPERATIONS = TOKEN_MAKING;
export const FLEET_OPERATIONS = FLEET;
