/**
 * argv and environment to the same raw option record the Action builds from its inputs. Only the CLI's own
 * conventions live here (positional operation, --flag value, --flag=value, bare boolean flags, env fallbacks).
 */
import { InputError } from '../core/errors.js';
import { OPERATIONS, OPTION_NAMES, optionMeta, type OptionName, type RawOptions } from '../core/options.js';

export type CliRequest =
  | { kind: 'help' }
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
] as const satisfies readonly (readonly [OptionName, OptionName])[];

export const CLI_OPTION_NAMES: readonly OptionName[] = OPTION_NAMES.filter((name) => {
  const doors = optionMeta(name).frontDoors;
  return !doors || doors.includes('cli');
});

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliRequest {
  const raw: RawOptions = {};
  const warnings: string[] = [];
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '-h' || arg === '--help' || arg === 'help') return { kind: 'help' };
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
    } else if (optionMeta(name).flag) {
      raw[name] = 'true';
    } else {
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new InputError(`Option --${name} needs a value: --${name} <value> or --${name}=<value>.`);
      }
      raw[name] = next;
      index += 1;
    }
    if (name === 'gitlab-token') {
      warnings.push(
        'Passing --gitlab-token on the command line shows it in the process list and shell history; prefer the GITLAB_TOKEN environment variable.',
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
      `Expected one operation, got ${positional.length}: ${positional.join(' ')}. Quote values that contain spaces.`,
    );
  }
  const operation = positional[0];
  if (operation !== undefined) {
    if (raw.operation !== undefined)
      throw new InputError('Give the operation once: as the first word or as --operation.');
    if (!(OPERATIONS as readonly string[]).includes(operation)) {
      throw new InputError(
        `Unknown operation ${JSON.stringify(operation)}: expected one of ${OPERATIONS.join(', ')}. Run gitlab-pat --help for usage.`,
      );
    }
    raw.operation = operation;
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
  for (const name of CLI_OPTION_NAMES) {
    if (raw[name] === undefined) raw[name] = fromEnvironment(name, env);
  }
  // In GitLab CI the job's own project is where a variable goes unless told otherwise.
  if (
    raw['variable-key'] !== undefined &&
    raw['variable-project'] === undefined &&
    raw['variable-group'] === undefined
  ) {
    if (env.CI_PROJECT_ID) raw['variable-project'] = env.CI_PROJECT_ID;
  }
  warnings.push(...unknownEnvironmentOptions(env));
  return { kind: 'run', raw, warnings, credentialVariable };
}

/**
 * Every option can come from GITLAB_PAT_<NAME> (what the GitLab components set, so that input values stay data and
 * never become shell words), then from its conventional variables (GITLAB_TOKEN, CI_SERVER_URL, ...).
 */
export function environmentNames(name: OptionName): string[] {
  return [`GITLAB_PAT_${name.toUpperCase().replace(/-/g, '_')}`, ...(optionMeta(name).env ?? [])];
}

function fromEnvironment(name: OptionName, env: NodeJS.ProcessEnv): string | undefined {
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
  const closest = CLI_OPTION_NAMES.map((name) => ({ name, distance: editDistance(flag, name) })).sort(
    (a, b) => a.distance - b.distance,
  )[0];
  const hint = closest && closest.distance <= 3 ? ` Did you mean --${closest.name}?` : '';
  return `Unknown option --${flag}.${hint} Run gitlab-pat --help for the list of options.`;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] ?? 0;
      previous[j] = Math.min(
        above + 1,
        (previous[j - 1] ?? 0) + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}
