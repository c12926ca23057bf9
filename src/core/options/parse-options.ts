/**
 * Raw strings in, typed options out: the GitLab options (gitlab-options.ts) and whatever option sets a front door
 * adds (the GitHub secret, the CLI's own), parsed together so that every problem is reported at once, before the
 * first request.
 */
import { InputError } from '../errors.js';
import type { Finding } from '../report/findings.js';
import {
  type NamespaceRef,
  type UserRef,
  type TokenAddress,
  type TokenKind,
  type TokenOwner,
  type TokenSelector,
} from '../tokens/access-token.js';
import { parseScopes } from '../tokens/scopes.js';
import { addDays, addDuration, type Duration } from '../time/expiry.js';
import {
  FLEET_OPERATIONS,
  GITLAB_OPTIONS,
  TOKEN_MAKING_OPERATIONS,
  TOKEN_SELECTING_OPERATIONS,
  type Shard,
  type TokenIdRef,
} from './gitlab-options.js';
import {
  givenOptions,
  misappliedOptions,
  optionMeta,
  orphanProblem,
  parseShape,
  isMisappliedProblem,
  type Operation,
  type OptionMeta,
  type OptionShape,
  type RawOptions,
  type ShapeOutput,
} from './option-kit.js';

export type GitlabInput = ShapeOutput<typeof GITLAB_OPTIONS>;

/** Where a CI/CD variable lives. */
export interface VariableOwner {
  readonly kind: 'project' | 'group';
  readonly ref: NamespaceRef;
}

export interface VariableTarget {
  readonly key: string;
  /** Where the token goes if writing `key` fails after the change. */
  readonly fallbackKey: string;
  /**
   * `token-resource`: the token's own project or group, known once the credential was read (a project or group
   * token given as token-id self without project/group). Undefined: nobody said and there is no default.
   */
  readonly owner: VariableOwner | 'token-resource' | undefined;
  readonly environmentScope: string;
  /** Undefined: a new variable is protected, an existing one keeps its setting. */
  readonly protected: boolean | undefined;
}

export type ExpiryRequest =
  { readonly kind: 'at'; readonly date: string } | { readonly kind: 'in'; readonly duration: Duration };

/** What a create asks for, besides the owner in the address. */
export interface CreateRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly description: string | undefined;
  /** Project and group tokens only. */
  readonly accessLevel: number | undefined;
}

export interface Options {
  readonly operation: Operation;
  readonly gitlabUrl: string;
  readonly gitlabToken: string;
  /** Which token (get, revoke, rotate) or whose tokens (create, list). */
  readonly address: TokenAddress;
  /** list: tokens whose name contains this text. */
  readonly nameFilter: string | undefined;
  readonly create: CreateRequest | undefined;
  readonly expiry: ExpiryRequest | undefined;
  readonly rotateBefore: Duration | undefined;
  readonly maxLifetimeDays: number;
  readonly state: 'active' | 'inactive' | 'all';
  readonly expiresWithin: Duration | undefined;
  /** create/rotate: the CI/CD variable that receives the new token. */
  readonly variable: VariableTarget | undefined;
  readonly strategy: 'rotate' | 'overlap';
  /** A second credential for recovering a rotation whose answer was lost. */
  readonly recoveryToken: string | undefined;
  readonly dryRun: boolean;
  /** sync and audit: the options of a run over many tokens; undefined for the other operations. */
  readonly fleet: FleetOptions | undefined;
}

/** Whose tokens an audit lists: every one the credential can see, or those of one user, group or project. */
export type AuditScope =
  | { readonly kind: 'visible' }
  | { readonly kind: 'user'; readonly user: UserRef }
  | { readonly kind: 'group'; readonly group: NamespaceRef }
  | { readonly kind: 'project'; readonly project: NamespaceRef };

export interface FleetOptions {
  /** Path of the inventory file: required for sync, optional for audit (then `unmanaged` is reported). */
  readonly inventory: string | undefined;
  /** Also write the JSON report here. */
  readonly reportFile: string | undefined;
  /** audit: also write the JUnit XML report here. */
  readonly junitFile: string | undefined;
  /** Tokens (or list pages) handled at once. */
  readonly concurrency: number;
  /** sync: only the entries of this shard. */
  readonly shard: Shard | undefined;
  /** audit: findings that fail the run (exit 5). */
  readonly failOn: readonly Finding[];
  /** audit: the `unused` window. */
  readonly unusedFor: Duration;
  /** audit: the `expiring` window. */
  readonly expiresWithin: Duration;
  readonly scope: AuditScope;
  /** The parse's `today` and default variable project, for parsing the inventory's entries the same way. */
  readonly today: string;
  readonly defaultVariableProject: NamespaceRef | undefined;
}

const DEFAULT_FLEET = {
  concurrency: 4,
  failOn: ['expired', 'expiring'] as const,
  unusedFor: { amount: 90, unit: 'd', text: '90d' } as const,
  expiresWithin: { amount: 30, unit: 'd', text: '30d' } as const,
};

export interface ParseContext {
  /** Today in UTC by the local clock; expiry is checked again against GitLab's clock before any change. */
  readonly today: string;
  /** Where variable-key lives when nobody said and the token has no project or group (GitLab CI: the job's). */
  readonly defaultVariableProject?: NamespaceRef;
  /** How a value problem names the option: "Input expires-in" by default; "tokens[3] (deploy-bot): expires-in". */
  readonly label?: (name: string) => string;
}

/**
 * A set of options defined beside what uses it (the GitHub secret beside the GitHub adapter, the CLI's flags beside
 * the CLI): parsed with the GitLab options, its problems reported with theirs.
 */
export interface OptionSet<T> {
  readonly shape: OptionShape;
  /** Typed value and the problems of this set, given the operation and the GitLab options. */
  parse(
    given: Record<string, string>,
    gitlab: { operation: Operation; input: GitlabInput },
  ): {
    readonly value: T;
    readonly problems: readonly string[];
  };
}

/** Every option name of the GitLab options and the given sets. */
export function optionNames(sets: readonly OptionSet<unknown>[] = []): string[] {
  return describeOptions(sets).map(([name]) => name);
}

/** Every option of the GitLab options and the given sets, in order, with its metadata (for docs and help). */
export function describeOptions(sets: readonly OptionSet<unknown>[] = []): (readonly [string, OptionMeta])[] {
  return [GITLAB_OPTIONS, ...sets.map((set) => set.shape)].flatMap((shape) =>
    Object.entries(shape).map(([name, schema]) => [name, optionMeta(schema)] as const),
  );
}

/** The values of every secret option given, so that a front door can protect them before anything is written. */
export function secretValues(raw: RawOptions, sets: readonly OptionSet<unknown>[] = []): string[] {
  return describeOptions(sets)
    .filter(([, meta]) => meta.secret)
    .map(([name]) => raw[name]?.trim() ?? '')
    .filter((value) => value !== '');
}

/**
 * Parses the GitLab options and the given sets. Throws an InputError naming every problem (which input, what was
 * expected, what was given, never a secret); returns warnings for what is allowed but probably not meant.
 */
export function parseOptions<T extends unknown[]>(
  raw: RawOptions,
  context: ParseContext,
  ...sets: { [K in keyof T]: OptionSet<T[K]> }
): { options: Options; sets: T; warnings: string[] } {
  const outcome = tryParseOptions<T>(raw, context, ...sets);
  if ('problems' in outcome) throw inputError(outcome.problems);
  return outcome;
}

/** As parseOptions, with the problems returned instead of thrown (an inventory collects those of every entry). */
export function tryParseOptions<T extends unknown[]>(
  raw: RawOptions,
  context: ParseContext,
  ...sets: { [K in keyof T]: OptionSet<T[K]> }
): { options: Options; sets: T; warnings: string[] } | { problems: string[] } {
  const given = givenOptions(raw, optionNames(sets));
  const parsed = parseShape(GITLAB_OPTIONS, given, context.label);
  const input = parsed.input;
  const problems = [...parsed.problems];
  const operation = input.operation ?? 'rotate';
  // An operation that is not one (already a problem) cannot say which options apply: judging them by the default
  // operation's rules would add a wrong line for every option `rotate` does not take.
  const operationKnown = given.operation === undefined || input.operation !== undefined;
  const applicable = (each: string) => operationKnown || !isMisappliedProblem(each);
  problems.push(...misappliedOptions(GITLAB_OPTIONS, given, operation).filter(applicable));
  const setValues = sets.map((set) => {
    const result = set.parse(given, { operation, input });
    problems.push(...result.problems.filter(applicable));
    return result.value;
  }) as T;
  if (parsed.problems.length > 0) return { problems };

  problems.push(...crossFieldProblems(input, given, operation, context));
  if (problems.length > 0) return { problems };

  const warnings: string[] = [];
  const unknownScopes = input.scopes ? parseScopes(input.scopes.join(' ')).unknown : [];
  if (unknownScopes.length > 0) {
    warnings.push(
      `Scopes ${unknownScopes.join(', ')} are not scopes this version knows; they are passed to GitLab as given, which rejects them if they do not exist.`,
    );
  }
  const address = tokenAddress(input, operation);
  if (
    operation === 'rotate' &&
    input.strategy === 'overlap' &&
    (address.owner.kind === 'project' || address.owner.kind === 'group')
  ) {
    warnings.push(
      `strategy overlap creates a new ${address.owner.kind} access token, which comes with a new bot user: protected-branch, approval and other rules that name the old bot user stop applying to the new token. strategy rotate keeps the bot user.`,
    );
  }
  const url = input['gitlab-url'] ?? { url: 'https://gitlab.com', insecure: false };
  return {
    options: {
      operation,
      gitlabUrl: url.url,
      gitlabToken: input['gitlab-token'] ?? '',
      address,
      nameFilter: operation === 'list' ? input.name : undefined,
      create:
        operation === 'create'
          ? {
              name: input.name ?? '',
              scopes: input.scopes ?? [],
              description: input.description,
              accessLevel: input['access-level'],
            }
          : undefined,
      expiry:
        input['expires-at'] !== undefined
          ? { kind: 'at', date: input['expires-at'] }
          : input['expires-in'] !== undefined
            ? { kind: 'in', duration: input['expires-in'] }
            : undefined,
      rotateBefore: input['rotate-before'],
      maxLifetimeDays: input['max-lifetime-days'] ?? 365,
      state: input.state ?? 'active',
      expiresWithin: input['expires-within'],
      variable: variableTarget(input, address.owner, context),
      strategy: input.strategy ?? 'rotate',
      recoveryToken: input['recovery-token'],
      dryRun: input['dry-run'] ?? false,
      fleet: FLEET_OPERATIONS.includes(operation) ? fleetOptions(input, context) : undefined,
    },
    sets: setValues,
    warnings,
  };
}

function crossFieldProblems(
  input: GitlabInput,
  given: Record<string, string>,
  operation: Operation,
  context: ParseContext,
): string[] {
  const problems: string[] = [];
  if (input['gitlab-token'] === undefined) {
    problems.push(
      'Input gitlab-token is required: the credential that calls GitLab (CLI: the GITLAB_TOKEN environment variable, or gitlab-token-variable naming another).',
    );
  }
  const url = input['gitlab-url'];
  if (url?.insecure && input['allow-insecure-http'] !== true) {
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
  if (FLEET_OPERATIONS.includes(operation)) problems.push(...fleetProblems(input, given, operation));
  else problems.push(...kindProblems(input, operation));
  const selects = TOKEN_SELECTING_OPERATIONS.includes(operation);
  const selector = input['token-id'] !== undefined || input['token-name'] !== undefined;
  if (
    selects &&
    !selector &&
    (input['token-kind'] ?? 'personal') === 'personal' &&
    input.user !== undefined
  ) {
    // Without a selector the operation would act on the credential itself, whoever user names. (A project, group
    // or service account given with token-kind is where the credential itself belongs: that is allowed.)
    problems.push(
      `Input user says whose token, but operation ${operation} was given no token-name or token-id, so it would act on gitlab-token itself. Give token-name (or token-id).`,
    );
  }
  if (operation === 'revoke' && !selector) {
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
      [
        'variable-project',
        'variable-group',
        'variable-environment-scope',
        'variable-protected',
        'fallback-variable-key',
      ] as const
    ).filter((name) => given[name] !== undefined);
    const problem = orphanProblem(orphans, 'variable-key', 'the variable to store the token in');
    if (problem) problems.push(problem);
  } else if (
    input['variable-project'] === undefined &&
    input['variable-group'] === undefined &&
    (input['token-kind'] ?? 'personal') === 'personal' &&
    context.defaultVariableProject === undefined
  ) {
    problems.push(
      `Input variable-key ${input['variable-key']} needs variable-project or variable-group: where the variable lives (project and group tokens default to their own project or group; in GitLab CI the job's project is the default).`,
    );
  }
  const window = input['rotate-before'];
  if (window !== undefined) {
    // A window as long as the longest lifetime makes every run rotate: refused here, not after two requests.
    const maxDays = input['max-lifetime-days'] ?? 365;
    if (addDuration(context.today, window) >= addDays(context.today, maxDays)) {
      problems.push(
        `Input rotate-before: ${window.text} is as long as the longest lifetime a token can have (${maxDays} days, max-lifetime-days), so every run would rotate. Give a shorter rotate-before, such as 30d.`,
      );
    }
  }
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
  return problems;
}

/** An inventory says whose token each entry is; an audit covers every kind, of one owner at most. */
function fleetProblems(input: GitlabInput, given: Record<string, string>, operation: Operation): string[] {
  const problems: string[] = [];
  const owners = (['user', 'project', 'group'] as const).filter((name) => given[name] !== undefined);
  if (operation === 'sync') {
    if (input.inventory === undefined)
      problems.push(
        'Operation sync needs inventory: the path of the inventory file (YAML or JSON) that lists the tokens to keep alive.',
      );
    // token-kind personal is the Action's declared default, passed to every run: only another kind is a mistake.
    const kind =
      input['token-kind'] !== undefined && input['token-kind'] !== 'personal' ? ['token-kind'] : [];
    for (const name of [...owners, ...kind]) {
      problems.push(
        `Input ${name} does not apply to operation sync: each entry of the inventory says whose token it is (put ${name} in its defaults or entries).`,
      );
    }
  } else {
    if (input['token-kind'] !== undefined && input['token-kind'] !== 'personal')
      problems.push(
        'Input token-kind does not apply to operation audit: it audits tokens of every kind. Give user, group or project to narrow it.',
      );
    if (owners.length > 1)
      problems.push(
        `Inputs ${owners.join(' and ')} each narrow an audit to one owner; give only one of them.`,
      );
  }
  return problems;
}

function fleetOptions(input: GitlabInput, context: ParseContext): FleetOptions {
  const scope: AuditScope =
    input.user !== undefined
      ? { kind: 'user', user: input.user }
      : input.group !== undefined
        ? { kind: 'group', group: input.group }
        : input.project !== undefined
          ? { kind: 'project', project: input.project }
          : { kind: 'visible' };
  return {
    inventory: input.inventory,
    reportFile: input['report-file'],
    junitFile: input['junit-file'],
    concurrency: input.concurrency ?? DEFAULT_FLEET.concurrency,
    shard: input.shard,
    failOn: input['fail-on'] ?? DEFAULT_FLEET.failOn,
    unusedFor: input['unused-for'] ?? DEFAULT_FLEET.unusedFor,
    expiresWithin: input['expires-within'] ?? DEFAULT_FLEET.expiresWithin,
    scope,
    today: context.today,
    defaultVariableProject: context.defaultVariableProject,
  };
}

/** What each token kind needs to know whose token is meant, and the inputs that make no sense for it. */
function kindProblems(input: GitlabInput, operation: Operation): string[] {
  const kind: TokenKind = input['token-kind'] ?? 'personal';
  const self =
    TOKEN_SELECTING_OPERATIONS.includes(operation) &&
    input['token-name'] === undefined &&
    (input['token-id'] === undefined || input['token-id'] === 'self');
  const problems: string[] = [];
  const refuse = (name: 'user' | 'project' | 'group', why: string) => {
    if (input[name] !== undefined)
      problems.push(`Input ${name} does not apply to token-kind ${kind}: ${why}`);
  };
  const need = (name: 'user' | 'project' | 'group', what: string) => {
    if (input[name] === undefined && !self) problems.push(`token-kind ${kind} needs ${name}: ${what}`);
  };
  switch (kind) {
    case 'personal':
      refuse(
        'project',
        'a personal token belongs to a user. For a project access token give token-kind project; for the variable that receives the token, variable-project.',
      );
      refuse(
        'group',
        'a personal token belongs to a user. For a group access token give token-kind group; for the variable that receives the token, variable-group.',
      );
      break;
    case 'project':
      need('project', 'the project (id or full path) whose access token this is.');
      refuse('user', "a project access token's user is the bot GitLab makes for it. Remove user.");
      refuse('group', 'give project, the project the token belongs to.');
      break;
    case 'group':
      need('group', 'the group (id or full path) whose access token this is.');
      refuse('user', "a group access token's user is the bot GitLab makes for it. Remove user.");
      refuse('project', 'give group, the group the token belongs to.');
      break;
    case 'service-account':
      need('group', 'the group (id or full path) the service account belongs to.');
      need('user', "the service account's username or id.");
      refuse('project', 'a service account belongs to a group: give group.');
      break;
  }
  if (input['access-level'] !== undefined && kind !== 'project' && kind !== 'group') {
    problems.push(
      `Input access-level applies to project and group access tokens (the bot user's role); token-kind is ${kind}. Remove access-level or give token-kind project or group.`,
    );
  }
  return problems;
}

function tokenAddress(input: GitlabInput, operation: Operation): TokenAddress {
  const kind: TokenKind = input['token-kind'] ?? 'personal';
  const owner: TokenOwner =
    kind === 'personal'
      ? { kind, user: input.user }
      : kind === 'project'
        ? { kind, project: input.project }
        : kind === 'group'
          ? { kind, group: input.group }
          : { kind, group: input.group, user: input.user };
  return { owner, selector: tokenSelector(operation, input['token-id'], input['token-name']) };
}

function tokenSelector(
  operation: Operation,
  tokenId: TokenIdRef | undefined,
  tokenName: string | undefined,
): TokenSelector {
  // create and list act on an owner, not on one token; `self` there means "the caller's".
  if (!TOKEN_SELECTING_OPERATIONS.includes(operation)) return { kind: 'self' };
  if (tokenName !== undefined) return { kind: 'name', name: tokenName };
  if (tokenId === undefined || tokenId === 'self') return { kind: 'self' };
  return { kind: 'id', id: tokenId };
}

/** The variable the options describe (variable-key and its companions), for an owner; undefined without a key. */
export function variableTarget(
  input: GitlabInput,
  owner: TokenOwner,
  context: ParseContext,
): VariableTarget | undefined {
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
          : defaultVariableOwner(owner, context),
    environmentScope: input['variable-environment-scope'] ?? '*',
    protected: input['variable-protected'],
  };
}

/** The contract: the token's own project or group, else the job's project. */
function defaultVariableOwner(owner: TokenOwner, context: ParseContext): VariableTarget['owner'] {
  if (owner.kind === 'project')
    return owner.project !== undefined ? { kind: 'project', ref: owner.project } : 'token-resource';
  if (owner.kind === 'group')
    return owner.group !== undefined ? { kind: 'group', ref: owner.group } : 'token-resource';
  if (owner.kind === 'service-account' && owner.group !== undefined)
    return { kind: 'group', ref: owner.group };
  return context.defaultVariableProject !== undefined
    ? { kind: 'project', ref: context.defaultVariableProject }
    : undefined;
}

export function inputError(problems: readonly string[]): InputError {
  return new InputError(
    problems.length === 1 ? (problems[0] ?? '') : `Invalid input:\n- ${problems.join('\n- ')}`,
  );
}

export { TOKEN_MAKING_OPERATIONS, TOKEN_SELECTING_OPERATIONS };
