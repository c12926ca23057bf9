import type { ExitCode } from '../errors.js';
import type { Operation } from '../options/option-kit.js';
import type { FleetReport } from '../report/fleet-report.js';
import type { NewAccessToken } from '../tokens/access-token.js';
import type { TokenView } from '../tokens/token-view.js';

export interface OperationResult {
  readonly operation: Operation;
  readonly dryRun: boolean;
  /** One sentence for logs and summaries. */
  readonly headline: string;
  /** The token acted on (get, revoke) or created (create, rotate). */
  readonly token?: TokenView;
  /** The new token with its value: create and rotate only, never logged. */
  readonly newToken?: NewAccessToken;
  readonly previousTokenId?: number;
  readonly rotated?: boolean;
  /** rotate: the token replaced is (dry run: would be) the credential itself, whose source now holds a dead token. */
  readonly rotatesCredential?: boolean;
  readonly tokens?: readonly TokenView[];
  /** Where the new value was stored, for the summary. */
  readonly storedIn?: readonly string[];
  /** create, rotate, revoke: whether the token changed (on a dry run: would change). */
  readonly changed?: boolean;
  /** sync, audit: the report (JSON for stdout, report-file and the `report` output; summaries are made from it). */
  readonly report?: FleetReport;
  /**
   * sync, audit: how the run ends although nothing was thrown (the most serious exit code of the entries; 5 for an
   * audit that found what fail-on names). Undefined: 0.
   */
  readonly exitCode?: ExitCode;
}

/** The contract's outputs, by name, as strings (the Action sets them; the CLI prints them as JSON). */
export const OUTPUT_DESCRIPTIONS = {
  'token-id': 'Id of the token acted on; for create and rotate, the new token.',
  'token-name': 'Name of that token.',
  'token-kind': 'Kind of that token: personal, project, group or service-account.',
  'expires-at': 'Its expiry date (YYYY-MM-DD, UTC), empty when it never expires.',
  'previous-token-id': 'rotate: id of the token that was rotated away.',
  rotated:
    'rotate: true when a new token was made, false when nothing was due (rotate-before) or on a dry run.',
  tokens:
    'list: the tokens as a JSON array (never values): id, name, scopes, state, expires_at, days_left, last_used_at, ...',
  count: 'list: how many tokens matched.',
  report:
    'sync, audit: the JSON report (never a token value): summary counts and one entry per token; see the README.',
} as const;
export type OutputName = keyof typeof OUTPUT_DESCRIPTIONS;

export function toOutputs(result: OperationResult): Partial<Record<OutputName, string>> {
  const outputs: Partial<Record<OutputName, string>> = {};
  if (result.token) {
    outputs['token-id'] = String(result.token.id);
    outputs['token-name'] = result.token.name;
    outputs['token-kind'] = result.token.token_kind;
    outputs['expires-at'] = result.token.expires_at ?? '';
  }
  if (result.previousTokenId !== undefined) outputs['previous-token-id'] = String(result.previousTokenId);
  if (result.rotated !== undefined) outputs.rotated = String(result.rotated);
  if (result.tokens) {
    outputs.tokens = JSON.stringify(result.tokens);
    outputs.count = String(result.tokens.length);
  }
  if (result.report) outputs.report = JSON.stringify(result.report);
  return outputs;
}
