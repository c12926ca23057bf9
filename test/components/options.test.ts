/**
 * The component specs list the same options as the CLI (whose schema is also the Action's), under the same names in
 * snake_case, and hand each one to the CLI the one safe way: as a GITLAB_PAT_* environment variable, never as text
 * in a shell line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CLI_OPTIONS_DESCRIBED, CLI_OPTION_NAMES, environmentNames } from '../../src/cli/parse-args.js';
import type { OptionMeta } from '../../src/core/options/option-kit.js';

type OptionName = string;
const OPTION_NAMES = CLI_OPTION_NAMES;
const optionMeta = (name: OptionName): OptionMeta =>
  new Map(CLI_OPTIONS_DESCRIBED).get(name) ?? { description: '' };
import { ROOT } from './gitlab-ci-local.js';

interface Input {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
}
type Variable = string | number | boolean | { value: string; expand?: boolean };
interface Job {
  readonly variables: Record<string, Variable>;
  readonly script: string[];
  readonly after_script?: string[];
  readonly before_script?: string[];
  readonly [keyword: string]: unknown;
}
interface Component {
  readonly inputs: Record<string, Input>;
  readonly jobName: string;
  readonly job: Job;
  readonly text: string;
}

function loadComponent(name: string): Component {
  const text = readFileSync(join(ROOT, 'templates', `${name}.yml`), 'utf8');
  const [header, body] = parseAllDocuments(text).map(
    (document) => document.toJS() as Record<string, unknown>,
  );
  const jobs = Object.entries(body ?? {});
  expect(jobs, `${name}.yml defines exactly one job`).toHaveLength(1);
  const [jobName, job] = jobs[0] as [string, Job];
  return { inputs: (header as { spec: { inputs: Record<string, Input> } }).spec.inputs, jobName, job, text };
}

const COMPONENTS = {
  rotate: loadComponent('rotate'),
  token: loadComponent('token'),
  sync: loadComponent('sync'),
  audit: loadComponent('audit'),
};

/** Inputs about the job itself, which the CLI never sees. */
const JOB_INPUTS = ['stage', 'job_name', 'image', 'rules', 'resource_group', 'command', 'parallel'];
/** Inputs named differently from their option: a component takes the name of a masked variable, never a secret. */
const RENAMED: Record<string, OptionName> = {
  token_variable: 'gitlab-token-variable',
  recovery_token_variable: 'recovery-token-variable',
  github_token_variable: 'github-token-variable',
};
/** Options no component offers, with the reason. */
const NOT_OFFERED: Partial<Record<OptionName, string>> = {
  'gitlab-token': 'the credential is passed by variable name (token_variable), never as a value',
  'print-token': 'GitLab cannot mask a value made during the job; the CLI refuses it in GitLab CI',
  'recovery-token':
    'the second credential is passed by variable name (recovery_token_variable), never as a value',
  ...Object.fromEntries(
    [
      'github-secret',
      'github-secret-repository',
      'github-secret-environment',
      'github-secret-org',
      'github-token',
    ].map((name) => [
      name,
      'a GitHub secret is written with github-token, which a component takes by variable name (github_token_variable of sync, whose inventory names the secrets); rotate and token write none yet',
    ]),
  ),
};
/** Options the token component leaves to the components made for them. */
const LEFT_TO_FLEET_COMPONENTS = [
  'inventory',
  'report-file',
  'junit-file',
  'concurrency',
  'shard',
  'fail-on',
  'unused-for',
  'github-token-variable',
];
/** Inputs whose value may name CI/CD variables to expand; every other text input reaches the CLI verbatim. */
const EXPANDED = ['gitlab_url', 'user', 'project', 'group', 'variable_project', 'variable_group'];
/** Variables the component itself reads in its script; none of them is a CLI option. */
const COMPONENT_VARIABLES = [
  'GITLAB_PAT_COMPONENT_COMMAND',
  'GITLAB_PAT_COMPONENT_VERSION',
  'GITLAB_PAT_COMPONENT_REFERENCE',
];

const optionOf = (input: string): OptionName | undefined =>
  RENAMED[input] ?? OPTION_NAMES.find((name) => name === input.replace(/_/g, '-'));
const envNameOf = (option: OptionName): string => environmentNames(option)[0] ?? '';
/** Components run the CLI: every CLI option reaches it. */
const reachesTheCli = (option: OptionName) => OPTION_NAMES.includes(option);
const appliesTo = (option: OptionName, operation: 'rotate') => {
  const operations = optionMeta(option).operations;
  return reachesTheCli(option) && (operations === undefined || operations.includes(operation));
};

describe.each(Object.entries(COMPONENTS))('the %s component', (name, component) => {
  it('names every input after a CLI option, in snake_case, or after the job it configures', () => {
    const unknown = Object.keys(component.inputs).filter(
      (input) => !JOB_INPUTS.includes(input) && optionOf(input) === undefined,
    );
    expect(unknown, 'inputs that are neither a job setting nor a CLI option').toEqual([]);
  });

  it('hands every option input to the CLI as its GITLAB_PAT_* variable, with the input as the whole value', () => {
    for (const input of Object.keys(component.inputs)) {
      const option = optionOf(input);
      if (option === undefined) continue;
      const variable = envNameOf(option);
      const given = component.job.variables[variable];
      const value = typeof given === 'object' ? given.value : given;
      expect(value, `${input} -> ${variable}`).toBe(`$[[ inputs.${input} ]]`);
    }
  });

  it('passes free text verbatim (expand: false) and expands CI/CD variables only in references', () => {
    for (const input of Object.keys(component.inputs)) {
      const option = optionOf(input);
      if (option === undefined) continue;
      const given = component.job.variables[envNameOf(option)];
      const type = component.inputs[input]?.type ?? 'string';
      if (type !== 'string') {
        // Booleans and numbers cannot hold a `$`; GitLab's variables take them as they are.
        expect(typeof given, input).not.toBe('object');
      } else if (EXPANDED.includes(input)) {
        expect(typeof given, `${input} expands CI/CD variables`).toBe('string');
      } else {
        expect(given, `${input} is passed verbatim`).toMatchObject({ expand: false });
      }
    }
  });

  it('sets no GITLAB_PAT_* variable that is neither an option nor its own', () => {
    const optionVariables = OPTION_NAMES.map(envNameOf);
    for (const variable of Object.keys(component.job.variables)) {
      if (!variable.startsWith('GITLAB_PAT_')) continue;
      expect([...optionVariables, ...COMPONENT_VARIABLES], variable).toContain(variable);
    }
    // The component's own variables never collide with an option the CLI might read.
    expect(OPTION_NAMES.filter((option) => option.startsWith('component-'))).toEqual([]);
  });

  it('offers no option that is not for components (the Action alone, or NOT_OFFERED with its reason)', () => {
    const offered = Object.keys(component.inputs)
      .map(optionOf)
      .filter((option) => option !== undefined);
    expect(offered.filter((option) => !reachesTheCli(option) || option in NOT_OFFERED)).toEqual([]);
    expect(Object.keys(component.inputs)).not.toContain('revoke_after_job');
  });

  it('runs the CLI once, in script, with nothing after the job (no after_script that could outlive its token)', () => {
    expect(component.job.after_script).toBeUndefined();
    expect(component.job.before_script).toBeUndefined();
    expect(component.job.script.at(-1)).toBe('eval "$gitlab_pat"');
    expect(component.job.script.filter((line) => line.includes('eval'))).toHaveLength(1);
  });

  it('never writes an input into a shell line', () => {
    const shell = [
      ...component.job.script,
      ...(component.job.before_script ?? []),
      ...(component.job.after_script ?? []),
    ].join('\n');
    expect(shell).not.toMatch(/\$\[\[/);
  });

  it('describes every input and gives a default to every input but the required ones', () => {
    const required =
      { rotate: ['variable_key'], token: ['operation'], sync: ['inventory'], audit: [] }[name] ?? [];
    for (const [input, spec] of Object.entries(component.inputs)) {
      expect(spec.description, input).toBeTruthy();
      expect('default' in spec, `${input} has a default`).toBe(!required.includes(input));
    }
  });
});

describe('the rotate component', () => {
  it('offers every option that applies to rotate', () => {
    const offered = Object.keys(COMPONENTS.rotate.inputs).map(optionOf);
    const missing = OPTION_NAMES.filter(
      (option) =>
        appliesTo(option, 'rotate') &&
        option !== 'operation' &&
        !(option in NOT_OFFERED) &&
        !LEFT_TO_FLEET_COMPONENTS.includes(option) &&
        !offered.includes(option),
    );
    expect(missing, 'options to add to templates/rotate.yml (or to NOT_OFFERED, with the reason)').toEqual(
      [],
    );
    expect(COMPONENTS.rotate.job.variables.GITLAB_PAT_OPERATION).toBe('rotate');
  });
});

describe('the token component', () => {
  it('offers every option', () => {
    const offered = Object.keys(COMPONENTS.token.inputs).map(optionOf);
    const missing = OPTION_NAMES.filter(
      (option) =>
        reachesTheCli(option) &&
        !(option in NOT_OFFERED) &&
        !LEFT_TO_FLEET_COMPONENTS.includes(option) &&
        !offered.includes(option),
    );
    expect(missing, 'options to add to templates/token.yml (or to NOT_OFFERED, with the reason)').toEqual([]);
  });

  it('offers the operations of the CLI but sync and audit, which have components of their own', () => {
    expect((COMPONENTS.token.inputs.operation as { options?: unknown }).options).toEqual([
      'create',
      'list',
      'get',
      'revoke',
      'rotate',
    ]);
  });
});

describe('the sync and audit components', () => {
  it.each([
    ['sync', ['inventory', 'report-file', 'concurrency', 'shard', 'github-token-variable', 'dry-run']],
    [
      'audit',
      [
        'inventory',
        'report-file',
        'junit-file',
        'fail-on',
        'unused-for',
        'expires-within',
        'user',
        'group',
        'project',
      ],
    ],
  ] as const)('%s offers its options and runs its operation', (name, options) => {
    const offered = Object.keys(COMPONENTS[name].inputs).map(optionOf);
    expect(options.filter((option) => !offered.includes(option))).toEqual([]);
    expect(COMPONENTS[name].job.variables.GITLAB_PAT_OPERATION).toBe(name);
  });
});

describe('the README', () => {
  it('documents every input of both components', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = /<!-- gitlab-ci:start -->([\s\S]*)<!-- gitlab-ci:end -->/.exec(readme)?.[1];
    if (section === undefined) {
      // The section's markers are added with the README's structure; until then there is nothing to compare.
      console.warn('README.md has no <!-- gitlab-ci:start --> section yet');
      return;
    }
    for (const component of Object.values(COMPONENTS)) {
      for (const input of Object.keys(component.inputs)) expect(section, input).toContain(`\`${input}\``);
    }
    // ...and no input that is gone: each row of the inputs table names an input of one of them.
    const documented = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1] ?? '');
    const inputs = Object.values(COMPONENTS).flatMap((component) => Object.keys(component.inputs));
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((input) => !inputs.includes(input))).toEqual([]);
  });
});
