/**
 * Each component rendered by gitlab-ci-local --preview, with its defaults and with every input set, and the result
 * validated against GitLab's CI JSON schema: what GitLab would build from an include, before any job runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CLI_OPTION_SETS, parseArgs } from '../../src/cli/parse-args.js';
import { parseOptions } from '../../src/core/options/parse-options.js';
import { validateInputsSpec, validatePipeline } from './ci-schema.js';
import { createComponentProject, includeOwn, previewPipeline, ROOT } from './gitlab-ci-local.js';

type Job = Record<string, unknown> & { variables: Record<string, string> };

async function render(component: 'rotate' | 'token' | 'sync' | 'audit', inputs: Record<string, unknown>) {
  using project = createComponentProject({ include: [includeOwn(component, inputs)] });
  const run = await previewPipeline(project);
  expect(run.exitCode, run.stderr).toBe(0);
  const config = parse(run.rendered) as Record<string, unknown>;
  return { run, config, sha: project.sha };
}

function jobsOf(config: Record<string, unknown>): Record<string, Job> {
  const reserved = new Set(['stages', 'variables', 'default', 'workflow', 'include']);
  return Object.fromEntries(Object.entries(config).filter(([key]) => !reserved.has(key))) as Record<
    string,
    Job
  >;
}

function specOf(component: string): { component?: unknown; inputs: Record<string, Record<string, unknown>> } {
  const [header] = parseAllDocuments(readFileSync(join(ROOT, 'templates', `${component}.yml`), 'utf8'));
  return (header?.toJS() as { spec: ReturnType<typeof specOf> }).spec;
}

describe('the component specs', () => {
  it.each(['rotate', 'token', 'sync', 'audit'])(
    '%s declares valid inputs, each with a description',
    (component) => {
      const spec = specOf(component);
      expect(validateInputsSpec(spec.inputs)).toEqual([]);
      for (const [name, input] of Object.entries(spec.inputs)) {
        expect(typeof input.description, `input ${name}`).toBe('string');
      }
      // The only other spec key: the component context that $[[ component.version ]] needs.
      expect(Object.keys(spec).sort()).toEqual(['component', 'inputs']);
      expect(spec.component).toEqual(['version', 'reference']);
    },
  );
});

describe('the rotate component', () => {
  it('renders with its defaults into one valid job that rotates self when due, on schedules', async () => {
    const { config, sha } = await render('rotate', { variable_key: 'GITLAB_TOKEN' });
    expect(validatePipeline(config)).toEqual([]);
    const jobs = jobsOf(config);
    expect(Object.keys(jobs)).toEqual(['gitlab-pat-rotate']);
    const job = jobs['gitlab-pat-rotate'];
    expect(job).toMatchObject({
      stage: 'test',
      image: { name: 'node:24-alpine' },
      rules: [
        { if: '$CI_PIPELINE_SOURCE == "schedule"' },
        { if: '$CI_PIPELINE_SOURCE == "web"', when: 'manual' },
      ],
      resource_group: 'gitlab-pat-$GITLAB_PAT_GITLAB_TOKEN_VARIABLE',
      interruptible: false,
      retry: 0,
    });
    expect(job?.variables).toEqual({
      GITLAB_PAT_OPERATION: 'rotate',
      GITLAB_PAT_GITLAB_TOKEN_VARIABLE: 'GITLAB_TOKEN',
      GITLAB_PAT_GITLAB_URL: '$CI_SERVER_URL',
      GITLAB_PAT_TOKEN_ID: '',
      GITLAB_PAT_TOKEN_NAME: '',
      GITLAB_PAT_TOKEN_KIND: 'personal',
      GITLAB_PAT_PROJECT: '',
      GITLAB_PAT_GROUP: '',
      GITLAB_PAT_USER: '',
      GITLAB_PAT_EXPIRES_IN: '',
      GITLAB_PAT_EXPIRES_AT: '',
      GITLAB_PAT_ROTATE_BEFORE: '30d',
      GITLAB_PAT_MAX_LIFETIME_DAYS: '365',
      GITLAB_PAT_VARIABLE_KEY: 'GITLAB_TOKEN',
      GITLAB_PAT_VARIABLE_PROJECT: '',
      GITLAB_PAT_VARIABLE_GROUP: '',
      GITLAB_PAT_VARIABLE_ENVIRONMENT_SCOPE: '*',
      GITLAB_PAT_VARIABLE_PROTECTED: 'true',
      GITLAB_PAT_FALLBACK_VARIABLE_KEY: '',
      GITLAB_PAT_STRATEGY: 'rotate',
      GITLAB_PAT_DRY_RUN: 'false',
      GITLAB_PAT_ALLOW_INSECURE_HTTP: 'false',
      GITLAB_PAT_DEBUG: 'false',
      GITLAB_PAT_RECOVERY_TOKEN_VARIABLE: '',
      GITLAB_PAT_COMPONENT_COMMAND: '',
      // gitlab-ci-local gives a component included from its own commit that commit as its version; GitLab gives
      // none (see default-command.test.ts for how the job handles both).
      GITLAB_PAT_COMPONENT_VERSION: sha,
      GITLAB_PAT_COMPONENT_REFERENCE: sha,
    });
  });

  it('renders with every input set, each landing where it belongs', async () => {
    const rules = [{ if: '$CI_COMMIT_BRANCH == "main"', when: 'manual' }];
    const { config } = await render('rotate', {
      stage: 'deploy',
      job_name: 'rotate deploy token',
      image: 'registry.example.com/mirror/node:24',
      rules,
      resource_group: 'deploy-token',
      command: 'node /opt/gitlab-pat/cli/index.js',
      token_variable: 'ADMIN_TOKEN',
      gitlab_url: 'https://gitlab.example.com',
      token_id: '42',
      token_name: 'deploy',
      user: 'svc-deploy',
      expires_in: '90d',
      expires_at: '2027-03-01',
      rotate_before: '14d',
      max_lifetime_days: 400,
      variable_key: 'DEPLOY_TOKEN',
      variable_project: 'acme/app',
      variable_group: 'acme',
      variable_environment_scope: 'production',
      variable_protected: false,
      fallback_variable_key: 'DEPLOY_TOKEN_SPARE',
      strategy: 'overlap',
      recovery_token_variable: 'GITLAB_ADMIN_TOKEN',
      dry_run: true,
      allow_insecure_http: true,
      debug: true,
    });
    expect(validatePipeline(config)).toEqual([]);
    const job = jobsOf(config)['rotate deploy token'];
    expect(job).toMatchObject({
      stage: 'deploy',
      image: { name: 'registry.example.com/mirror/node:24' },
      rules,
      resource_group: 'deploy-token',
    });
    expect(job?.variables).toMatchObject({
      GITLAB_PAT_OPERATION: 'rotate',
      GITLAB_PAT_GITLAB_TOKEN_VARIABLE: 'ADMIN_TOKEN',
      GITLAB_PAT_GITLAB_URL: 'https://gitlab.example.com',
      GITLAB_PAT_TOKEN_ID: '42',
      GITLAB_PAT_TOKEN_NAME: 'deploy',
      GITLAB_PAT_USER: 'svc-deploy',
      GITLAB_PAT_EXPIRES_IN: '90d',
      GITLAB_PAT_EXPIRES_AT: '2027-03-01',
      GITLAB_PAT_ROTATE_BEFORE: '14d',
      GITLAB_PAT_MAX_LIFETIME_DAYS: '400',
      GITLAB_PAT_VARIABLE_KEY: 'DEPLOY_TOKEN',
      GITLAB_PAT_VARIABLE_PROJECT: 'acme/app',
      GITLAB_PAT_VARIABLE_GROUP: 'acme',
      GITLAB_PAT_VARIABLE_ENVIRONMENT_SCOPE: 'production',
      GITLAB_PAT_VARIABLE_PROTECTED: 'false',
      GITLAB_PAT_FALLBACK_VARIABLE_KEY: 'DEPLOY_TOKEN_SPARE',
      GITLAB_PAT_STRATEGY: 'overlap',
      GITLAB_PAT_DRY_RUN: 'true',
      GITLAB_PAT_ALLOW_INSECURE_HTTP: 'true',
      GITLAB_PAT_DEBUG: 'true',
      GITLAB_PAT_RECOVERY_TOKEN_VARIABLE: 'GITLAB_ADMIN_TOKEN',
      GITLAB_PAT_COMPONENT_COMMAND: 'node /opt/gitlab-pat/cli/index.js',
    });
  });

  it.each([
    ['variable_key', { variable_key: 'DEPLOY-TOKEN' }],
    ['token_variable', { variable_key: 'X', token_variable: 'not a name' }],
    ['rotate_before', { variable_key: 'X', rotate_before: '30 days' }],
    ['token_id', { variable_key: 'X', token_id: '12; rm -rf /' }],
  ])('refuses a malformed %s before any job exists', async (name, inputs) => {
    using project = createComponentProject({ include: [includeOwn('rotate', inputs)] });
    const run = await previewPipeline(project);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain(name);
  });

  it('refuses to render without variable_key, the one required input', async () => {
    using project = createComponentProject({ include: [includeOwn('rotate', {})] });
    const run = await previewPipeline(project);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('variable_key');
  });
});

describe('the token component', () => {
  it('renders with its defaults into one valid job that always runs', async () => {
    const { config } = await render('token', { operation: 'list' });
    expect(validatePipeline(config)).toEqual([]);
    const jobs = jobsOf(config);
    expect(Object.keys(jobs)).toEqual(['gitlab-pat']);
    const job = jobs['gitlab-pat'];
    expect(job).toMatchObject({
      stage: 'test',
      image: { name: 'node:24-alpine' },
      rules: [{ when: 'on_success' }],
      resource_group: 'gitlab-pat-$GITLAB_PAT_GITLAB_TOKEN_VARIABLE',
      interruptible: false,
      retry: 0,
    });
    // Nothing runs after the job: a token it made must outlive it, for the jobs that read the variable later.
    expect(job?.after_script).toBeUndefined();
    expect(job?.variables).toMatchObject({
      GITLAB_PAT_OPERATION: 'list',
      GITLAB_PAT_GITLAB_TOKEN_VARIABLE: 'GITLAB_TOKEN',
      GITLAB_PAT_GITLAB_URL: '$CI_SERVER_URL',
      GITLAB_PAT_STATE: '',
      GITLAB_PAT_VARIABLE_KEY: '',
      GITLAB_PAT_VARIABLE_ENVIRONMENT_SCOPE: '*',
      GITLAB_PAT_VARIABLE_PROTECTED: 'true',
    });
  });

  it('renders with every input set, each landing where it belongs', async () => {
    const { config } = await render('token', {
      stage: 'deploy',
      job_name: 'short-lived token',
      image: 'node:24',
      rules: [{ if: '$CI_COMMIT_TAG' }],
      resource_group: '',
      command: 'npx --yes gitlab-pat@1.2.3',
      token_variable: 'ADMIN_TOKEN',
      operation: 'create',
      gitlab_url: 'https://gitlab.example.com',
      user: 'svc-release',
      token_id: 'self',
      token_name: 'release',
      name: 'release',
      description: 'Release job token',
      scopes: 'api, read_repository',
      expires_in: '1d',
      expires_at: '2027-01-01',
      rotate_before: '7d',
      max_lifetime_days: 30,
      state: 'all',
      expires_within: '60d',
      variable_key: 'RELEASE_TOKEN',
      variable_project: '1234',
      variable_group: 'acme',
      variable_environment_scope: 'release/*',
      variable_protected: false,
      fallback_variable_key: 'RELEASE_TOKEN_SPARE',
      strategy: 'overlap',
      recovery_token_variable: 'GITLAB_ADMIN_TOKEN',
      dry_run: true,
      allow_insecure_http: true,
      debug: true,
    });
    expect(validatePipeline(config)).toEqual([]);
    const job = jobsOf(config)['short-lived token'];
    expect(job).toMatchObject({
      stage: 'deploy',
      image: { name: 'node:24' },
      rules: [{ if: '$CI_COMMIT_TAG' }],
    });
    expect(job?.variables).toMatchObject({
      GITLAB_PAT_OPERATION: 'create',
      GITLAB_PAT_GITLAB_TOKEN_VARIABLE: 'ADMIN_TOKEN',
      GITLAB_PAT_GITLAB_URL: 'https://gitlab.example.com',
      GITLAB_PAT_USER: 'svc-release',
      GITLAB_PAT_TOKEN_ID: 'self',
      GITLAB_PAT_TOKEN_NAME: 'release',
      GITLAB_PAT_NAME: 'release',
      GITLAB_PAT_DESCRIPTION: 'Release job token',
      GITLAB_PAT_SCOPES: 'api, read_repository',
      GITLAB_PAT_EXPIRES_IN: '1d',
      GITLAB_PAT_EXPIRES_AT: '2027-01-01',
      GITLAB_PAT_ROTATE_BEFORE: '7d',
      GITLAB_PAT_MAX_LIFETIME_DAYS: '30',
      GITLAB_PAT_STATE: 'all',
      GITLAB_PAT_EXPIRES_WITHIN: '60d',
      GITLAB_PAT_VARIABLE_KEY: 'RELEASE_TOKEN',
      GITLAB_PAT_VARIABLE_PROJECT: '1234',
      GITLAB_PAT_VARIABLE_GROUP: 'acme',
      GITLAB_PAT_VARIABLE_ENVIRONMENT_SCOPE: 'release/*',
      GITLAB_PAT_VARIABLE_PROTECTED: 'false',
      GITLAB_PAT_FALLBACK_VARIABLE_KEY: 'RELEASE_TOKEN_SPARE',
      GITLAB_PAT_STRATEGY: 'overlap',
      GITLAB_PAT_DRY_RUN: 'true',
      GITLAB_PAT_ALLOW_INSECURE_HTTP: 'true',
      GITLAB_PAT_DEBUG: 'true',
      GITLAB_PAT_RECOVERY_TOKEN_VARIABLE: 'GITLAB_ADMIN_TOKEN',
      GITLAB_PAT_COMPONENT_COMMAND: 'npx --yes gitlab-pat@1.2.3',
    });
  });

  it('refuses an operation that does not exist', async () => {
    using project = createComponentProject({ include: [includeOwn('token', { operation: 'delete' })] });
    const run = await previewPipeline(project);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('operation');
  });
});

describe("the README's token for one pipeline", () => {
  /** The YAML example of the README's gitlab-ci section that revokes, included from this commit. */
  function documentedExample(): string {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = /<!-- gitlab-ci:start -->([\s\S]*)<!-- gitlab-ci:end -->/.exec(readme)?.[1] ?? '';
    const examples = [...section.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
    const example = examples.find((text) => text.includes('operation: revoke'));
    expect(example, 'a yaml example with operation: revoke').toBeDefined();
    const published = '$CI_SERVER_FQDN/<group>/gitlab-pat/token@1';
    expect(example).toContain(published);
    return (example ?? '').replaceAll(published, '$CI_SERVER_FQDN/$CI_PROJECT_PATH/token@$CI_COMMIT_SHA');
  }

  it('creates the token first, lets a later job read it, and revokes it last, also after a failure', async () => {
    using project = createComponentProject(documentedExample());
    const run = await previewPipeline(project);
    expect(run.exitCode, run.stderr).toBe(0);
    const config = parse(run.rendered) as Record<string, unknown>;
    expect(validatePipeline(config)).toEqual([]);
    const jobs = Object.values(jobsOf(config));
    const create = jobs.find((job) => job.variables.GITLAB_PAT_OPERATION === 'create');
    const revoke = jobs.find((job) => job.variables.GITLAB_PAT_OPERATION === 'revoke');
    const users = jobs.filter((job) => job !== create && job !== revoke);
    expect(create).toMatchObject({ stage: '.pre', rules: [{ when: 'on_success' }] });
    expect(revoke).toMatchObject({ stage: '.post', rules: [{ when: 'always' }] });
    expect(create?.after_script).toBeUndefined();
    // The revoke finds exactly the token the create made: same name, same user, same credential.
    const key = create?.variables.GITLAB_PAT_VARIABLE_KEY ?? '';
    expect(key).not.toBe('');
    expect(revoke?.variables).toMatchObject({
      GITLAB_PAT_TOKEN_NAME: create?.variables.GITLAB_PAT_NAME,
      GITLAB_PAT_USER: create?.variables.GITLAB_PAT_USER,
      GITLAB_PAT_GITLAB_TOKEN_VARIABLE: create?.variables.GITLAB_PAT_GITLAB_TOKEN_VARIABLE,
      GITLAB_PAT_TOKEN_ID: '',
    });
    expect(create?.variables.GITLAB_PAT_EXPIRES_IN).toMatch(/^[0-9]+d$/);
    // The job in between reads the variable, from a stage between .pre and .post.
    expect(users).toHaveLength(1);
    expect(users[0]?.stage).not.toMatch(/^\.(pre|post)$/);
    expect(users[0]?.variables).toEqual({ GITLAB_TOKEN: `$${key}` });
  });
});

describe("the README's examples of every token kind", () => {
  /** The gitlab-ci blocks of the README that include a component and name a token_kind, from this commit. */
  function kindExamples(): string[] {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```$/gm)].map((match) =>
      (match[2] ?? '')
        .split('\n')
        .map((line) => line.slice((match[1] ?? '').length))
        .join('\n'),
    );
    return examples
      .filter(
        (text) => /component: .*gitlab-pat\/(rotate|token)@1/.test(text) && text.includes('token_kind:'),
      )
      .map((text) =>
        text.replace(
          /\$CI_SERVER_FQDN\/<group>\/gitlab-pat\/(\w+)@1/g,
          '$CI_SERVER_FQDN/$CI_PROJECT_PATH/$1@$CI_COMMIT_SHA',
        ),
      );
  }

  it('there is one for a project, a group and a service-account token', () => {
    const kinds = kindExamples().map((text) => /token_kind: ([\w-]+)/.exec(text)?.[1]);
    expect(new Set(kinds)).toEqual(new Set(['project', 'group', 'service-account']));
  });

  it.each(kindExamples().map((text) => [/token_kind: ([\w-]+)/.exec(text)?.[1], text] as const))(
    "example %# (token_kind %s) renders into a valid job whose inputs pass the CLI's rules",
    async (_, example) => {
      using project = createComponentProject(example);
      const run = await previewPipeline(project);
      expect(run.exitCode, run.stderr).toBe(0);
      const config = parse(run.rendered) as Record<string, unknown>;
      expect(validatePipeline(config)).toEqual([]);
      for (const job of Object.values(jobsOf(config))) {
        // The job's variables as the CLI reads them, with GitLab's predefined variables filled in.
        const env: NodeJS.ProcessEnv = { CI_PROJECT_ID: '4242' };
        for (const [name, value] of Object.entries(job.variables)) {
          env[name] = String(value)
            .replace('$CI_SERVER_URL', 'https://gitlab.example.com')
            .replace('$CI_PROJECT_PATH', 'acme/app');
        }
        env[env.GITLAB_PAT_GITLAB_TOKEN_VARIABLE ?? 'GITLAB_TOKEN'] = 'glpat-0123456789abcdefghij';
        const request = parseArgs([], env);
        expect(request.kind).toBe('run');
        if (request.kind !== 'run') continue;
        expect(() =>
          parseOptions(
            request.raw,
            { today: '2026-11-27', defaultVariableProject: 4242 },
            ...CLI_OPTION_SETS,
          ),
        ).not.toThrow();
      }
    },
  );
});

describe("the project's own pipeline", () => {
  it('includes both components from its own commit, tests, and releases tags to the CI/CD Catalog', async () => {
    using project = createComponentProject(readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8'));
    const run = await previewPipeline(project);
    expect(run.exitCode, run.stderr).toBe(0);
    const config = parse(run.rendered) as Record<string, unknown>;
    expect(validatePipeline(config)).toEqual([]);
    const jobs = jobsOf(config);
    expect(Object.keys(jobs).sort()).toEqual(
      [
        'check-release',
        'create-release',
        'rotate component (dry run)',
        'test',
        'token component (list)',
      ].sort(),
    );
    expect(jobs.test?.script).toEqual(['.ci/run']);
    expect(jobs['rotate component (dry run)']?.variables).toMatchObject({
      GITLAB_PAT_DRY_RUN: 'true',
      GITLAB_PAT_COMPONENT_COMMAND: 'node dist/cli/index.js',
    });
    expect(jobs['create-release']).toMatchObject({
      image: { name: 'registry.gitlab.com/gitlab-org/cli:latest' },
      release: { tag_name: '$CI_COMMIT_TAG' },
      needs: [expect.objectContaining({ job: 'check-release' })],
    });
  });
});

describe('the schema check', () => {
  it('finds what GitLab would refuse', () => {
    expect(validatePipeline({ job: { script: 'true', retry: 'never' } })).not.toEqual([]);
    expect(validateInputsSpec({ flag: { type: 'boolean', default: 'yes' } })).not.toEqual([]);
  });
});

describe('the sync and audit components', () => {
  it('render into valid jobs: sync split by parallel with a resource group per shard, audit with its JUnit report', async () => {
    const sync = await render('sync', { inventory: 'tokens.yml', parallel: 3 });
    expect(validatePipeline(sync.config)).toEqual([]);
    expect(jobsOf(sync.config)['gitlab-pat-sync']).toMatchObject({
      parallel: 3,
      resource_group: 'gitlab-pat-sync-$GITLAB_PAT_GITLAB_TOKEN_VARIABLE-$CI_NODE_INDEX',
      interruptible: false,
      retry: 0,
      variables: { GITLAB_PAT_OPERATION: 'sync', GITLAB_PAT_INVENTORY: 'tokens.yml', GITLAB_PAT_SHARD: '' },
    });
    const audit = await render('audit', {});
    expect(validatePipeline(audit.config)).toEqual([]);
    expect(jobsOf(audit.config)['gitlab-pat-audit']).toMatchObject({
      artifacts: {
        when: 'always',
        paths: ['gitlab-pat-audit.json'],
        reports: { junit: 'gitlab-pat-audit.xml' },
      },
      variables: { GITLAB_PAT_OPERATION: 'audit', GITLAB_PAT_FAIL_ON: 'expired,expiring' },
    });
  });
});
