/**
 * What both Action entries (main and post) share: reading inputs, logging through the runner with redaction, and
 * the failure text. Kept apart from run-action.ts so that the post step does not bundle the main step's
 * destinations.
 */
import type * as actionsCore from '@actions/core';
import { createLogger, type Logger, type LogSink } from '../core/logger.js';
import type { RawOptions } from '../core/options/option-kit.js';
import { optionNames } from '../core/options/parse-options.js';
import { actionOptions } from './action-options.js';
import { githubSecretOptions } from './github-secret-options.js';
import { PatError } from '../core/errors.js';
import type { SecretRegistry } from '../core/redact.js';

export type ActionsCore = Pick<
  typeof actionsCore,
  | 'getInput'
  | 'setOutput'
  | 'setSecret'
  | 'setFailed'
  | 'info'
  | 'warning'
  | 'error'
  | 'debug'
  | 'saveState'
  | 'summary'
>;

/** The option sets the Action reads besides the GitLab options. */
export const ACTION_OPTION_SETS = [githubSecretOptions, actionOptions] as const;

/** Every Action input's name, in action.yml order. */
export const ACTION_INPUT_NAMES: readonly string[] = optionNames(ACTION_OPTION_SETS);

export function readActionInputs(core: ActionsCore): RawOptions {
  return Object.fromEntries(ACTION_INPUT_NAMES.map((name) => [name, core.getInput(name)]));
}

export function createActionLogger(core: ActionsCore, secrets: SecretRegistry): Logger {
  const sink: LogSink = {
    // core.info writes lines as they are, and a line that starts with :: is a workflow command. Text from GitLab
    // (token names, error bodies) must never become one.
    info: (line) => core.info(line.replace(/^(\s*)::/gm, '$1: :')),
    warn: (line) => core.warning(line),
    error: (line) => core.error(line),
    debug: (line) => core.debug(line),
    mask: (value) => core.setSecret(value),
  };
  return createLogger(sink, secrets);
}

export function failureText(error: unknown, log: Logger): string {
  if (error instanceof PatError) {
    const steps = error.steps.map((step, index) => `\n  ${index + 1}. ${step}`).join('');
    return log.redact(`${error.message}${steps ? `\nTo recover:${steps}` : ''}`);
  }
  // Never the error object itself: only its message, redacted.
  const message = error instanceof Error ? error.message : String(error);
  return log.redact(`Unexpected failure: ${message}`);
}
