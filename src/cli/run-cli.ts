/**
 * The command line (also what the GitLab CI/CD components run): argv and environment in, JSON on stdout, progress
 * and errors on stderr, the contract's exit codes out.
 */
import type { Destination } from '../core/destinations/destination.js';
import { ExitCode, InputError, PatError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { OperationResult } from '../core/operations/result.js';
import { OPERATIONS } from '../core/options/option-kit.js';
import { parseOptions, secretValues } from '../core/options/parse-options.js';
import { SecretRegistry } from '../core/redact.js';
import { runOperation } from '../core/run-operation.js';
import { utcDate } from '../core/time/expiry.js';
import { githubSecretOptions } from '../github/github-secret-options.js';
import { githubApiUrl, githubSecretDestination } from '../github/github-secret-destination.js';
import { githubSecretsList } from '../github/github-secret-inventory.js';
import { summarizeReport } from '../core/report/report-summary.js';
import { reportJson } from '../core/report/report-json.js';
import { renderReportBlock } from './report-block.js';
import { VERSION } from '../version.js';
import { cliOptions } from './cli-options.js';
import { renderHelp } from './help.js';
import { CLI_OPTION_SETS, parseArgs, secretsBeforeParsing } from './parse-args.js';

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * Bound before the output guard replaces `process.stdout.write`: the CLI's own writes are already redacted (the
 * logger) or deliberate (the JSON, whose only secret is a token asked for with --print-token); the guard is for
 * everything else in the process.
 */
export function processIo(): CliIo {
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  return {
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (text) => stdout(text),
    stderr: (text) => stderr(text),
  };
}

/** `secrets` is shared with the entry's process-wide output guard. */
export async function runCli(io: CliIo, secrets = new SecretRegistry()): Promise<ExitCode> {
  let debug = false;
  let operation: string | undefined;
  // The value handed to --print-token: printed on failure too, since the message then says it is on stdout.
  let printed: string | undefined;
  const log: Logger = createLogger(
    {
      info: (line) => io.stderr(`${line}\n`),
      warn: (line) => io.stderr(`warning: ${line}\n`),
      error: (line) => io.stderr(`error: ${line}\n`),
      debug: (line) => {
        if (debug) io.stderr(`debug: ${line}\n`);
      },
      // A terminal has no masking; redaction is all there is. A GitHub runner reads workflow commands on both
      // streams: run from a `run:` step, the CLI masks like the Action, on stderr so that stdout stays JSON.
      mask: (value) => {
        if (io.env.GITHUB_ACTIONS === 'true') io.stderr(`::add-mask::${value}\n`);
      },
    },
    secrets,
  );
  // Before anything is parsed: a secret in the wrong place must be redacted from the very first message.
  for (const secret of secretsBeforeParsing(io.argv, io.env)) secrets.add(secret);
  try {
    const request = parseArgs(io.argv, io.env);
    if (request.kind === 'help') {
      io.stdout(renderHelp(VERSION));
      return ExitCode.ok;
    }
    if (request.kind === 'version') {
      io.stdout(`${VERSION}\n`);
      return ExitCode.ok;
    }
    for (const secret of secretValues(request.raw, CLI_OPTION_SETS)) {
      secrets.add(secret);
    }
    for (const warning of request.warnings) log.warn(warning);
    const word = request.raw.operation ?? 'rotate';
    operation = (OPERATIONS as readonly string[]).includes(word) ? word : undefined;
    const {
      options,
      sets: [githubSecret, cli],
      warnings,
    } = parseOptions(
      request.raw,
      {
        today: utcDate(new Date()),
        ...(io.env.CI_PROJECT_ID ? { defaultVariableProject: io.env.CI_PROJECT_ID } : {}),
      },
      githubSecretOptions,
      cliOptions,
    );
    debug = cli.debug;
    for (const warning of warnings) log.warn(warning);
    if (cli.printToken && io.env.GITLAB_CI === 'true') {
      throw new InputError(
        '--print-token is refused in GitLab CI: GitLab cannot mask a value created during the job, so the job log would show the token. Store it in a masked, hidden CI/CD variable instead.',
      );
    }

    const outputs: Destination[] = [];
    if (cli.printToken) {
      outputs.push({
        description: 'stdout (--print-token)',
        durable: false,
        preflight: () => Promise.resolve(),
        write: (token) => {
          printed = token.token;
          return Promise.resolve();
        },
      });
    }
    if (githubSecret) {
      outputs.push(
        githubSecretDestination(githubSecret, {
          apiUrl: githubApiUrl(io.env),
          defaultRepository: io.env.GITHUB_REPOSITORY,
          log,
        }),
      );
    }
    const githubToken = request.raw['github-token']?.trim() || undefined;
    const result = await runOperation(options, {
      log,
      outputs,
      inventoryLists: [
        githubSecretsList(githubToken, {
          apiUrl: githubApiUrl(io.env),
          defaultRepository: io.env.GITHUB_REPOSITORY,
          log,
        }),
      ],
    });
    if (result.report) {
      // sync and audit: the readable block for the job log on stderr, the JSON report alone on stdout.
      io.stderr(secrets.redact(renderReportBlock(summarizeReport(result.report, result.headline))));
      io.stdout(secrets.redact(reportJson(result.report)));
      return result.exitCode ?? ExitCode.ok;
    }
    log.info(result.headline);
    warnIfCredentialSourceIsStale(log, io.env, request.credentialVariable, options.variable?.key, result);
    // stdout is a destination too: with --print-token the value must arrive, or the run must say it did not.
    // The one place a value may reach stdout: asked for explicitly, written raw on purpose.
    io.stdout(`${JSON.stringify(toJson(result, printed), null, 2)}\n`);
    return ExitCode.ok;
  } catch (error) {
    reportFailure(error, log);
    const exitCode = error instanceof PatError ? error.exitCode : ExitCode.failedUnchanged;
    // Scripts read stdout: a failure is JSON too, with the token that changed, if one did (never its value but the
    // one asked for with --print-token, which the message then says is there).
    const json = JSON.stringify(failureJson(error, exitCode, operation, undefined), null, 2);
    io.stdout(
      `${printed === undefined ? secrets.redact(json) : insertToken(secrets.redact(json), printed)}\n`,
    );
    return exitCode;
  }
}

/** The failure JSON with the printed token added after redaction (redaction would hide it). */
function insertToken(json: string, token: string): string {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify({ ...parsed, token }, null, 2);
}

function failureJson(
  error: unknown,
  exitCode: ExitCode,
  operation: string | undefined,
  printedToken: string | undefined,
): Record<string, unknown> {
  const json: Record<string, unknown> = { operation: operation ?? null, 'exit-code': exitCode };
  const changed = error instanceof PatError ? error.changedToken : undefined;
  if (changed) {
    json['token-id'] = changed.id;
    json['token-name'] = changed.name;
    json['expires-at'] = changed.expiresAt;
    json['stored-in'] = changed.storedIn;
  }
  if (printedToken !== undefined) json.token = printedToken;
  return json;
}

/**
 * In GitLab CI the credential comes from a CI/CD variable. When it rotated itself into another variable, the one it
 * came from still holds the old, revoked token, and the next job that reads it fails.
 */
function warnIfCredentialSourceIsStale(
  log: Logger,
  env: NodeJS.ProcessEnv,
  credentialVariable: string | undefined,
  variableKey: string | undefined,
  result: OperationResult,
): void {
  if (env.GITLAB_CI !== 'true' || !result.rotatesCredential || credentialVariable === undefined) return;
  if (variableKey === credentialVariable) return;
  const where = variableKey ? `the variable ${variableKey}` : 'no CI/CD variable';
  const what = result.dryRun
    ? `A real run would rotate gitlab-token itself (it comes from ${credentialVariable}) and store the new token in ${where}; ${credentialVariable} would keep the old token, revoked`
    : `gitlab-token rotated itself (it came from ${credentialVariable}), and the new token went to ${where}; ${credentialVariable} still holds the old token, now revoked`;
  log.warn(
    `${what}: the next job that reads it fails. Rotate into variable-key ${credentialVariable}, or point that job at ${variableKey ?? 'the new token'}.`,
  );
}

function toJson(result: OperationResult, printedToken: string | undefined): Record<string, unknown> {
  const json: Record<string, unknown> = { operation: result.operation, 'dry-run': result.dryRun };
  if (result.rotated !== undefined) json.rotated = result.rotated;
  if (result.token) {
    json['token-id'] = result.token.id;
    json['token-name'] = result.token.name;
    json['expires-at'] = result.token.expires_at;
  }
  if (result.previousTokenId !== undefined) json['previous-token-id'] = result.previousTokenId;
  if (result.tokens) {
    json.count = result.tokens.length;
    json.tokens = result.tokens;
  } else if (result.token) {
    json.details = result.token;
  }
  if (result.storedIn) json['stored-in'] = result.storedIn;
  json.summary = result.headline;
  if (printedToken !== undefined) json.token = printedToken;
  return json;
}

function reportFailure(error: unknown, log: Logger): void {
  if (error instanceof PatError) {
    log.error(error.message);
    if (error.steps.length > 0) {
      log.error(`To recover:\n${error.steps.map((step, index) => `  ${index + 1}. ${step}`).join('\n')}`);
    }
    if (error.exitCode === ExitCode.badInput) log.error('Run gitlab-pat --help for usage.');
    return;
  }
  log.error(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
}
