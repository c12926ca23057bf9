/**
 * action.yml as GitHub, editors and the Marketplace read it: valid against SchemaStore's `github-action` schema (the
 * one editors and linters use), with defaults a runner may pass to every operation, a real author and an allowed
 * badge. The schema is kept verbatim as test data in test/packaging/schemastore/ (from SchemaStore/schemastore,
 * Apache-2.0; SOURCE.md there says which commit) and applied with ajv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionDefault } from '../../scripts/generate-docs.js';
import { OPERATIONS, type Operation } from '../../src/core/options/option-kit.js';
import { describeOptions, parseOptions } from '../../src/core/options/parse-options.js';
import { ACTION_OPTION_SETS } from '../../src/github/action-io.js';
import { actionOptions } from '../../src/github/action-options.js';
import { githubSecretOptions } from '../../src/github/github-secret-options.js';
import { ROOT } from '../support/run-dist.js';

interface ActionMetadata {
  author: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  runs: Record<string, string>;
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const action = parse(read('action.yml')) as ActionMetadata;
const pkg = JSON.parse(read('package.json')) as { author: string };

// strict: false because SchemaStore writes for editors, and ajv's strict mode warns about its untyped `if` branch.
const validate = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(read('test/packaging/schemastore/github-action.json')) as object,
);
const problems = (metadata: unknown): string[] =>
  validate(metadata)
    ? []
    : (validate.errors ?? []).map(
        (error: ErrorObject) =>
          `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
      );

describe('action.yml', () => {
  it("validates against SchemaStore's github-action schema", () => {
    expect(problems(action)).toEqual([]);
  });

  it('the schema refuses what action.yml used to say (so that passing means something)', () => {
    expect(problems({ ...action, branding: { icon: 'key', color: 'orange' } }).join('\n')).toMatch(
      /\/branding\/icon must be equal to one of the allowed values/,
    );
    const unquoted = structuredClone(action);
    (unquoted.inputs['dry-run'] as { default?: unknown }).default = false;
    expect(problems(unquoted).join('\n')).toMatch(/\/inputs\/dry-run\/default must be string/);
    expect(problems({ ...action, runs: { ...action.runs, using: 'node22' } })).not.toEqual([]);
  });

  it('runs on node24 with a main and a post step, the post step always', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/main/index.js',
      post: 'dist/post/index.js',
      'post-if': 'always()',
    });
  });

  it("names the package's author, not the tool, and a badge from GitHub's icon set", () => {
    expect(action.author).toBe(pkg.author);
    expect(action.author).not.toBe('gitlab-pat');
    expect(action.branding).toEqual({ icon: 'refresh-cw', color: 'orange' });
  });

  it('declares a default for every option that applies to every operation and has one, and for no other', () => {
    const declared = Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [name, input.default]);
    expect(declared).toEqual([
      ['operation', 'rotate'],
      ['gitlab-url', 'https://gitlab.com'],
      ['token-kind', 'personal'],
      ['max-lifetime-days', '365'],
      ['dry-run', 'false'],
      ['allow-insecure-http', 'false'],
    ]);
    for (const [name, meta] of describeOptions(ACTION_OPTION_SETS)) {
      if (!(name in action.inputs)) continue;
      // An option for some operations only: a default would reach the others, where it is an input error.
      if (meta.operations) expect(action.inputs[name]?.default, name).toBeUndefined();
      expect(action.inputs[name]?.default, name).toBe(actionDefault(meta));
    }
  });

  // A runner passes every declared default as if the workflow had given it; the minimal inputs are the least each
  // operation accepts.
  const MINIMAL: Record<Operation, Record<string, string>> = {
    create: { name: 'ci', scopes: 'api' },
    list: {},
    get: {},
    revoke: { 'token-id': 'self' },
    rotate: {},
    sync: { inventory: 'tokens.yml' },
    audit: {},
  };
  it.each(OPERATIONS)('the declared defaults are valid inputs for operation %s', (operation) => {
    const defaults = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, input]) =>
        input.default === undefined ? [] : [[name, input.default]],
      ),
    );
    const raw = {
      ...defaults,
      operation,
      'gitlab-token': 'glpat-emulated-credential-0001',
      ...MINIMAL[operation],
    };
    const { options } = parseOptions(raw, { today: '2026-11-30' }, githubSecretOptions, actionOptions);
    expect(options.operation).toBe(operation);
    expect(options.gitlabUrl).toBe('https://gitlab.com');
    expect(options.maxLifetimeDays).toBe(365);
    expect(options.dryRun).toBe(false);
  });
});
