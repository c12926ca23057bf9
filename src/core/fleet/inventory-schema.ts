/**
 * The inventory file's shape, defined once in zod: `defaults` and `tokens[]`, every key the option of the same name
 * (its description comes from the option), plus the keys only an inventory has (`key`, `state`, `create-missing`,
 * `variables`, and the destination lists a front door adds, such as `github-secrets`). The same schema validates a
 * file before any request and, through zod's toJSONSchema, becomes schema/inventory.schema.json for editors.
 * Values are checked for their type here and parsed by the option kit afterwards, exactly as an Action input or a
 * CLI flag of the same name would be.
 */
import {
  array,
  boolean,
  enum as choice,
  int,
  literal,
  number,
  optional,
  regex,
  registry,
  strictObject,
  string,
  toJSONSchema,
  union,
  type ZodMiniType,
} from 'zod/mini';
import { GITLAB_OPTIONS } from '../options/gitlab-options.js';
import { optionMeta, type OptionShape } from '../options/option-kit.js';
import { ACCESS_LEVELS, TOKEN_KINDS } from '../tokens/access-token.js';

/** Descriptions for the JSON Schema; the option kit's own registry carries more than a JSON Schema should. */
const docs = registry<{ description: string }>();
const described = <T extends ZodMiniType>(schema: T, description: string): T => {
  (schema as ZodMiniType).register(docs, { description });
  return schema;
};

const DURATION = /^[0-9]{1,4}\s*[dwmyDWMY]$/;
const text = () => string();
const idOrPath = () => union([int(), string()]);

/** Options an entry (or `defaults`) may set, with the type a YAML or JSON value of it has. */
const ENTRY_OPTION_TYPES = {
  'token-kind': () => choice(TOKEN_KINDS),
  user: idOrPath,
  project: idOrPath,
  group: idOrPath,
  'token-id': () => union([literal('self'), int()]),
  'token-name': text,
  description: text,
  scopes: () => union([array(string()), string()]),
  'access-level': () => union([choice(Object.keys(ACCESS_LEVELS) as [string, ...string[]]), int()]),
  'expires-at': () => string().check(regex(/^\d{4}-\d{2}-\d{2}$/)),
  'expires-in': () => string().check(regex(DURATION)),
  'rotate-before': () => string().check(regex(DURATION)),
  'max-lifetime-days': int,
  strategy: () => choice(['rotate', 'overlap']),
} as const satisfies Partial<Record<keyof typeof GITLAB_OPTIONS, () => ZodMiniType>>;
export type EntryOptionName = keyof typeof ENTRY_OPTION_TYPES;
export const ENTRY_OPTION_NAMES = Object.keys(ENTRY_OPTION_TYPES) as EntryOptionName[];

/** Inventory descriptions that differ from the option's (an inventory's rotate-before has a default). */
const ENTRY_NOTES: Partial<Record<EntryOptionName, string>> = {
  'rotate-before':
    ' In an inventory it defaults to 30d, so that a daily sync rotates each token only when due.',
  scopes: ' In an inventory, what a token missing under create-missing is created with (a list or a text).',
  'token-name': ' In an inventory, also the name a token missing under create-missing is created with.',
  description: ' In an inventory, used when a missing token is created (create-missing).',
  'access-level': ' In an inventory, used when a missing token is created (create-missing).',
};

function entryOptions() {
  return Object.fromEntries(
    ENTRY_OPTION_NAMES.map((name) => [
      name,
      described(
        optional(ENTRY_OPTION_TYPES[name]()),
        `${optionMeta(GITLAB_OPTIONS[name]).description}${ENTRY_NOTES[name] ?? ''}`,
      ),
    ]),
  ) as unknown as { [K in EntryOptionName]: ZodMiniType };
}

/**
 * A destination list an entry may have besides `variables`: its key (`github-secrets`), and per item key the
 * option it stands for (`name` -> `github-secret`), whose description and parse apply.
 */
export interface InventoryListShape {
  readonly key: string;
  readonly description: string;
  readonly items: OptionShape;
  /** Item keys that must be given. */
  readonly required: readonly string[];
}

/** `variables:` items: each key is variable-<key> of the options (key -> variable-key, project -> variable-project). */
export const VARIABLE_ITEM_OPTIONS = {
  key: 'variable-key',
  project: 'variable-project',
  group: 'variable-group',
  'environment-scope': 'variable-environment-scope',
  protected: 'variable-protected',
  'fallback-key': 'fallback-variable-key',
} as const satisfies Record<string, keyof typeof GITLAB_OPTIONS>;

function variableItem() {
  const types: Record<keyof typeof VARIABLE_ITEM_OPTIONS, ZodMiniType> = {
    key: string(),
    project: optional(idOrPath()),
    group: optional(idOrPath()),
    'environment-scope': optional(string()),
    protected: optional(boolean()),
    'fallback-key': optional(string()),
  };
  return strictObject(
    Object.fromEntries(
      Object.entries(types).map(([key, schema]) => [
        key,
        described(
          schema,
          optionMeta(GITLAB_OPTIONS[VARIABLE_ITEM_OPTIONS[key as keyof typeof VARIABLE_ITEM_OPTIONS]])
            .description,
        ),
      ]),
    ),
  );
}

function listItem(list: InventoryListShape) {
  return strictObject(
    Object.fromEntries(
      Object.entries(list.items).map(([key, schema]) => {
        const type = union([string(), number(), boolean()]);
        return [
          key,
          described(list.required.includes(key) ? type : optional(type), optionMeta(schema).description),
        ];
      }),
    ),
  );
}

export const ENTRY_STATES = ['active', 'revoked'] as const;

/** The inventory's zod schema, with the destination lists a front door adds. */
export function inventorySchema(lists: readonly InventoryListShape[] = []) {
  const defaults = strictObject({
    ...entryOptions(),
    'create-missing': described(
      optional(boolean()),
      'Create the token when no active token of that name exists (needs token-name and scopes). Default false: a missing token fails its entry.',
    ),
  });
  const entry = strictObject({
    key: described(
      string().check(regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/)),
      'Names the entry in logs and reports; unique in the file; letters, digits, ".", "_" and "-". Shards are chosen by it.',
    ),
    ...entryOptions(),
    'create-missing': described(
      optional(boolean()),
      'Create the token when no active token of that name exists (needs token-name and scopes). Default false: a missing token fails its entry.',
    ),
    state: described(
      optional(choice(ENTRY_STATES)),
      'active (default): keep the token alive, rotated when due. revoked: revoke it if it is active.',
    ),
    variables: described(
      optional(array(variableItem())),
      'GitLab CI/CD variables that receive the new token: masked, created hidden; each key the variable-* option of that name.',
    ),
    ...Object.fromEntries(
      lists.map((list) => [list.key, described(optional(array(listItem(list))), list.description)]),
    ),
  });
  return strictObject({
    $schema: described(optional(string()), 'The JSON Schema of this file, for editors.'),
    defaults: described(
      optional(defaults),
      'Options every entry gets unless it sets them itself; each key the option of the same name.',
    ),
    tokens: described(
      array(entry),
      'The tokens to keep in their declared state, one entry each, keyed by key.',
    ),
  });
}

/** The inventory's JSON Schema (draft 2020-12), from the same zod schema; written to schema/inventory.schema.json. */
export function inventoryJsonSchema(lists: readonly InventoryListShape[] = []): Record<string, unknown> {
  const schema = withoutSafeIntegerBounds(
    toJSONSchema(inventorySchema(lists), { metadata: docs, target: 'draft-2020-12' }),
  ) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://github.com/gitlab-pat/gitlab-pat/raw/main/schema/inventory.schema.json',
    title: 'gitlab-pat inventory',
    description:
      'The tokens `gitlab-pat sync` keeps alive and `gitlab-pat audit` counts as managed. Every key is the gitlab-pat option of the same name; the credential and gitlab-url come from the run, never from this file.',
  };
}

/** zod writes JavaScript's safe-integer range on every integer; it says nothing to a reader of the schema. */
function withoutSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(
        ([key, item]) =>
          !(key === 'minimum' && item === Number.MIN_SAFE_INTEGER) &&
          !(key === 'maximum' && item === Number.MAX_SAFE_INTEGER),
      )
      .map(([key, item]) => [key, withoutSafeIntegerBounds(item)]),
  );
}
