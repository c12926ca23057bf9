export const id = 546;
export const ids = [546];
export const modules = {

/***/ 1546:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readInventory: () => (/* binding */ readInventory)
});

// UNUSED EXPORTS: INVENTORY_ROTATE_BEFORE

// EXTERNAL MODULE: ./core/errors.ts
var errors = __webpack_require__(8519);
// EXTERNAL MODULE: ./core/options/gitlab-options.ts
var gitlab_options = __webpack_require__(8271);
// EXTERNAL MODULE: ./core/options/option-kit.ts
var option_kit = __webpack_require__(7167);
// EXTERNAL MODULE: ./core/options/parse-options.ts
var parse_options = __webpack_require__(1483);
// EXTERNAL MODULE: ../node_modules/zod/v4/core/registries.js
var registries = __webpack_require__(9110);
// EXTERNAL MODULE: ../node_modules/zod/v4/mini/schemas.js + 5 modules
var schemas = __webpack_require__(4513);
// EXTERNAL MODULE: ../node_modules/zod/v4/core/api.js
var api = __webpack_require__(8729);
// EXTERNAL MODULE: ./core/tokens/access-token.ts
var access_token = __webpack_require__(7791);
;// CONCATENATED MODULE: ./core/fleet/inventory-schema.ts
/**
 * The inventory file's shape, defined once in zod: `defaults` and `tokens[]`, every key the option of the same name
 * (its description comes from the option), plus the keys only an inventory has (`key`, `state`, `create-missing`,
 * `variables`, and the destination lists a front door adds, such as `github-secrets`). The same schema validates a
 * file before any request and, through zod's toJSONSchema, becomes schema/inventory.schema.json for editors.
 * Values are checked for their type here and parsed by the option kit afterwards, exactly as an Action input or a
 * CLI flag of the same name would be.
 */




/** Descriptions for the JSON Schema; the option kit's own registry carries more than a JSON Schema should. */
const docs = (0,registries/* registry */.u5)();
const described = (schema, description) => {
    schema.register(docs, { description });
    return schema;
};
const DURATION = /^[0-9]{1,4}\s*[dwmyDWMY]$/;
const inventory_schema_text = () => (0,schemas/* string */.YjP)();
const idOrPath = () => (0,schemas/* union */.KCZ)([(0,schemas/* int */.Whr)(), (0,schemas/* string */.YjP)()]);
/** Options an entry (or `defaults`) may set, with the type a YAML or JSON value of it has. */
const ENTRY_OPTION_TYPES = {
    'token-kind': () => (0,schemas/* enum */.k5n)(access_token/* TOKEN_KINDS */.oq),
    user: idOrPath,
    project: idOrPath,
    group: idOrPath,
    'token-id': () => (0,schemas/* union */.KCZ)([(0,schemas/* literal */.euz)('self'), (0,schemas/* int */.Whr)()]),
    'token-name': inventory_schema_text,
    description: inventory_schema_text,
    scopes: () => (0,schemas/* union */.KCZ)([(0,schemas/* array */.YOg)((0,schemas/* string */.YjP)()), (0,schemas/* string */.YjP)()]),
    'access-level': () => (0,schemas/* union */.KCZ)([(0,schemas/* enum */.k5n)(Object.keys(access_token/* ACCESS_LEVELS */.FF)), (0,schemas/* int */.Whr)()]),
    'expires-at': () => (0,schemas/* string */.YjP)().check((0,api/* _regex */.Fk)(/^\d{4}-\d{2}-\d{2}$/)),
    'expires-in': () => (0,schemas/* string */.YjP)().check((0,api/* _regex */.Fk)(DURATION)),
    'rotate-before': () => (0,schemas/* string */.YjP)().check((0,api/* _regex */.Fk)(DURATION)),
    'max-lifetime-days': schemas/* int */.Whr,
    strategy: () => (0,schemas/* enum */.k5n)(['rotate', 'overlap']),
};
const ENTRY_OPTION_NAMES = Object.keys(ENTRY_OPTION_TYPES);
/** Inventory descriptions that differ from the option's (an inventory's rotate-before has a default). */
const ENTRY_NOTES = {
    'rotate-before': ' In an inventory it defaults to 30d, so that a daily sync rotates each token only when due.',
    scopes: ' In an inventory, what a token missing under create-missing is created with (a list or a text).',
    'token-name': ' In an inventory, also the name a token missing under create-missing is created with.',
    description: ' In an inventory, used when a missing token is created (create-missing).',
    'access-level': ' In an inventory, used when a missing token is created (create-missing).',
};
function entryOptions() {
    return Object.fromEntries(ENTRY_OPTION_NAMES.map((name) => [
        name,
        described((0,schemas/* optional */.lqM)(ENTRY_OPTION_TYPES[name]()), `${(0,option_kit/* optionMeta */.$T)(gitlab_options/* GITLAB_OPTIONS */.P0[name]).description}${ENTRY_NOTES[name] ?? ''}`),
    ]));
}
/** `variables:` items: each key is variable-<key> of the options (key -> variable-key, project -> variable-project). */
const VARIABLE_ITEM_OPTIONS = {
    key: 'variable-key',
    project: 'variable-project',
    group: 'variable-group',
    'environment-scope': 'variable-environment-scope',
    protected: 'variable-protected',
    'fallback-key': 'fallback-variable-key',
};
function variableItem() {
    const types = {
        key: (0,schemas/* string */.YjP)(),
        project: (0,schemas/* optional */.lqM)(idOrPath()),
        group: (0,schemas/* optional */.lqM)(idOrPath()),
        'environment-scope': (0,schemas/* optional */.lqM)((0,schemas/* string */.YjP)()),
        protected: (0,schemas/* optional */.lqM)((0,schemas/* boolean */.zMY)()),
        'fallback-key': (0,schemas/* optional */.lqM)((0,schemas/* string */.YjP)()),
    };
    return (0,schemas/* strictObject */.rej)(Object.fromEntries(Object.entries(types).map(([key, schema]) => [
        key,
        described(schema, (0,option_kit/* optionMeta */.$T)(gitlab_options/* GITLAB_OPTIONS */.P0[VARIABLE_ITEM_OPTIONS[key]])
            .description),
    ])));
}
function listItem(list) {
    return (0,schemas/* strictObject */.rej)(Object.fromEntries(Object.entries(list.items).map(([key, schema]) => {
        const type = (0,schemas/* union */.KCZ)([(0,schemas/* string */.YjP)(), (0,schemas/* number */.aig)(), (0,schemas/* boolean */.zMY)()]);
        return [
            key,
            described(list.required.includes(key) ? type : (0,schemas/* optional */.lqM)(type), (0,option_kit/* optionMeta */.$T)(schema).description),
        ];
    })));
}
const ENTRY_STATES = ['active', 'revoked'];
/** The inventory's zod schema, with the destination lists a front door adds. */
function inventorySchema(lists = []) {
    const defaults = (0,schemas/* strictObject */.rej)({
        ...entryOptions(),
        'create-missing': described((0,schemas/* optional */.lqM)((0,schemas/* boolean */.zMY)()), 'Create the token when no active token of that name exists (needs token-name and scopes). Default false: a missing token fails its entry.'),
    });
    const entry = (0,schemas/* strictObject */.rej)({
        key: described((0,schemas/* string */.YjP)().check((0,api/* _regex */.Fk)(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/)), 'Names the entry in logs and reports; unique in the file; letters, digits, ".", "_" and "-". Shards are chosen by it.'),
        ...entryOptions(),
        'create-missing': described((0,schemas/* optional */.lqM)((0,schemas/* boolean */.zMY)()), 'Create the token when no active token of that name exists (needs token-name and scopes). Default false: a missing token fails its entry.'),
        state: described((0,schemas/* optional */.lqM)((0,schemas/* enum */.k5n)(ENTRY_STATES)), 'active (default): keep the token alive, rotated when due. revoked: revoke it if it is active.'),
        variables: described((0,schemas/* optional */.lqM)((0,schemas/* array */.YOg)(variableItem())), 'GitLab CI/CD variables that receive the new token: masked, created hidden; each key the variable-* option of that name.'),
        ...Object.fromEntries(lists.map((list) => [list.key, described((0,schemas/* optional */.lqM)((0,schemas/* array */.YOg)(listItem(list))), list.description)])),
    });
    return (0,schemas/* strictObject */.rej)({
        $schema: described((0,schemas/* optional */.lqM)((0,schemas/* string */.YjP)()), 'The JSON Schema of this file, for editors.'),
        defaults: described((0,schemas/* optional */.lqM)(defaults), 'Options every entry gets unless it sets them itself; each key the option of the same name.'),
        tokens: described((0,schemas/* array */.YOg)(entry), 'The tokens to keep in their declared state, one entry each, keyed by key.'),
    });
}
/** The inventory's JSON Schema (draft 2020-12), from the same zod schema; written to schema/inventory.schema.json. */
function inventoryJsonSchema(lists = []) {
    const schema = withoutSafeIntegerBounds(toJSONSchema(inventorySchema(lists), { metadata: docs, target: 'draft-2020-12' }));
    return {
        ...schema,
        $id: 'https://github.com/gitlab-pat/gitlab-pat/raw/main/schema/inventory.schema.json',
        title: 'gitlab-pat inventory',
        description: 'The tokens `gitlab-pat sync` keeps alive and `gitlab-pat audit` counts as managed. Every key is the gitlab-pat option of the same name; the credential and gitlab-url come from the run, never from this file.',
    };
}
/** zod writes JavaScript's safe-integer range on every integer; it says nothing to a reader of the schema. */
function withoutSafeIntegerBounds(value) {
    if (Array.isArray(value))
        return value.map(withoutSafeIntegerBounds);
    if (value === null || typeof value !== 'object')
        return value;
    return Object.fromEntries(Object.entries(value)
        .filter(([key, item]) => !(key === 'minimum' && item === Number.MIN_SAFE_INTEGER) &&
        !(key === 'maximum' && item === Number.MAX_SAFE_INTEGER))
        .map(([key, item]) => [key, withoutSafeIntegerBounds(item)]));
}

;// CONCATENATED MODULE: ./core/fleet/read-inventory.ts





/** In an inventory, a token is rotated when it expires within this unless the file says otherwise. */
const INVENTORY_ROTATE_BEFORE = '30d';
const ENTRY_ONLY_KEYS = ['key', 'state', 'create-missing', 'variables'];
const META = new Map((0,parse_options/* describeOptions */.c4)());
/** Parses and checks an inventory; throws one InputError listing every problem. */
async function readInventory(input) {
    const data = await parseText(input.path, input.text);
    const problems = [];
    const listKeys = input.lists.map((list) => list.shape.key);
    problems.push(...tokenShapedValues(data, [], data));
    const checked = inventorySchema(input.lists.map((list) => list.shape)).safeParse(data);
    if (!checked.success) {
        for (const issue of checked.error.issues)
            problems.push(...describeIssue(issue, data, listKeys));
        throw inventoryError(input.path, problems);
    }
    if (problems.length > 0)
        throw inventoryError(input.path, problems);
    const file = checked.data;
    const entries = [];
    const byKey = new Map();
    const byFamily = new Map();
    const byVariable = new Map();
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
        if (!built.entry)
            continue;
        const twin = byFamily.get(built.entry.familyKey);
        if (twin) {
            problems.push(`${label}: names the same token as ${twin.label}; one token must have one entry (two would rotate it twice, and GitLab revokes a token family whose old token is sent to rotate).`);
            continue;
        }
        byFamily.set(built.entry.familyKey, built.entry);
        // One variable holds one token: two entries writing it would overwrite each other on every run.
        for (const [position, variable] of built.entry.variables.entries()) {
            if (variable.owner === undefined || variable.owner === 'token-resource')
                continue;
            const where = `${variable.owner.kind} ${String(variable.owner.ref).toLowerCase()}`;
            const identity = `${where}|${variable.key}|${variable.environmentScope}`;
            const holder = byVariable.get(identity);
            if (holder !== undefined && holder !== built.entry.label) {
                problems.push(`${label}: variables[${position}]: CI/CD variable ${variable.key} in ${where} (environment scope ${variable.environmentScope}) is also written by ${holder}; one variable holds one token, or each run would overwrite the other's.`);
            }
            byVariable.set(identity, built.entry.label);
        }
        entries.push(built.entry);
    }
    if (problems.length > 0)
        throw inventoryError(input.path, problems);
    return entries;
}
function inventoryError(path, problems) {
    const shown = problems.slice(0, 50);
    const more = problems.length > shown.length ? `\n- ... and ${problems.length - shown.length} more` : '';
    return new errors/* InputError */.dz(`The inventory ${path} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}; nothing was done:\n- ${shown.join('\n- ')}${more}`);
}
async function parseText(path, text) {
    // YAML 1.2 reads JSON too; its errors give a line and column, where JSON.parse's quote the text.
    const { parseDocument } = await __webpack_require__.e(/* import() */ 637).then(__webpack_require__.t.bind(__webpack_require__, 6637, 19));
    const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
        throw inventoryError(path, document.errors.slice(0, 10).map((error) => {
            const at = error.linePos?.[0];
            const where = at ? `line ${at.line}, column ${at.col}` : 'somewhere';
            // The parser's sentence, without any excerpt of the file (it could hold a pasted secret).
            const sentence = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?.*$/, '') ?? '';
            return `${where}: ${scrubTokens(sentence)} (${error.code}); the file must be YAML or JSON.`;
        }));
    }
    const data = document.toJS();
    if (data === null || data === undefined) {
        throw inventoryError(path, [
            'the file is empty: it needs tokens: [...], a list of entries (see the README).',
        ]);
    }
    return data;
}
const scrubTokens = (text) => text.replace(/gl[a-z]{1,6}-[A-Za-z0-9_.-]{8,}/g, '(a value shaped like a GitLab token)');
/** An inventory never holds a secret: a value shaped like a GitLab token is a mistake, and never echoed. */
function tokenShapedValues(value, path, data) {
    if (typeof value === 'string') {
        return (0,option_kit/* looksLikeToken */.NM)(value)
            ? [
                `${pathLabel(path, data)}: holds a value shaped like a GitLab token (not shown). An inventory never holds a secret: the credential is the run's gitlab-token. Remove it, and revoke that token if the file was shared.`,
            ]
            : [];
    }
    if (Array.isArray(value))
        return value.flatMap((item, index) => tokenShapedValues(item, [...path, index], data));
    if (value !== null && typeof value === 'object') {
        return Object.entries(value).flatMap(([key, item]) => [
            ...((0,option_kit/* looksLikeToken */.NM)(key)
                ? [`${pathLabel(path, data)}: has a key shaped like a GitLab token (not shown); remove it.`]
                : []),
            ...tokenShapedValues(item, [...path, key], data),
        ]);
    }
    return [];
}
/** `tokens[3] (deploy-bot): variables[0].project`, `defaults: expires-in`, `the file`. */
function pathLabel(path, data) {
    if (path.length === 0)
        return 'the file';
    const [top, index, ...rest] = path;
    let head;
    let tail;
    if (top === 'tokens' && typeof index === 'number') {
        const key = valueAt(data, ['tokens', index, 'key']);
        head = `tokens[${index}]${typeof key === 'string' && key !== '' ? ` (${key})` : ''}`;
        tail = rest;
    }
    else {
        head = String(top);
        tail = index === undefined ? [] : [index, ...rest];
    }
    const subpath = tail
        .map((part, position) => typeof part === 'number' ? `[${part}]` : `${position === 0 ? '' : '.'}${String(part)}`)
        .join('');
    return subpath === '' ? head : `${head}: ${subpath}`;
}
function valueAt(data, path) {
    let current = data;
    for (const part of path) {
        if (current === null || typeof current !== 'object')
            return undefined;
        current = current[part];
    }
    return current;
}
const RUN_OPTION_KEYS = new Set([...META.keys()].filter((name) => !ENTRY_OPTION_NAMES.includes(name) && name in gitlab_options/* GITLAB_OPTIONS */.P0));
/** What a user meant by a key the schema does not have, and what to write instead. */
function unknownKey(key, where, allowed) {
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
    const guess = (0,option_kit/* closestName */.Nf)(key, allowed);
    return `${where}: unknown key ${JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key)}.${guess ? ` Did you mean ${guess}?` : ` The keys here are ${allowed.join(', ')}.`}`;
}
/** What a key of the schema expects, in the words of its option. */
const EXPECTED = {
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
function describeIssue(issue, data, listKeys) {
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
    const expected = EXPECTED[String(last)] ?? (listKeys.includes(String(last)) ? 'a list of mappings' : undefined);
    return [`${where}: expected ${expected ?? issue.message}; ${shown(given)}.`];
}
function shown(value) {
    if (typeof value === 'string')
        return (0,option_kit/* describeGiven */.lI)(value);
    if (Array.isArray(value))
        return 'got a list';
    if (value === null)
        return 'got nothing (null)';
    if (typeof value === 'object')
        return 'got a mapping';
    return `got ${scalarText(value)}`;
}
/** A number, boolean or other scalar as written (objects never reach here). */
function scalarText(value) {
    return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? value.toString()
        : typeof value === 'string'
            ? value
            : typeof value;
}
function allowedKeys(path, listKeys) {
    if (path.length === 0)
        return ['defaults', 'tokens'];
    if (path[0] === 'defaults')
        return [...ENTRY_OPTION_NAMES, 'create-missing'];
    if (path.length >= 4 && path[2] === 'variables')
        return Object.keys(VARIABLE_ITEM_OPTIONS);
    return [...ENTRY_ONLY_KEYS, ...ENTRY_OPTION_NAMES, ...listKeys];
}
/** A YAML or JSON value as the option kit reads text: scopes lists joined, numbers and booleans as written. */
function asText(value) {
    if (value === undefined || value === null)
        return undefined;
    // The schema allows only scalars and lists of text here.
    if (Array.isArray(value))
        return value.map(scalarText).join(',');
    return scalarText(value);
}
/** Only the options that apply to the operation: defaults may hold keys for create-missing that a rotate ignores. */
function forOperation(given, operation) {
    return Object.fromEntries(Object.entries(given).filter(([name]) => {
        const applies = META.get(name)?.operations;
        return applies === undefined || applies.includes(operation);
    }));
}
function buildEntry(index, label, merged, input) {
    const { run } = input;
    const fleet = run.fleet;
    if (!fleet)
        throw new Error('an inventory is read for sync and audit only, which have the fleet options');
    const operation = run.operation;
    const problems = [];
    const context = {
        today: fleet.today,
        ...(fleet.defaultVariableProject !== undefined
            ? { defaultVariableProject: fleet.defaultVariableProject }
            : {}),
        label: (name) => `${label}: ${name}`,
    };
    const options = {
        'gitlab-url': run.gitlabUrl,
        'gitlab-token': run.gitlabToken,
        // The run's gitlab-url passed its own check already.
        'allow-insecure-http': 'true',
        'dry-run': String(run.dryRun),
        'max-lifetime-days': String(run.maxLifetimeDays),
    };
    for (const name of ENTRY_OPTION_NAMES) {
        const value = asText(merged[name]);
        if (value !== undefined)
            options[name] = value;
    }
    const state = merged.state ?? 'active';
    const createMissing = merged['create-missing'] === true;
    const hasSelector = options['token-id'] !== undefined || options['token-name'] !== undefined;
    const selectsCredential = options['token-name'] === undefined &&
        (options['token-id'] === undefined || options['token-id'].toLowerCase() === 'self');
    const prefix = (problem) => (problem.startsWith(`${label}:`) ? problem : `${label}: ${problem}`);
    const parse = (raw) => {
        const outcome = (0,parse_options/* tryParseOptions */.J0)(raw, context);
        if ('problems' in outcome) {
            problems.push(...outcome.problems.map(prefix));
            return undefined;
        }
        return outcome.options;
    };
    const primaryOperation = state === 'revoked' ? 'revoke' : 'rotate';
    if (state === 'revoked' && !hasSelector) {
        problems.push(`${label}: state revoked needs token-name (or token-id): which token to revoke. (Revoking the run's own credential from an inventory would stop the run itself.)`);
    }
    const primary = parse({
        ...forOperation(options, primaryOperation),
        operation: primaryOperation,
        ...(primaryOperation === 'rotate' && options['rotate-before'] === undefined && operation === 'sync'
            ? { 'rotate-before': INVENTORY_ROTATE_BEFORE }
            : {}),
    });
    let create;
    if (createMissing) {
        if (state === 'revoked') {
            problems.push(`${label}: create-missing and state revoked contradict each other; give only one of them.`);
        }
        else if (options['token-name'] === undefined) {
            problems.push(`${label}: create-missing needs token-name: the name of the token to create when none is active.`);
        }
        else if (options.scopes === undefined) {
            problems.push(`${label}: create-missing needs scopes: what a missing token is created with, such as [api].`);
        }
        else {
            const { 'token-name': name, 'token-id': _id, ...rest } = options;
            create = parse({ ...forOperation(rest, 'create'), operation: 'create', name });
        }
    }
    const variables = [];
    const extraDestinations = [];
    const owner = primary?.address.owner;
    const items = merged.variables ?? [];
    for (const [position, item] of items.entries()) {
        const itemLabel = `${label}: variables[${position}]`;
        const given = {};
        for (const [itemKey, option] of Object.entries(VARIABLE_ITEM_OPTIONS)) {
            const value = asText(item[itemKey]);
            if (value !== undefined && value.trim() !== '')
                given[option] = value.trim();
        }
        const parsed = (0,option_kit/* parseShape */.Tr)(gitlab_options/* GITLAB_OPTIONS */.P0, given, (name) => `${itemLabel}.${itemKeyOf(name)}`);
        problems.push(...parsed.problems);
        if (parsed.problems.length > 0 || !owner)
            continue;
        if (parsed.input['variable-project'] !== undefined && parsed.input['variable-group'] !== undefined) {
            problems.push(`${itemLabel}: project and group both say where the variable lives; give only one of them.`);
            continue;
        }
        const target = (0,parse_options/* variableTarget */.oN)(parsed.input, owner, context);
        if (!target || target.owner === undefined) {
            problems.push(`${itemLabel}: needs project or group: where the variable ${given['variable-key'] ?? ''} lives (project and group tokens default to their own project or group; in GitLab CI, the job's project is the default).`);
            continue;
        }
        variables.push(target);
    }
    for (const list of input.lists) {
        const listItems = merged[list.shape.key] ?? [];
        for (const [position, item] of listItems.entries()) {
            const itemLabel = `${label}: ${list.shape.key}[${position}]`;
            const given = {};
            for (const itemKey of Object.keys(list.shape.items)) {
                const value = asText(item[itemKey]);
                if (value !== undefined && value.trim() !== '')
                    given[itemKey] = value.trim();
            }
            const parsed = (0,option_kit/* parseShape */.Tr)(list.shape.items, given, (key) => `${itemLabel}.${key}`);
            problems.push(...parsed.problems);
            if (parsed.problems.length > 0 || operation !== 'sync')
                continue;
            const built = list.build(parsed.input, itemLabel);
            problems.push(...built.problems);
            if (built.destination)
                extraDestinations.push(built.destination);
        }
    }
    if (operation === 'sync' &&
        state === 'active' &&
        variables.length === 0 &&
        extraDestinations.length === 0 &&
        problems.length === 0) {
        problems.push(`${label}: has no variables${input.lists.map((list) => ` or ${list.shape.key}`).join('')}: a rotated or created token would have nowhere to go, and its value would be lost. Add variables: [{ key: ..., project: ... }].`);
    }
    if (!primary || problems.length > 0)
        return { problems };
    return {
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
function itemKeyOf(option) {
    return Object.entries(VARIABLE_ITEM_OPTIONS).find(([, name]) => name === option)?.[0] ?? option;
}
function familyKey(options) {
    const { owner, selector } = options.address;
    const ref = (value) => String(value ?? '').toLowerCase();
    const who = owner.kind === 'personal'
        ? ref(owner.user)
        : owner.kind === 'project'
            ? ref(owner.project)
            : owner.kind === 'group'
                ? ref(owner.group)
                : `${ref(owner.group)}/${ref(owner.user)}`;
    if (selector.kind === 'self')
        return 'self';
    return `${owner.kind}|${who}|${selector.kind === 'id' ? `id:${selector.id}` : `name:${selector.name}`}`;
}


/***/ })

};
