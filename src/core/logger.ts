import type { SecretRegistry } from './redact.js';

/** Where a front door writes lines: the GitHub runner's log commands, stderr, a test's array. */
export interface LogSink {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  debug(line: string): void;
  /** Tell the platform to hide this value from its own logs (GitHub: `::add-mask::`). */
  mask(value: string): void;
}

/** What the core writes through. Every line is redacted against every secret of the run. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /**
   * Call the moment a secret value exists, before anything else is written or stored: registers it for redaction
   * and masks it on the platform.
   */
  protectSecret(value: string): void;
  /** Redact a text for other outputs (files, job summaries). */
  redact(text: string): string;
}

export function createLogger(sink: LogSink, secrets: SecretRegistry): Logger {
  return {
    info: (message) => sink.info(secrets.redact(message)),
    warn: (message) => sink.warn(secrets.redact(message)),
    error: (message) => sink.error(secrets.redact(message)),
    debug: (message) => sink.debug(secrets.redact(message)),
    protectSecret(value) {
      // Mask first: on GitHub the ::add-mask:: line must precede any other mention of the value.
      sink.mask(value);
      secrets.add(value);
    },
    redact: (text) => secrets.redact(text),
  };
}
