/**
 * action.yml, the README, the CLI help and the package version all describe the same options as the schema.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderActionYml, renderInventorySchema, renderReadme } from '../scripts/generate-docs.js';
import { renderHelp } from '../src/cli/help.js';
import { CLI_OPTION_NAMES, CLI_OPTIONS_DESCRIBED } from '../src/cli/parse-args.js';
import { ACTION_INPUT_NAMES } from '../src/github/action-io.js';
import { VERSION } from '../src/version.js';
import { ROOT } from './support/run-dist.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('documentation and metadata follow the option schema', () => {
  it('action.yml is what npm run docs generates', () => {
    expect(read('action.yml'), 'action.yml is stale: run npm run docs').toBe(renderActionYml());
  });

  it('schema/inventory.schema.json is what npm run docs generates from the zod schema', () => {
    expect(read('schema/inventory.schema.json'), 'the schema is stale: run npm run docs').toBe(
      renderInventorySchema(),
    );
  });

  it("the README's options table is what npm run docs generates", () => {
    const readme = read('README.md');
    expect(readme, 'README.md is stale: run npm run docs').toBe(renderReadme(readme));
  });

  it('action.yml declares every Action option as an input and runs on node24 with a post step', () => {
    const action = parse(read('action.yml')) as {
      inputs: Record<string, unknown>;
      runs: Record<string, string>;
    };
    expect(Object.keys(action.inputs).sort()).toEqual([...ACTION_INPUT_NAMES].sort());
    expect(action.runs).toMatchObject({
      using: 'node24',
      main: 'dist/main/index.js',
      post: 'dist/post/index.js',
    });
  });

  it('the CLI help lists every CLI option', () => {
    const help = renderHelp(VERSION);
    for (const name of CLI_OPTION_NAMES) expect(help).toContain(`--${name}`);
  });

  it("an operation's help lists exactly the options that apply to it, and its own examples", () => {
    for (const [name, meta] of CLI_OPTIONS_DESCRIBED) {
      const help = renderHelp(VERSION, 'revoke');
      const applies = !meta.operations || meta.operations.includes('revoke');
      expect(help.includes(`  --${name} `) || help.includes(`  --${name}\n`), name).toBe(applies);
    }
    expect(renderHelp(VERSION, 'sync')).toContain('gitlab-pat sync --inventory tokens.yml --dry-run');
    expect(renderHelp(VERSION, 'sync')).not.toContain('gitlab-pat rotate --');
    expect(renderHelp(VERSION, 'sync')).toContain('Every operation and option: gitlab-pat --help');
  });

  it('the version the CLI reports is the package version', () => {
    expect(VERSION).toBe((JSON.parse(read('package.json')) as { version: string }).version);
  });

  it('the main entry stays within its 1 MB budget', () => {
    expect(statSync(join(ROOT, 'dist/main/index.js')).size).toBeLessThanOrEqual(1_000_000);
  });
});
