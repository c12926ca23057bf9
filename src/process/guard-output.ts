/**
 * The last line of defence, installed by every entry point before anything else runs: whatever writes to stdout or
 * stderr (our logger, a dependency, Node's own crash report) passes through the run's redaction. The only line
 * allowed to carry a raw value is GitHub's `::add-mask::` command, which exists to announce it.
 */
import type { SecretRegistry } from '../core/redact.js';
import type { ProcessChangeGuard } from './change-guard.js';

export function guardProcessOutput(
  secrets: SecretRegistry,
  streams = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    const original = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
    const guarded = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return original(redactLines(text, secrets), ...rest);
    };
    stream.write = guarded;
    survivePipeErrors(stream);
  }
}

/**
 * A stream whose reader went away (`| head`, a `| jq` that is not installed, a runner that closed the log) fails
 * every write with EPIPE, emitted as an 'error' event: unheard, it would crash the process in the middle of a
 * rotation. Heard here, it is only that: a write that did not arrive. Whoever must know (the CLI's stdout, which
 * carries a token with --print-token) learns it from the write's callback.
 */
export function survivePipeErrors(stream: NodeJS.WritableStream): void {
  if (!stream.listeners('error').includes(ignoreStreamError)) stream.on('error', ignoreStreamError);
}

function ignoreStreamError(): void {
  // Deliberately nothing: see survivePipeErrors.
}

function redactLines(text: string, secrets: SecretRegistry): string {
  return text
    .split('\n')
    .map((line) => (line.startsWith('::add-mask::') ? line : secrets.redact(line)))
    .join('\n');
}

/**
 * A crash must not print an error object (gitbeaker's carry the private-token header): only its redacted message.
 * Nor may it say "nothing changed" (exit 1) after a token was replaced: with `changes`, a crash after the rotate
 * request reports what the change left behind (exit 4 with recovery steps, or 3 with where the token is).
 */
export function guardCrashes(secrets: SecretRegistry, exitCode = 1, changes?: ProcessChangeGuard): void {
  const report = (error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const stop = changes?.ifStoppedNow();
    const lines = [`gitlab-pat crashed: ${message}`];
    if (stop) {
      lines.push(stop.message);
      if (stop.steps.length > 0) {
        lines.push(`To recover:\n${stop.steps.map((step, index) => `  ${index + 1}. ${step}`).join('\n')}`);
      }
    }
    try {
      process.stderr.write(`${secrets.redact(lines.join('\n'))}\n`);
    } catch {
      // A stderr that cannot be written to must not change the exit code.
    }
    process.exit(stop?.exitCode ?? exitCode);
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}
