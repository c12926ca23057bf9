/**
 * GitLab's CI configuration JSON schema (GitLab's own `ci.json`, the one its pipeline editor uses), as shipped inside
 * gitlab-ci-local 4.73.0, validated with the same Ajv that gitlab-ci-local depends on. gitlab-ci-local bundles the
 * schema into its single JS file and patches a few rules at load time; the object literal in the bundle is the file
 * before those patches, so it is read from there rather than through gitlab-ci-local's code.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { ROOT } from './gitlab-ci-local.js';

const PACKAGE_DIR = join(ROOT, 'node_modules/gitlab-ci-local');
const SCHEMA_ID = 'https://gitlab.com/.gitlab-ci.yml';

interface ValidateFunction {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string; params: unknown }[] | null;
}
interface AjvInstance {
  addSchema(schema: object): AjvInstance;
  getSchema(ref: string): ValidateFunction | undefined;
}
type AjvConstructor = new (options: Record<string, unknown>) => AjvInstance;

let cached: { schema: Record<string, unknown>; ajv: AjvInstance } | undefined;

export function gitlabCiSchema(): Record<string, unknown> {
  return load().schema;
}

/** Problems found in a whole pipeline configuration (empty: valid). */
export function validatePipeline(config: unknown): string[] {
  return validate(SCHEMA_ID, config);
}

/** Problems found in a component's `spec:inputs` (empty: valid). */
export function validateInputsSpec(inputs: unknown): string[] {
  return validate(`${SCHEMA_ID}#/definitions/configInputs`, inputs);
}

function validate(ref: string, data: unknown): string[] {
  const check = load().ajv.getSchema(ref);
  if (!check) throw new Error(`GitLab's CI schema has no ${ref}`);
  if (check(data)) return [];
  return (check.errors ?? []).map(
    (error) => `${error.instancePath || '/'}: ${error.message ?? 'invalid'} ${JSON.stringify(error.params)}`,
  );
}

function load(): NonNullable<typeof cached> {
  if (cached) return cached;
  const bundle = readFileSync(join(PACKAGE_DIR, 'dist/index.js'), 'utf8');
  const marker = `{$schema:"http://json-schema.org/draft-07/schema#",$id:"${SCHEMA_ID}"`;
  const start = bundle.indexOf(marker);
  if (start === -1)
    throw new Error(`GitLab's CI schema not found in gitlab-ci-local's bundle (looked for ${marker})`);
  // The literal holds only strings, numbers, booleans, arrays and objects. It is evaluated in an empty V8 context
  // (no require, no process), then copied into plain objects of this one.
  const literal: unknown = runInNewContext(
    `(${objectLiteralAt(bundle, start)})`,
    Object.create(null) as object,
    {
      timeout: 5_000,
    },
  );
  const schema = JSON.parse(JSON.stringify(literal)) as Record<string, unknown>;
  // gitlab-ci-local's own validator and options, so both agree on what "valid" means.
  const require = createRequire(join(PACKAGE_DIR, 'package.json'));
  const Ajv = (require('ajv') as { default: AjvConstructor }).default;
  const ajv = new Ajv({
    allErrors: true,
    allowUnionTypes: true,
    validateFormats: false,
    strictTypes: false,
    keywords: ['markdownDescription'],
  });
  ajv.addSchema(schema);
  cached = { schema, ajv };
  return cached;
}

/** The source text of the object literal that starts at `start`, found by matching braces outside strings. */
function objectLiteralAt(source: string, start: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let index = start; index < source.length; index += 1) {
    const char = source[index];
    if (quote) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'" || char === '`') {
      quote = char;
    } else if (char === '{') {
      depth += 1;
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0) return source.slice(start, index + 1);
    }
  }
  throw new Error('unterminated object literal in gitlab-ci-local bundle');
}
