/**
 * The last line of defence, installed by every entry point before anything else runs: whatever writes to stdout or
 * stderr (our logger, a dependency, Node's own crash report) passes through the run's redaction. The only line
 * allowed to carry a raw value is GitHub's `::add-mask::` command, which exists to announce it.
 */
import type { SecretRegistry } from '../core/redact.js';

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
  }
}

function redactLines(text: string, secrets: SecretRegistry): string {
  return text
    .split('\n')
    .map((line) => (line.startsWith('::add-mask::') ? line : secrets.redact(line)))
    .join('\n');
}

/**
 * A crash must not print an error object (gitbeaker's carry the private-token header): only its redacted message.
 */
export function guardCrashes(secrets: SecretRegistry, exitCode = 1): void {
  const report = (error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`gitlab-pat crashed: ${secrets.redact(message)}\n`);
    process.exit(exitCode);
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}
