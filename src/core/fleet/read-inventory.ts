/**
 * An inventory file in, every entry's options out, or every problem of the file at once, before any request: each
 * names the entry (`tokens[3] (deploy-bot)`), the key, what was expected and what was given (never a value shaped
 * like a token). The structure is checked by the zod schema (inventory-schema.ts); each value is then parsed by the
 * option kit as the Action input or CLI flag of the same name would be, and the cross-field rules apply per entry.
 */
import type { Destination } from '../destinations/destination.js';
import { InputError } from '../errors.js';
import { GITLAB_OPTIONS } from '../options/gitlab-options.js';
import {
  closestName,
  describeGiven,
  looksLikeToken,
  parseShape,
  type Operation,
  type OptionMeta,
} from '../options/option-kit.js';
import {
  describeOptions,
  tryParseOptions,
  variableTarget,
  type Options,
  type VariableTarget,
} from '../options/parse-options.js';
import type { NamespaceRef, TokenKind } from '../tokens/access-token.js';
import {
  ENTRY_OPTION_NAMES,
  inventorySchema,
  VARIABLE_ITEM_OPTIONS,
  type InventoryListShape,
} from './inventory-schema.js';

/** One entry, ready to run: the options of its operation(s) and where a new value goes. */
export interface InventoryEntry {
  /** 0-based position in `tokens`. */
  readonly index: number;
  readonly key: string;
  /** `tokens[3] (deploy-bot)`, for messages. */
  readonly label: string;
  readonly state: 'active' | 'revoked';
  readonly kind: TokenKind;
  /** rotate (state active) or revoke (state revoked). */
  readonly primary: Options;
  /** create-missing: how a token missing by name is created. */
  readonly create: Options | undefined;
  readonly variables: readonly VariableTarget[];
  /** Destinations a front door added (GitHub secrets), one factory each: a destination is fresh per attempt. */
  readonly extraDestinations: readonly (() => Destination)[];
  /** Equal for two entries that name the same token (as far as the file tells). */
  readonly familyKey: string;
  /** No token-id or token-name, or token-id self: the entry manages the credential itself. */
  readonly selectsCredential: boolean;
}

/** A destination list a front door adds to the inventory (`github-secrets`), and how an item becomes a destination. */
export interface InventoryList {
  readonly shape: InventoryListShape;
  /**
   * One item, its values already parsed by `shape.items` (by item key). Returns the destination's factory, or the
   * problems (each starting with `label`). Called only for sync, which writes the destinations.
   */
  build(
    values: Readonly<Record<string, unknown>>,
    label: string,
  ): {
    readonly destination?: () => Destination;
    /** Where the destination delivers: its identity and description, for the one-place-one-token rule. */
    readonly place?: { readonly identity: string; readonly description: string };
    readonly problems: readonly string[];
  };
}

/**
 * Somewhere an entry delivers its new token, as far as the file tells: two entries must never share one. The
 * identity compares as the place's owner does (GitLab paths and everything GitHub case-insensitively).
 */
export interface DeliveryPlace {
  readonly identity: string;
  /** `CI/CD variable DEPLOY in project group/app (environment scope *)`. */
  readonly description: string;
  /** Within the entry: `variables[0]`, `github-secrets[1]`. */
  readonly where: string;
  /** A fallback is written only when a destination fails, and then holds the token as surely. */
  readonly role: 'destination' | 'fallback';
  /** How to tell the two apart, said of the entry labelled so. */
  readonly fix: (label: string) => string;
}

export interface ReadInventoryInput {
  /** For messages. */
  readonly path: string;
  readonly text: string;
  /** The run's own options (sync or audit): credential, instance, dry run, lifetime limit, parse context. */
  readonly run: Options;
  readonly lists: readonly InventoryList[];
}

/** In an inventory, a token is rotated when it expires within this unless the file says otherwise. */
export const INVENTORY_ROTATE_BEFORE = '30d';

const ENTRY_ONLY_KEYS = ['key', 'state', 'create-missing', 'variables'];
const META: ReadonlyMap<string, OptionMeta> = new Map(describeOptions());

/** `tokens[i] (key): key ... is also the key of tokens[j]` for every key a file that failed its schema repeats. */
function repeatedKeys(data: unknown): string[] {
  const tokens = (data as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) return [];
  const first = new Map<string, number>();
  const problems: string[] = [];
  for (const [index, item] of tokens.entries()) {
    const key = (item as { key?: unknown } | null)?.key;
    if (typeof key !== 'string') continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else
      problems.push(
        `tokens[${index}] (${key}): key ${key} is also the key of tokens[${earlier}]; keys must be unique.`,
      );
  }
  return problems;
}

/** Parses and checks an inventory; throws one InputError listing every problem. */
export async function readInventory(input: ReadInventoryInput): Promise<InventoryEntry[]> {
  const data = await parseText(input.path, input.text);
  const problems: string[] = [];
  const listKeys = input.lists.map((list) => list.shape.key);
  problems.push(...tokenShapedValues(data, [], data));
  const checked = inventorySchema(input.lists.map((list) => list.shape)).safeParse(data);
  if (!checked.success) {
    for (const issue of checked.error.issues) problems.push(...describeIssue(issue, data, listKeys));
    // Every problem at once: keys used twice are said now too, not only once the rest is fixed.
    problems.push(...repeatedKeys(data));
    throw inventoryError(input.path, problems);
  }
  if (problems.length > 0) throw inventoryError(input.path, problems);

  const file = checked.data as {
    defaults?: Record<string, unknown>;
    tokens: (Record<string, unknown> & { key: string })[];
  };
  const entries: InventoryEntry[] = [];
  const byKey = new Map<string, number>();
  const byFamily = new Map<string, InventoryEntry>();
  const byPlace = new Map<string, DeliveryPlace & { readonly label: string }>();
  for (const [index, raw] of file.tokens.entries()) {
    const label = `tokens[${index}] (${raw.key})`;
    const earlier = byKey.get(raw.key);
    if (earlier !== undefined) {
      problems.push(`${label}: key ${raw.key} is also the key of tokens[${earlier}]; keys must be unique.`);
      continue;
    }
    byKey.set(raw.key, index);
    const built = buildEntry(index, label, { ...(file.defaults ?? {}), ...raw }, input);
    problems.push(...built.problems);
    if (!built.entry) continue;
    const twin = byFamily.get(built.entry.familyKey);
    if (twin) {
      problems.push(
        `${label}: names the same token as ${twin.label}; one token must have one entry (two would rotate it twice, and GitLab revokes a token family whose old token is sent to rotate).`,
      );
      continue;
    }
    byFamily.set(built.entry.familyKey, built.entry);
    // One place holds one token: two entries delivering there (a variable, its fallback, a GitHub secret) would
    // overwrite each other, and the first one's new token would be lost while both report where it is.
    const told = new Set<string>();
    for (const place of built.places) {
      const holder = byPlace.get(place.identity);
      if (holder !== undefined && holder.label !== built.entry.label) {
        // A variable shared whole shares its fallback too: one problem says it.
        const pair = `${holder.label}|${holder.where.split('.')[0] ?? ''}|${place.where.split('.')[0] ?? ''}`;
        if (told.has(pair)) continue;
        told.add(pair);
        problems.push(
          `${label}: ${place.where}: ${place.description} is ${place.role === 'fallback' ? "this entry's fallback, and " : ''}also ${holder.role === 'fallback' ? `the fallback of ${holder.label} (${holder.where}), where its new token goes when a write fails` : `written by ${holder.label} (${holder.where})`}; one place holds one token, or one entry's new token would overwrite the other's and be lost. ${place.role !== 'fallback' && holder.role === 'fallback' ? holder.fix(holder.label) : place.fix(label)}`,
        );
        continue;
      }
      if (holder === undefined) byPlace.set(place.identity, { ...place, label: built.entry.label });
    }
    entries.push(built.entry);
  }
  if (problems.length > 0) throw inventoryError(input.path, problems);
  return entries;
}

function inventoryError(path: string, problems: readonly string[]): InputError {
  const shown = problems.slice(0, 50);
  const more = problems.length > shown.length ? `\n- ... and ${problems.length - shown.length} more` : '';
  return new InputError(
    `The inventory ${path} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}; nothing was done:\n- ${shown.join('\n- ')}${more}`,
  );
}

async function parseText(path: string, text: string): Promise<unknown> {
  // YAML 1.2 reads JSON too; its errors give a line and column, where JSON.parse's quote the text.
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw inventoryError(
      path,
      document.errors.slice(0, 10).map((error) => {
        const at = error.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}` : 'somewhere';
        // The parser's sentence, without any excerpt of the file (it could hold a pasted secret).
        const sentence = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?.*$/, '') ?? '';
        return `${where}: ${scrubTokens(sentence)} (${error.code}); the file must be YAML or JSON.`;
      }),
    );
  }
  const data: unknown = document.toJS();
  if (data === null || data === undefined) {
    throw inventoryError(path, [
      'the file is empty: it needs tokens: [...], a list of entries (see the README).',
    ]);
  }
  return data;
}

const scrubTokens = (text: string) =>
  text.replace(/gl[a-z]{1,6}-[A-Za-z0-9_.-]{8,}/g, '(a value shaped like a GitLab token)');

/** An inventory never holds a secret: a value shaped like a GitLab token is a mistake, and never echoed. */
function tokenShapedValues(value: unknown, path: (string | number)[], data: unknown): string[] {
  if (typeof value === 'string') {
    return looksLikeToken(value)
      ? [
          `${pathLabel(path, data)}: holds a value shaped like a GitLab token (not shown). An inventory never holds a secret: the credential is the run's gitlab-token. Remove it, and revoke that token if the file was shared.`,
        ]
      : [];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => tokenShapedValues(item, [...path, index], data));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      ...(looksLikeToken(key)
        ? [`${pathLabel(path, data)}: has a key shaped like a GitLab token (not shown); remove it.`]
        : []),
      ...tokenShapedValues(item, [...path, key], data),
    ]);
  }
  return [];
}

/** `tokens[3] (deploy-bot): variables[0].project`, `defaults: expires-in`, `the file`. */
function pathLabel(path: readonly PropertyKey[], data?: unknown): string {
  if (path.length === 0) return 'the file';
  const [top, index, ...rest] = path;
  let head: string;
  let tail: readonly PropertyKey[];
  if (top === 'tokens' && typeof index === 'number') {
    const key = valueAt(data, ['tokens', index, 'key']);
    head = `tokens[${index}]${typeof key === 'string' && key !== '' ? ` (${key})` : ''}`;
    tail = rest;
  } else {
    head = String(top);
    tail = index === undefined ? [] : [index, ...rest];
  }
  const subpath = tail
    .map((part, position) =>
      typeof part === 'number' ? `[${part}]` : `${position === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
  return subpath === '' ? head : `${head}: ${subpath}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

const RUN_OPTION_KEYS = new Set(
  [...META.keys()].filter(
    (name) => !(ENTRY_OPTION_NAMES as readonly string[]).includes(name) && name in GITLAB_OPTIONS,
  ),
);

/** What a user meant by a key the schema does not have, and what to write instead. */
function unknownKey(key: string, where: string, allowed: readonly string[]): string {
  if (['gitlab-token', 'recovery-token', 'github-token'].includes(key)) {
    return `${where}: ${key} is a secret, and an inventory never holds one: every entry uses the run's gitlab-token (and github-token for github-secrets). Remove it, and revoke that token if the file was shared.`;
  }
  if (key === 'gitlab-url') {
    return `${where}: gitlab-url comes from the run (the Action input, CLI flag or $CI_SERVER_URL), never from the file; remove it.`;
  }
  if (key.startsWith('variable-') || key === 'fallback-variable-key') {
    return `${where}: ${key} is written as a variables item in an inventory: variables: [{ key: DEPLOY_TOKEN, project: group/app }] (the keys are key, project, group, environment-scope, protected, fallback-key).`;
  }
  if (key.startsWith('github-secret')) {
    return `${where}: ${key} is written as a github-secrets item in an inventory: github-secrets: [{ name: GITLAB_TOKEN, repository: owner/name }] (the keys are name, repository, environment, org).`;
  }
  if (key === 'name') {
    return `${where}: name is not an inventory key: token-name selects the token (and names it when create-missing creates it).`;
  }
  if (RUN_OPTION_KEYS.has(key)) {
    return `${where}: ${key} is an option of the run (the Action input or CLI flag), not of an inventory entry; remove it.`;
  }
  const guess = closestName(key, allowed);
  return `${where}: unknown key ${JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key)}.${guess ? ` Did you mean ${guess}?` : ` The keys here are ${allowed.join(', ')}.`}`;
}

/** What a key of the schema expects, in the words of its option. */
const EXPECTED: Record<string, string> = {
  key: 'a name of letters, digits, ".", "_" and "-" (at most 100), unique in the file',
  state: 'active or revoked',
  'create-missing': 'true or false',
  protected: 'true or false',
  variables: 'a list of variables, such as [{ key: DEPLOY_TOKEN, project: group/app }]',
  tokens: 'a list of entries, each with at least a key',
  defaults: 'a mapping of options, such as { expires-in: 90d, rotate-before: 30d }',
  'token-kind': 'one of personal, project, group, service-account',
  'token-id': '"self" or a numeric token id',
  user: 'a user id or username',
  project: 'a project id or full path',
  group: 'a group id or full path',
  scopes: 'a list of scopes, such as [api, read_registry], or a text "api, read_registry"',
  'access-level': 'guest, planner, reporter, developer, maintainer, owner or 10-50',
  'expires-at': 'a date as YYYY-MM-DD (quoted in YAML is safest), such as "2027-03-31"',
  'expires-in': 'a duration such as 30d, 12w, 6m or 1y',
  'rotate-before': 'a duration such as 30d, 12w, 6m or 1y',
  'max-lifetime-days': 'a whole number of days from 1 to 400',
  strategy: 'rotate or overlap',
};

function describeIssue(
  issue: { code: string; path: PropertyKey[]; keys?: string[]; message: string },
  data: unknown,
  listKeys: readonly string[],
): string[] {
  const where = pathLabel(issue.path, data);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path, listKeys);
    return (issue.keys ?? []).map((key) => unknownKey(key, where, allowed));
  }
  const last = [...issue.path].reverse().find((part) => typeof part === 'string');
  const given = valueAt(data, issue.path);
  if (issue.path.length === 0) {
    return [
      `the file: expected a mapping with tokens: [...] (and optionally defaults: {...}); ${shown(given)}.`,
    ];
  }
  if (given === undefined) {
    return [`${where}: missing; expected ${EXPECTED[String(last)] ?? 'a value'}.`];
  }
  const expected =
    EXPECTED[String(last)] ?? (listKeys.includes(String(last)) ? 'a list of mappings' : undefined);
  return [`${where}: expected ${expected ?? issue.message}; ${shown(given)}.`];
}

function shown(value: unknown): string {
  if (typeof value === 'string') return describeGiven(value);
  if (Array.isArray(value)) return 'got a list';
  if (value === null) return 'got nothing (null)';
  if (typeof value === 'object') return 'got a mapping';
  return `got ${scalarText(value)}`;
}

/** A number, boolean or other scalar as written (objects never reach here). */
function scalarText(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? value.toString()
    : typeof value === 'string'
      ? value
      : typeof value;
}

function allowedKeys(path: readonly PropertyKey[], listKeys: readonly string[]): string[] {
  if (path.length === 0) return ['defaults', 'tokens'];
  if (path[0] === 'defaults') return [...ENTRY_OPTION_NAMES, 'create-missing'];
  if (path.length >= 4 && path[2] === 'variables') return Object.keys(VARIABLE_ITEM_OPTIONS);
  return [...ENTRY_ONLY_KEYS, ...ENTRY_OPTION_NAMES, ...listKeys];
}

/** A YAML or JSON value as the option kit reads text: scopes lists joined, numbers and booleans as written. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // The schema allows only scalars and lists of text here.
  if (Array.isArray(value)) return value.map(scalarText).join(',');
  return scalarText(value);
}

/** Only the options that apply to the operation: defaults may hold keys for create-missing that a rotate ignores. */
function forOperation(
  given: Record<string, string | undefined>,
  operation: Operation,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(given).filter(([name]) => {
      const applies = META.get(name)?.operations;
      return applies === undefined || applies.includes(operation);
    }),
  );
}

function buildEntry(
  index: number,
  label: string,
  merged: Record<string, unknown>,
  input: ReadInventoryInput,
): { entry?: InventoryEntry; places: DeliveryPlace[]; problems: string[] } {
  const { run } = input;
  const fleet = run.fleet;
  if (!fleet) throw new Error('an inventory is read for sync and audit only, which have the fleet options');
  const operation = run.operation;
  const problems: string[] = [];
  const context = {
    today: fleet.today,
    ...(fleet.defaultVariableProject !== undefined
      ? { defaultVariableProject: fleet.defaultVariableProject }
      : {}),
    label: (name: string) => `${label}: ${name}`,
  };
  const options: Record<string, string | undefined> = {
    'gitlab-url': run.gitlabUrl,
    'gitlab-token': run.gitlabToken,
    // The run's gitlab-url passed its own check already.
    'allow-insecure-http': 'true',
    'dry-run': String(run.dryRun),
    'max-lifetime-days': String(run.maxLifetimeDays),
  };
  for (const name of ENTRY_OPTION_NAMES) {
    const value = asText(merged[name]);
    if (value !== undefined) options[name] = value;
  }
  const state = (merged.state as 'active' | 'revoked' | undefined) ?? 'active';
  const createMissing = merged['create-missing'] === true;
  const hasSelector = options['token-id'] !== undefined || options['token-name'] !== undefined;
  const selectsCredential =
    options['token-name'] === undefined &&
    (options['token-id'] === undefined || options['token-id'].toLowerCase() === 'self');
  const prefix = (problem: string) => (problem.startsWith(`${label}:`) ? problem : `${label}: ${problem}`);
  const parse = (raw: Record<string, string | undefined>) => {
    const outcome = tryParseOptions(raw, context);
    if ('problems' in outcome) {
      problems.push(...outcome.problems.map(prefix));
      return undefined;
    }
    return outcome.options;
  };

  const primaryOperation = state === 'revoked' ? 'revoke' : 'rotate';
  if (state === 'revoked' && !hasSelector) {
    problems.push(
      `${label}: state revoked needs token-name (or token-id): which token to revoke. (Revoking the run's own credential from an inventory would stop the run itself.)`,
    );
  }
  const primary = parse({
    ...forOperation(options, primaryOperation),
    operation: primaryOperation,
    ...(primaryOperation === 'rotate' && options['rotate-before'] === undefined && operation === 'sync'
      ? { 'rotate-before': INVENTORY_ROTATE_BEFORE }
      : {}),
  });
  let create: Options | undefined;
  if (createMissing) {
    if (state === 'revoked') {
      problems.push(
        `${label}: create-missing and state revoked contradict each other; give only one of them.`,
      );
    } else if (options['token-name'] === undefined) {
      problems.push(
        `${label}: create-missing needs token-name: the name of the token to create when none is active.`,
      );
    } else if (options.scopes === undefined) {
      problems.push(
        `${label}: create-missing needs scopes: what a missing token is created with, such as [api].`,
      );
    } else {
      const { 'token-name': name, 'token-id': _id, ...rest } = options;
      create = parse({ ...forOperation(rest, 'create'), operation: 'create', name });
    }
  }

  const variables: VariableTarget[] = [];
  const places: DeliveryPlace[] = [];
  const extraDestinations: (() => Destination)[] = [];
  const owner = primary?.address.owner;
  const items = (merged.variables as Record<string, unknown>[] | undefined) ?? [];
  for (const [position, item] of items.entries()) {
    const itemLabel = `${label}: variables[${position}]`;
    const given: Record<string, string> = {};
    for (const [itemKey, option] of Object.entries(VARIABLE_ITEM_OPTIONS)) {
      const value = asText(item[itemKey]);
      if (value !== undefined && value.trim() !== '') given[option] = value.trim();
    }
    const parsed = parseShape(GITLAB_OPTIONS, given, (name) => `${itemLabel}.${itemKeyOf(name)}`);
    problems.push(...parsed.problems);
    if (parsed.problems.length > 0 || !owner) continue;
    if (parsed.input['variable-project'] !== undefined && parsed.input['variable-group'] !== undefined) {
      problems.push(
        `${itemLabel}: project and group both say where the variable lives; give only one of them.`,
      );
      continue;
    }
    const target = variableTarget(parsed.input, owner, context);
    if (!target || target.owner === undefined) {
      problems.push(
        `${itemLabel}: needs project or group: where the variable ${given['variable-key'] ?? ''} lives (project and group tokens default to their own project or group; in GitLab CI, the job's project is the default).`,
      );
      continue;
    }
    variables.push(target);
    places.push(...variablePlaces(target, `variables[${position}]`));
  }
  for (const list of input.lists) {
    const listItems = (merged[list.shape.key] as Record<string, unknown>[] | undefined) ?? [];
    for (const [position, item] of listItems.entries()) {
      const itemLabel = `${label}: ${list.shape.key}[${position}]`;
      const given: Record<string, string> = {};
      for (const itemKey of Object.keys(list.shape.items)) {
        const value = asText(item[itemKey]);
        if (value !== undefined && value.trim() !== '') given[itemKey] = value.trim();
      }
      const parsed = parseShape(list.shape.items, given, (key) => `${itemLabel}.${key}`);
      problems.push(...parsed.problems);
      if (parsed.problems.length > 0 || operation !== 'sync') continue;
      const built = list.build(parsed.input, itemLabel);
      problems.push(...built.problems);
      if (built.destination) extraDestinations.push(built.destination);
      if (built.place) {
        places.push({
          ...built.place,
          where: `${list.shape.key}[${position}]`,
          role: 'destination',
          fix: () => 'Give one of them another name.',
        });
      }
    }
  }
  if (
    operation === 'sync' &&
    state === 'active' &&
    variables.length === 0 &&
    extraDestinations.length === 0 &&
    problems.length === 0
  ) {
    problems.push(
      `${label}: has no variables${input.lists.map((list) => ` or ${list.shape.key}`).join('')}: a rotated or created token would have nowhere to go, and its value would be lost. Add variables: [{ key: ..., project: ... }].`,
    );
  }
  if (!primary || problems.length > 0) return { places, problems };
  return {
    places,
    problems,
    entry: {
      index,
      key: String(merged.key),
      label,
      state,
      kind: primary.address.owner.kind,
      primary,
      create,
      variables,
      extraDestinations,
      familyKey: familyKey(primary),
      selectsCredential: state === 'active' && selectsCredential,
    },
  };
}

/**
 * A variable and its fallback (the same owner and environment scope, key fallback-key), when the file names the
 * owner. By the text of its ref: a project named by path in one entry and by id in another is told apart only at run
 * time (sync.ts).
 */
function variablePlaces(target: VariableTarget, where: string): DeliveryPlace[] {
  if (target.owner === undefined || target.owner === 'token-resource') return [];
  const owner = `${target.owner.kind} ${String(target.owner.ref).toLowerCase()}`;
  const place = (key: string) => ({
    identity: `variable|${owner}|${key}|${target.environmentScope}`,
    description: `CI/CD variable ${key} in ${owner} (environment scope ${target.environmentScope})`,
  });
  return [
    {
      ...place(target.key),
      where,
      role: 'destination',
      fix: () =>
        'Give one of them another key (or environment-scope, if the two are meant for different environments).',
    },
    {
      ...place(target.fallbackKey),
      where: `${where}.fallback-key`,
      role: 'fallback',
      fix: (label) =>
        `Give ${label} ${where} another fallback-key (it is ${target.key}_FALLBACK unless given), or the other entry another key.`,
    },
  ];
}

function itemKeyOf(option: string): string {
  return Object.entries(VARIABLE_ITEM_OPTIONS).find(([, name]) => name === option)?.[0] ?? option;
}

function familyKey(options: Options): string {
  const { owner, selector } = options.address;
  const ref = (value: NamespaceRef | undefined) => String(value ?? '').toLowerCase();
  const who =
    owner.kind === 'personal'
      ? ref(owner.user)
      : owner.kind === 'project'
        ? ref(owner.project)
        : owner.kind === 'group'
          ? ref(owner.group)
          : `${ref(owner.group)}/${ref(owner.user)}`;
  if (selector.kind === 'self') return 'self';
  return `${owner.kind}|${who}|${selector.kind === 'id' ? `id:${selector.id}` : `name:${selector.name}`}`;
}
