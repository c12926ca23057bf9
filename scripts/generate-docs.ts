/**
 * Writes the parts of action.yml and README.md that list options and outputs, from the one schema in
 * option sets (src/core/options/, src/github/*-options.ts, src/cli/cli-options.ts). `npm run docs` rewrites them; test/docs-in-step.test.ts fails when they are stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { OUTPUT_DESCRIPTIONS } from '../src/core/operations/result.js';
import { CLI_OPTIONS } from '../src/cli/cli-options.js';
import type { OptionMeta } from '../src/core/options/option-kit.js';
import { describeOptions } from '../src/core/options/parse-options.js';
import { ACTION_OPTIONS } from '../src/github/action-options.js';
import { ACTION_OPTION_SETS } from '../src/github/action-io.js';
import { CLI_OPTION_SETS } from '../src/cli/parse-args.js';
import { inventoryJsonSchema } from '../src/core/fleet/inventory-schema.js';
import { GITHUB_SECRETS_LIST } from '../src/github/github-secret-inventory.js';

/** The inventory's JSON Schema (schema/inventory.schema.json), from the zod schema the runs validate with. */
export function renderInventorySchema(): string {
  return `${JSON.stringify(inventoryJsonSchema([GITHUB_SECRETS_LIST]), null, 2)}\n`;
}

/** Every option with where it can be given: everywhere, or only in the Action or the CLI. */
function documentedOptions(): { name: string; meta: OptionMeta; only: string | undefined }[] {
  const action = describeOptions(ACTION_OPTION_SETS);
  const cli = describeOptions(CLI_OPTION_SETS);
  const names = [...new Set([...action, ...cli].map(([name]) => name))];
  const meta = new Map([...action, ...cli]);
  return names.map((name) => ({
    name,
    meta: meta.get(name) as OptionMeta,
    only: name in ACTION_OPTIONS ? 'Action' : name in CLI_OPTIONS ? 'CLI' : undefined,
  }));
}

const PACKAGE = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  author: string;
};

export const TOKEN_OUTPUT_DESCRIPTION =
  'create, rotate: the new token, masked in the log before anything else is written. Pass it only to steps that need it.';

function yamlString(text: string): string {
  return JSON.stringify(text);
}

/**
 * The `default:` action.yml declares for an input, or undefined. GitHub passes a declared default to every run as if
 * the workflow had given it, and an option given to an operation it does not apply to is an input error: so only an
 * option that applies to every operation, and whose default is a literal value rather than a rule (such as "self
 * for get and rotate"), declares one. The others say their default in the description.
 */
export function actionDefault(meta: OptionMeta): string | undefined {
  return meta.operations === undefined ? meta.declaredDefault : undefined;
}

export function renderActionYml(): string {
  const lines = [
    '# Generated from the option sets (src/core/options/, src/github/) by `npm run docs`; edit them, not this file.',
    'name: gitlab-pat',
    'description: Create, list, inspect, revoke and rotate GitLab access tokens; the new token is masked and stored only where it belongs.',
    `author: ${yamlString(PACKAGE.author)}`,
    // GitHub's Marketplace badge: an icon from its Feather subset (SchemaStore's github-action schema lists them).
    'branding:',
    '  icon: refresh-cw',
    '  color: orange',
    'inputs:',
  ];
  for (const [name, meta] of describeOptions(ACTION_OPTION_SETS)) {
    const declaredDefault = actionDefault(meta);
    const extras = [
      meta.operations ? `For ${meta.operations.join(', ')}.` : undefined,
      meta.defaultText ? `Default: ${meta.defaultText}.` : undefined,
    ].filter(Boolean);
    lines.push(`  ${name}:`);
    lines.push(`    description: ${yamlString([meta.description, ...extras].join(' '))}`);
    lines.push(`    required: ${name === 'gitlab-token' ? 'true' : 'false'}`);
    if (declaredDefault !== undefined) lines.push(`    default: ${yamlString(declaredDefault)}`);
  }
  lines.push('outputs:');
  lines.push('  token:', `    description: ${yamlString(TOKEN_OUTPUT_DESCRIPTION)}`);
  for (const [name, description] of Object.entries(OUTPUT_DESCRIPTIONS)) {
    lines.push(`  ${name}:`, `    description: ${yamlString(description)}`);
  }
  lines.push(
    'runs:',
    '  using: node24',
    '  main: dist/main/index.js',
    '  post: dist/post/index.js',
    '  post-if: always()',
  );
  return `${lines.join('\n')}\n`;
}

export function renderOptionsTable(): string {
  const rows = ['| option | for | default | what it does |', '| --- | --- | --- | --- |'];
  for (const { name, meta, only } of documentedOptions()) {
    const where = only ? ` (${only} only)` : '';
    const env = meta.env
      ? ` CLI environment: ${meta.env.map((variable) => `\`${variable}\``).join(', ')}.`
      : '';
    rows.push(
      `| \`${name}\`${where} | ${meta.operations?.join(', ') ?? 'all'} | ${meta.defaultText ?? ''} | ${meta.description.replace(/\|/g, '\\|')}${env} |`,
    );
  }
  rows.push(
    '',
    '| output | meaning |',
    '| --- | --- |',
    `| \`token\` (Action) | ${TOKEN_OUTPUT_DESCRIPTION} |`,
  );
  for (const [name, description] of Object.entries(OUTPUT_DESCRIPTIONS))
    rows.push(`| \`${name}\` | ${description} |`);
  return rows.join('\n');
}

const START = '<!-- options:start (generated by npm run docs) -->';
const END = '<!-- options:end -->';

export function renderReadme(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${renderOptionsTable()}\n${readme.slice(end)}`;
}

if (process.argv[1]?.endsWith('generate-docs.ts')) {
  mkdirSync('schema', { recursive: true });
  writeFileSync('schema/inventory.schema.json', renderInventorySchema());
  writeFileSync('action.yml', renderActionYml());
  writeFileSync('README.md', renderReadme(readFileSync('README.md', 'utf8')));
}
