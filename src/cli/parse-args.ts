/**
 * argv and environment to the same raw option record the Action builds from its inputs. Only the CLI's own
 * conventions live here (positional operation, --flag value, --flag=value, bare boolean flags, env fallbacks).
 */
import { InputError } from '../core/errors.js';
import {
  OPERATIONS,
  closestName,
  looksLikeToken,
  quoteGiven,
  tokenShapedParts,
  type Operation,
  type OptionMeta,
  type RawOptions,
} from '../core/options/option-kit.js';
import { describeOptions } from '../core/options/parse-options.js';
import { githubSecretOptions } from '../github/github-secret-options.js';
import { cliOptions } from './cli-options.js';

/** The option sets the CLI reads besides the GitLab options. */
export const CLI_OPTION_SETS = [githubSecretOptions, cliOptions] as const;

/** Every option the CLI takes, in help order, with its metadata. */
export const CLI_OPTIONS_DESCRIBED: readonly (readonly [string, OptionMeta])[] =
  describeOptions(CLI_OPTION_SETS);
export const CLI_OPTION_NAMES: readonly string[] = CLI_OPTIONS_DESCRIBED.map(([name]) => name);
const META = new Map(CLI_OPTIONS_DESCRIBED);

function metaOf(name: string): OptionMeta {
  return META.get(name) ?? { description: '' };
}

export type CliRequest =
  /** `operation`: the one named before --help (`gitlab-pat rotate --help`), whose help is shown alone. */
  | { kind: 'help'; operation?: Operation }
  | { kind: 'version' }
  | {
      kind: 'run';
      raw: RawOptions;
      warnings: string[];
      /** The environment variable gitlab-token was read from; undefined when it was given as a flag. */
      credentialVariable: string | undefined;
    };

/** Secret options, and the CLI option that names the environment variable holding each. */
const SECRETS_BY_VARIABLE_NAME = [
  ['gitlab-token', 'gitlab-token-variable'],
  ['recovery-token', 'recovery-token-variable'],
  ['github-token', 'github-token-variable'],
] as const;

/**
 * Every value of this process that may be a secret, found before anything is parsed, so that no message (an unknown
 * option, a bad value, a crash) can echo it: secret options from the environment and argv, the variables the
 * *-variable options name, and any argument shaped like a GitLab token, whatever option it was given to.
 */
export function secretsBeforeParsing(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  const secretNames = CLI_OPTIONS_DESCRIBED.filter(([, meta]) => meta.secret).map(([name]) => name);
  for (const name of secretNames) {
    for (const variable of environmentNames(name)) found.push(env[variable] ?? '');
  }
  for (const [, named] of SECRETS_BY_VARIABLE_NAME) {
    for (const variable of environmentNames(named)) {
      const target = env[variable];
      if (target && /^[A-Za-z_][A-Za-z0-9_]*$/.test(target)) found.push(env[target] ?? '');
    }
  }
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const [flag, inline] = arg.startsWith('--') ? splitFlag(arg.slice(2)) : [undefined, undefined];
    if (flag !== undefined && secretNames.includes(flag)) found.push(inline ?? argv[index + 1] ?? '');
    if (flag !== undefined && SECRETS_BY_VARIABLE_NAME.some(([, named]) => named === flag)) {
      // The *-variable options take a name; a value given there by mistake is protected too.
      const given = inline ?? argv[index + 1] ?? '';
      found.push(given, env[given] ?? '');
    }
    found.push(...tokenShapedParts(arg));
  }
  return found.map((value) => value.trim()).filter((value) => value.length >= 8);
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliRequest {
  const raw: Record<string, string | undefined> = {};
  const warnings: string[] = [];
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '-h' || arg === '--help' || arg === 'help') return helpRequest(argv);
    if (arg === '-v' || arg === '--version') return { kind: 'version' };
    if (arg === '--') {
      positional.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [flag, inlineValue] = splitFlag(arg.slice(2));
    const name = CLI_OPTION_NAMES.find((candidate) => candidate === flag);
    if (!name) throw new InputError(unknownFlag(flag));
    if (raw[name] !== undefined) throw new InputError(`Option --${name} is given twice; give it once.`);
    if (inlineValue !== undefined) {
      raw[name] = inlineValue;
    } else if (metaOf(name).flag) {
      raw[name] = 'true';
    } else {
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new InputError(`Option --${name} needs a value: --${name} <value> or --${name}=<value>.`);
      }
      raw[name] = next;
      index += 1;
    }
    if (metaOf(name).secret) {
      warnings.push(
        `Passing --${name} on the command line shows it in the process list and shell history; prefer the ${environmentNames(name).at(-1) ?? ''} environment variable.`,
      );
    }
  }
  const strayBoolean = positional.slice(1).find((word) => /^(true|false|yes|no)$/i.test(word));
  if (strayBoolean !== undefined) {
    throw new InputError(
      `${JSON.stringify(strayBoolean)} follows a flag that takes no value: write --flag to turn it on, or --flag=${strayBoolean.toLowerCase()}.`,
    );
  }
  if (positional.length > 1) {
    throw new InputError(
      `Expected one operation, got ${positional.length} words: ${positional.map((word) => (looksLikeToken(word) ? '(a value shaped like a token, not shown)' : word)).join(' ')}. Quote values that contain spaces.`,
    );
  }
  const operationWord = positional[0];
  if (operationWord !== undefined) {
    if (raw.operation !== undefined)
      throw new InputError('Give the operation once: as the first word or as --operation.');
    if (!(OPERATIONS as readonly string[]).includes(operationWord)) {
      // Never in part: redaction recognises a secret (GITLAB_TOKEN given as the operation) only whole.
      const shown = looksLikeToken(operationWord)
        ? '(a value shaped like a GitLab token, not shown)'
        : quoteGiven(operationWord, 40);
      throw new InputError(`Unknown operation ${shown}: expected one of ${OPERATIONS.join(', ')}.`);
    }
    raw.operation = operationWord;
  }
  let credentialVariable: string | undefined;
  // A credential may live in a variable of another name; the option names the variable, never the value. It wins
  // over GITLAB_TOKEN from the environment, not over an explicit --gitlab-token.
  for (const [secret, named] of SECRETS_BY_VARIABLE_NAME) {
    const variable = raw[named] ?? fromEnvironment(named, env);
    if (variable === undefined || raw[secret] !== undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
      continue;
    const value = env[variable];
    if (value === undefined || value === '') {
      throw new InputError(
        `Input ${named} names ${variable}, but no such environment variable is set (or it is empty). In GitLab CI, define it as a masked CI/CD variable available to this job (protected variables reach only protected branches and tags).`,
      );
    }
    raw[secret] = value;
    if (secret === 'gitlab-token') credentialVariable = variable;
  }
  if (raw['gitlab-token'] === undefined) {
    credentialVariable = environmentNames('gitlab-token').find(
      (name) => env[name] !== undefined && env[name] !== '',
    );
  }
  // An environment variable set for a whole job is a default: one that does not apply to this operation is left
  // out instead of failing it. A flag given for the wrong operation is an error, and so is a component's input:
  // the components set GITLAB_PAT_COMPONENT_* and pass each of their inputs as its GITLAB_PAT_* variable.
  const fromComponent = Object.keys(env).some((name) => name.startsWith('GITLAB_PAT_COMPONENT_'));
  const operation = (raw.operation ?? fromEnvironment('operation', env) ?? 'rotate') as Operation;
  for (const name of CLI_OPTION_NAMES) {
    if (raw[name] !== undefined) continue;
    const value = fromEnvironment(name, env);
    const applies = metaOf(name).operations;
    const explicit = fromComponent && value !== undefined && value === env[environmentNames(name)[0] ?? ''];
    if (applies && !applies.includes(operation) && !explicit) continue;
    raw[name] = value;
  }
  // A GitLab job with `parallel: N` is one shard of N: the default that makes `parallel:` split an inventory.
  const nodeTotal = Number(env.CI_NODE_TOTAL);
  if (
    operation === 'sync' &&
    raw.shard === undefined &&
    env.GITLAB_CI === 'true' &&
    Number.isInteger(nodeTotal) &&
    nodeTotal > 1 &&
    env.CI_NODE_INDEX
  ) {
    raw.shard = `${env.CI_NODE_INDEX}/${nodeTotal}`;
  }
  warnings.push(...unknownEnvironmentOptions(env));
  return { kind: 'run', raw, warnings, credentialVariable };
}

/**
 * Every option can come from GITLAB_PAT_<NAME> (what the GitLab components set, so that input values stay data and
 * never become shell words), then from its conventional variables (GITLAB_TOKEN, CI_SERVER_URL, ...).
 */
export function environmentNames(name: string): string[] {
  return [`GITLAB_PAT_${name.toUpperCase().replace(/-/g, '_')}`, ...(metaOf(name).env ?? [])];
}

function fromEnvironment(name: string, env: NodeJS.ProcessEnv): string | undefined {
  return environmentNames(name)
    .map((variable) => env[variable])
    .find((value) => value !== undefined && value !== '');
}

/** GITLAB_PAT_* variables that name no option: most likely a typo that would otherwise be silently ignored. */
function unknownEnvironmentOptions(env: NodeJS.ProcessEnv): string[] {
  const known = new Set(CLI_OPTION_NAMES.flatMap((name) => environmentNames(name)));
  return Object.keys(env)
    .filter(
      (name) =>
        name.startsWith('GITLAB_PAT_') && !name.startsWith('GITLAB_PAT_COMPONENT_') && !known.has(name),
    )
    .map(
      (name) =>
        `The environment variable ${name} names no option and is ignored. Run gitlab-pat --help for the options.`,
    );
}

function splitFlag(text: string): [string, string | undefined] {
  const equals = text.indexOf('=');
  return equals === -1 ? [text, undefined] : [text.slice(0, equals), text.slice(equals + 1)];
}

function unknownFlag(flag: string): string {
  if (looksLikeToken(flag)) {
    return 'Unknown option: the argument after -- looks like a GitLab token (not shown). Pass the credential in the GITLAB_TOKEN environment variable, never as an argument.';
  }
  const closest = closestName(flag, CLI_OPTION_NAMES);
  const hint = closest ? ` Did you mean --${closest}?` : '';
  // Never in part: redaction recognises a secret only whole.
  return flag.length > 40
    ? `Unknown option: an option name of ${flag.length} characters (too long to show).${hint}`
    : `Unknown option --${flag}.${hint}`;
}

/** Help for everything, or for the operation the command line names first (`rotate --help`, `--operation rotate`). */
function helpRequest(argv: readonly string[]): CliRequest {
  const named = argv[0] === '--operation' ? argv[1] : argv.find((arg) => !arg.startsWith('-'));
  const operation = OPERATIONS.find((each) => each === named?.toLowerCase());
  return operation === undefined ? { kind: 'help' } : { kind: 'help', operation };
}
