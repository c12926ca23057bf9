/**
 * The inventory is checked before any request: every problem at once, each naming the entry and the key, what was
 * expected and what was given (never a value shaped like a token), unknown keys with a "did you mean".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readInventory } from '../../src/core/fleet/read-inventory.js';
import { parseOptions } from '../../src/core/options/parse-options.js';
import { shardOf } from '../../src/core/fleet/plan.js';

const run = (operation: 'sync' | 'audit' = 'sync') =>
  parseOptions(
    {
      operation,
      'gitlab-url': 'https://gitlab.example.com',
      'gitlab-token': 'glpat-0123456789abcdefghij',
      inventory: 'tokens.yml',
    },
    { today: '2026-11-27' },
  ).options;

async function problemsOf(text: string, operation: 'sync' | 'audit' = 'sync'): Promise<string> {
  try {
    await readInventory({ path: 'tokens.yml', text, run: run(operation), lists: [] });
    return '';
  } catch (error) {
    expect((error as { exitCode?: number }).exitCode).toBe(2);
    return (error as Error).message;
  }
}

const entry = (extra: string) =>
  `tokens:\n  - key: deploy-bot\n    token-kind: project\n    project: platform/deployer\n    token-name: deploy\n    variables: [{ key: DEPLOY_TOKEN }]\n${extra}`;

describe('an inventory', () => {
  it('reads a valid one: defaults merged, entry keys win, every kind', async () => {
    const entries = await readInventory({
      path: 'tokens.yml',
      text: `defaults:\n  expires-in: 90d\n  rotate-before: 14d\ntokens:\n  - key: deploy-bot\n    token-kind: project\n    project: platform/deployer\n    token-name: deploy\n    expires-in: 180d\n    variables: [{ key: DEPLOY_TOKEN, environment-scope: production, protected: false }]\n  - key: svc\n    token-kind: service-account\n    group: acme\n    user: svc-bot\n    token-name: ci\n    create-missing: true\n    scopes: [api]\n    variables: [{ key: CI_TOKEN }]\n  - key: old\n    user: alice\n    token-name: laptop\n    state: revoked\n`,
      run: run(),
      lists: [],
    });
    expect(entries.map((each) => [each.key, each.kind, each.state, each.primary.operation])).toEqual([
      ['deploy-bot', 'project', 'active', 'rotate'],
      ['svc', 'service-account', 'active', 'rotate'],
      ['old', 'personal', 'revoked', 'revoke'],
    ]);
    expect(entries[0]?.primary.expiry).toMatchObject({ kind: 'in', duration: { text: '180d' } });
    expect(entries[0]?.primary.rotateBefore?.text).toBe('14d');
    expect(entries[0]?.variables[0]).toMatchObject({
      key: 'DEPLOY_TOKEN',
      owner: { kind: 'project', ref: 'platform/deployer' },
      environmentScope: 'production',
      protected: false,
    });
    expect(entries[1]?.create?.create).toMatchObject({ name: 'ci', scopes: ['api'] });
    expect(entries[1]?.variables[0]?.owner).toEqual({ kind: 'group', ref: 'acme' });
  });

  it('gives an entry without rotate-before the inventory default of 30d', async () => {
    const [first] = await readInventory({ path: 't.yml', text: entry(''), run: run(), lists: [] });
    expect(first?.primary.rotateBefore?.text).toBe('30d');
  });

  it.each([
    [
      'a value of the wrong form',
      entry('    expires-in: 9x\n'),
      'tokens[0] (deploy-bot): expires-in: expected a duration',
    ],
    [
      'an unknown key, with a guess',
      entry('    rotate-befor: 30d\n'),
      'tokens[0] (deploy-bot): unknown key "rotate-befor". Did you mean rotate-before?',
    ],
    ['a typo of token-kind', entry('    token-knd: project\n'), 'Did you mean token-kind?'],
    [
      'a credential in the file',
      entry('    gitlab-token: x\n'),
      'gitlab-token is a secret, and an inventory never holds one',
    ],
    ['gitlab-url in the file', entry('    gitlab-url: https://x\n'), 'gitlab-url comes from the run'],
    [
      'variable-key instead of variables',
      entry('    variable-key: X\n'),
      'variable-key is written as a variables item',
    ],
    ['a run option in an entry', entry('    concurrency: 3\n'), 'concurrency is an option of the run'],
    [
      'a bad kind',
      entry('').replace('token-kind: project', 'token-kind: robot'),
      'tokens[0] (deploy-bot): token-kind: expected one of personal, project, group, service-account; got "robot"',
    ],
    [
      'a missing owner for the kind',
      entry('').replace('    project: platform/deployer\n', ''),
      'tokens[0] (deploy-bot): token-kind project needs project',
    ],
    ['create-missing without scopes', entry('    create-missing: true\n'), 'create-missing needs scopes'],
    [
      'no destination',
      'tokens:\n  - key: a\n    user: bob\n    token-name: t\n',
      'tokens[0] (a): has no variables',
    ],
    [
      'a personal token variable without a place',
      'tokens:\n  - key: a\n    user: bob\n    token-name: t\n    variables: [{ key: T }]\n',
      'tokens[0] (a): variables[0]: needs project or group',
    ],
    [
      'a bad variable key',
      entry('').replace('DEPLOY_TOKEN', 'DEPLOY-TOKEN'),
      'tokens[0] (deploy-bot): variables[0].key: expected a CI/CD variable key',
    ],
    [
      'an unknown variable key',
      entry('').replace('{ key: DEPLOY_TOKEN }', '{ key: DEPLOY_TOKEN, scope: x }'),
      'variables[0]: unknown key "scope". The keys here are key, project, group, environment-scope',
    ],
    [
      'a duplicate key',
      `${entry('')}  - key: deploy-bot\n    user: bob\n    token-name: t\n    variables: [{ key: T, project: p }]\n`,
      'tokens[1] (deploy-bot): key deploy-bot is also the key of tokens[0]',
    ],
    [
      'a duplicate key beside a problem of another kind: both said at once',
      `${entry('    rotate-befor: 30d\n')}  - key: deploy-bot\n    user: bob\n    token-name: t\n    variables: [{ key: T, project: p }]\n`,
      'tokens[1] (deploy-bot): key deploy-bot is also the key of tokens[0]',
    ],
    [
      'the same token twice',
      `${entry('')}  - key: again\n    token-kind: project\n    project: Platform/Deployer\n    token-name: deploy\n    variables: [{ key: T }]\n`,
      'tokens[1] (again): names the same token as tokens[0] (deploy-bot)',
    ],
    ['no tokens', 'defaults: {}\n', 'tokens: missing; expected a list of entries'],
    [
      'one variable for two tokens',
      `${entry('')}  - key: other\n    user: bob\n    token-name: t\n    variables: [{ key: DEPLOY_TOKEN, project: Platform/Deployer }]\n`,
      'tokens[1] (other): variables[0]: CI/CD variable DEPLOY_TOKEN in project platform/deployer (environment scope *) is also written by tokens[0] (deploy-bot)',
    ],
    [
      "one entry's variable as another's fallback",
      `${entry('')}  - key: other\n    user: bob\n    token-name: t\n    variables: [{ key: DEPLOY_TOKEN_FALLBACK, project: platform/deployer }]\n`,
      "tokens[1] (other): variables[0]: CI/CD variable DEPLOY_TOKEN_FALLBACK in project platform/deployer (environment scope *) is also the fallback of tokens[0] (deploy-bot) (variables[0].fallback-key), where its new token goes when a write fails; one place holds one token, or one entry's new token would overwrite the other's and be lost. Give tokens[0] (deploy-bot) variables[0] another fallback-key (it is DEPLOY_TOKEN_FALLBACK unless given), or the other entry another key.",
    ],
    [
      'one fallback for two variables',
      `${entry('').replace('{ key: DEPLOY_TOKEN }', '{ key: DEPLOY_TOKEN, fallback-key: SPARE }')}  - key: other\n    user: bob\n    token-name: t\n    variables: [{ key: OTHER, project: platform/deployer, fallback-key: SPARE }]\n`,
      "tokens[1] (other): variables[0].fallback-key: CI/CD variable SPARE in project platform/deployer (environment scope *) is this entry's fallback, and also the fallback of tokens[0] (deploy-bot) (variables[0].fallback-key)",
    ],
    ['not YAML', 'tokens: [\n  - a', 'line 2'],
    ['a list at the top', '- a\n- b\n', 'the file: expected a mapping with tokens'],
    [
      'state revoked without a name',
      'tokens:\n  - key: a\n    state: revoked\n',
      'state revoked needs token-name',
    ],
  ])('refuses %s', async (_, text, expected) => {
    expect(await problemsOf(text)).toContain(expected);
  });

  it('says a variable shared whole (with its fallback) once', async () => {
    const problems = await problemsOf(
      `${entry('')}  - key: other\n    user: bob\n    token-name: t\n    variables: [{ key: DEPLOY_TOKEN, project: platform/deployer }]\n`,
    );
    expect(problems).toContain('has a problem;');
  });

  it('lets two entries write one key in different environment scopes, and their fallbacks too', async () => {
    const entries = await readInventory({
      path: 'tokens.yml',
      text: `${entry('').replace('{ key: DEPLOY_TOKEN }', '{ key: DEPLOY_TOKEN, environment-scope: production }')}  - key: other\n    user: bob\n    token-name: t\n    variables: [{ key: DEPLOY_TOKEN, project: platform/deployer, environment-scope: staging }]\n`,
      run: run(),
      lists: [],
    });
    expect(entries.map((each) => each.key)).toEqual(['deploy-bot', 'other']);
  });

  it('reports every problem at once, numbered by entry', async () => {
    const message = await problemsOf(
      `tokens:\n  - key: a\n    user: bob\n    token-name: t\n    expires-in: soon\n    variables: [{ key: T, project: p }]\n  - key: b\n    user: bob\n    tokne-name: u\n    variables: [{ key: U, project: p }]\n`,
    );
    expect(message).toMatch(/^The inventory tokens\.yml has 2 problems; nothing was done:/);
    expect(message).toContain('tokens[0] (a): expires-in');
    expect(message).toContain('tokens[1] (b): unknown key "tokne-name". Did you mean token-name?');
  });

  it('never echoes a value shaped like a token, wherever it is', async () => {
    const secret = 'glpat-abcdefghijklmnopqrstu';
    const message = await problemsOf(entry(`    description: ${secret}\n`));
    expect(message).toContain(
      'tokens[0] (deploy-bot): description: holds a value shaped like a GitLab token (not shown)',
    );
    expect(message).not.toContain(secret);
  });

  it('needs no destination for an audit', async () => {
    const entries = await readInventory({
      path: 't.yml',
      text: 'tokens:\n  - key: a\n    user: bob\n    token-name: t\n',
      run: run('audit'),
      lists: [],
    });
    expect(entries).toHaveLength(1);
  });
});

describe('shards', () => {
  it('are stable and disjoint, and cover every key exactly once', () => {
    const keys = Array.from({ length: 300 }, (_, index) => `entry-${index}`);
    const counts = [0, 0, 0];
    for (const key of keys) {
      const shard = shardOf(key, 3);
      expect(shard).toBe(shardOf(key, 3));
      counts[shard - 1] = (counts[shard - 1] ?? 0) + 1;
    }
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(300);
    for (const count of counts) expect(count).toBeGreaterThan(60);
  });
});

describe('the JSON Schema', () => {
  it('is valid draft 2020-12, accepts the README example and refuses what the reader refuses', () => {
    const root = join(import.meta.dirname, '../..');
    const schema = JSON.parse(readFileSync(join(root, 'schema/inventory.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /```yaml\n(# yaml-language-server: \$schema=[\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(validate(parse(example)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ tokens: [{ key: 'a', 'rotate-befor': '30d' }] })).toBe(false);
    expect(validate({ tokens: [{ key: 'a', 'token-kind': 'robot' }] })).toBe(false);
    expect(validate({ tokens: [{ key: 'a', variables: [{ key: 'T', scope: 'x' }] }] })).toBe(false);
  });
});
