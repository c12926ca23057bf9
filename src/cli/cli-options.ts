/**
 * Options only the command line has. The two *-variable options name an environment variable that holds a secret
 * (the name, never the value): parse-args.ts reads them before anything else, so that the secret can be registered
 * for redaction before any parse could echo it.
 */
import type { OptionSet } from '../core/options/parse-options.js';
import {
  misappliedOptions,
  option,
  parseBoolean,
  parseShape,
  parseVariableName,
} from '../core/options/option-kit.js';

export const CLI_OPTIONS = {
  'gitlab-token-variable': option(
    {
      description:
        'The name of the environment variable that holds the credential, for jobs whose token lives in a differently named masked variable (the name, never the value).',
      defaultText: 'GITLAB_TOKEN',
    },
    parseVariableName,
  ),
  'recovery-token-variable': option(
    {
      description:
        'The name of the environment variable that holds recovery-token (the name, never the value).',
      operations: ['rotate'],
    },
    parseVariableName,
  ),
  'github-token-variable': option(
    {
      description:
        'The name of the environment variable that holds github-token, for jobs whose GitHub credential lives in a masked variable (the name, never the value).',
      operations: ['create', 'rotate', 'sync'],
    },
    parseVariableName,
  ),
  'print-token': option(
    {
      description:
        'Include the new token value in the JSON on stdout. Without it, the value is never printed.',
      operations: ['create', 'rotate'],
      defaultText: 'false',
      flag: true,
    },
    parseBoolean,
  ),
  debug: option(
    {
      description: 'Log every request (method, endpoint, status) to stderr; token values stay redacted.',
      defaultText: 'false',
      flag: true,
    },
    parseBoolean,
  ),
};

export interface CliOptions {
  readonly printToken: boolean;
  readonly debug: boolean;
}

export const cliOptions: OptionSet<CliOptions> = {
  shape: CLI_OPTIONS,
  parse(given, { operation }) {
    const { input, problems } = parseShape(CLI_OPTIONS, given);
    problems.push(...misappliedOptions(CLI_OPTIONS, given, operation));
    return { value: { printToken: input['print-token'] ?? false, debug: input.debug ?? false }, problems };
  },
};
