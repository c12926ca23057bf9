/**
 * `sync`: every entry of the inventory brought to its declared state through the same operations a single run uses
 * (rotate when due, create when missing under create-missing, revoke when retired), so every entry gets the whole
 * rotation protocol. One entry's failure never stops the others; the run ends with the most serious exit code
 * (4 > 3 > 2 > 1 > 0) and a report.
 *
 * Concurrency is bounded and keyed: one token family never has two operations in flight. The credential is shared
 * by every entry, so an entry that manages the credential itself runs after all the others have finished: a
 * rotation revokes the old credential, and a rotate sent with a revoked token makes GitLab revoke the new one too.
 * Under a shard (other jobs use the same credential at the same time) such an entry is refused.
 */
import type { Destination } from '../destinations/destination.js';
import { gitlabVariableDestination } from '../destinations/gitlab-variable.js';
import { ExitCode, InputError, PatError, UnchangedFailure } from '../errors.js';
import type { Logger } from '../logger.js';
import { createToken } from '../operations/create.js';
import type { OperationContext } from '../operations/operation-context.js';
import type { OperationResult } from '../operations/result.js';
import { revokeToken } from '../operations/revoke.js';
import { rotateToken } from '../operations/rotate.js';
import type { Options } from '../options/parse-options.js';
import type { SyncEntryReport, SyncReport, SyncResult } from '../report/fleet-report.js';
import { describeToken } from '../tokens/access-token.js';
import { NoSuchToken, type ResolvedToken } from '../tokens/resolve-token.js';
import { claimDestinations, type DestinationClaims } from './destination-claims.js';
import { createKeyedLimit } from './keyed-limit.js';
import { planFleet } from './plan.js';
import type { InventoryEntry } from './read-inventory.js';

/** Thrown by the guard when an entry turns out to be the credential: it is run again after all the others. */
class DeferredToLast extends Error {
  override readonly name = 'DeferredToLast';
}

type Phase = 'concurrent' | 'last' | 'sharded';

/** Runs the entries of the inventory (of this shard); never throws for one entry's failure. */
export async function syncInventory(
  context: OperationContext,
  entries: readonly InventoryEntry[],
): Promise<OperationResult> {
  const { options, log } = context;
  const fleet = options.fleet;
  if (!fleet) throw new Error('sync needs the fleet options (the option rules guarantee them)');
  const plan = planFleet(entries, fleet.shard);
  const sharded = fleet.shard !== undefined && fleet.shard.total > 1;
  const shardText = fleet.shard ? `${fleet.shard.index}/${fleet.shard.total}` : null;
  if (sharded && plan.last.length > 0) {
    throw new InputError(
      `${plan.last.map((entry) => entry.label).join(', ')} manage${plan.last.length === 1 ? 's' : ''} the credential itself (no token-name, or token-id self), which the jobs of the other shards use at the same time: rotating it there would revoke it under their feet, and a rotate they then send with it makes GitLab revoke its successor too. Rotate the credential in a job of its own (another inventory, or the rotate component), not in a sharded one.`,
    );
  }
  const total = plan.concurrent.length + plan.last.length;
  log.info(
    `${options.dryRun ? 'Dry run: planning' : 'Syncing'} ${total} of ${entries.length} inventory entr${entries.length === 1 ? 'y' : 'ies'}${shardText ? ` (shard ${shardText}; ${plan.skipped} belong to other shards)` : ''}, ${fleet.concurrency} at a time.`,
  );

  const reports = new Map<string, SyncEntryReport>();
  const claims = new Map<string, string>();
  // Before any entry runs: an entry that would deliver where an earlier one does is refused (it changes nothing).
  const places = await claimDestinations(context.api, [...plan.concurrent, ...plan.last], fleet.concurrency);
  let finished = 0;
  const record = (entry: InventoryEntry, report: SyncEntryReport) => {
    reports.set(entry.key, report);
    finished += 1;
    log.info(`[${finished}/${total}] ${entry.key}: ${report.result}`);
    if (report.error) log.error(`${entry.label}: ${report.error}`);
  };
  const limit = createKeyedLimit(fleet.concurrency);
  const deferred: InventoryEntry[] = [];
  await Promise.all(
    plan.concurrent.map((entry) =>
      limit.run(entry.familyKey, async () => {
        const refusal = places.refused.get(entry.key);
        if (refusal) {
          record(entry, failedReport(context, entry, refusal));
          return;
        }
        const outcome = await runEntry(context, entry, 'concurrent', claims, places);
        if (outcome === 'deferred') deferred.push(entry);
        else record(entry, outcome);
      }),
    ),
  );
  for (const entry of [...deferred, ...plan.last]) {
    log.info(
      `${entry.label} manages the credential itself (gitlab-token): it runs now, after every other entry, because its rotation replaces the credential they use.`,
    );
    const refusal = places.refused.get(entry.key);
    if (refusal) {
      record(entry, failedReport(context, entry, refusal));
      continue;
    }
    const outcome = await runEntry(context, entry, sharded ? 'sharded' : 'last', claims, places);
    if (outcome === 'deferred') continue;
    record(entry, outcome);
    if (outcome.result === 'rotated') {
      log.warn(
        `${entry.label} rotated gitlab-token itself; the new token is in ${outcome['stored-in'].join(' and ')}. The place the next run reads gitlab-token from (a CI/CD variable, a GitHub secret) must be one of them, or the next run starts with a revoked token.`,
      );
    }
  }

  const tokens = entries.map((entry) => reports.get(entry.key)).filter((report) => report !== undefined);
  const count = (...results: SyncResult[]) => tokens.filter((token) => results.includes(token.result)).length;
  const summary = {
    total: tokens.length,
    rotated: count('rotated', 'would-rotate'),
    created: count('created', 'would-create'),
    revoked: count('revoked', 'would-revoke'),
    unchanged: count('unchanged'),
    failed: count('failed'),
  };
  const report: SyncReport = {
    operation: 'sync',
    'dry-run': options.dryRun,
    shard: shardText,
    summary,
    tokens,
  };
  const exitCode = Math.max(ExitCode.ok, ...tokens.map((token) => token['exit-code'])) as ExitCode;
  const verb = options.dryRun ? 'would be ' : '';
  const parts = [
    `${summary.rotated} ${verb}rotated`,
    `${summary.created} ${verb}created`,
    `${summary.revoked} ${verb}revoked`,
    `${summary.unchanged} unchanged`,
    `${summary.failed} failed`,
  ];
  return {
    operation: 'sync',
    dryRun: options.dryRun,
    headline: `${options.dryRun ? 'Dry run of' : 'Synced'} ${summary.total} entr${summary.total === 1 ? 'y' : 'ies'}${shardText ? ` (shard ${shardText})` : ''}: ${parts.join(', ')}.`,
    report,
    exitCode,
  };
}

async function runEntry(
  run: OperationContext,
  entry: InventoryEntry,
  phase: Phase,
  claims: Map<string, string>,
  places: DestinationClaims,
): Promise<SyncEntryReport | 'deferred'> {
  const log = entryLogger(run.log, entry.key);
  const beforeChange = (resolved: ResolvedToken) => {
    if (resolved.isCredential && phase === 'concurrent') throw new DeferredToLast();
    if (resolved.isCredential && phase === 'sharded') {
      throw new UnchangedFailure(
        `${entry.label} is the credential itself (gitlab-token, ${describeToken(resolved.token)}), which the jobs of the other shards use at the same time; it was left alone. Rotate the credential in a job of its own, not in a sharded inventory.`,
      );
    }
    // One token family (same user, same name, across rotations), one entry: a second would rotate it again.
    const family = `${resolved.token.userId}:${resolved.token.name}`;
    const holder = claims.get(family);
    if (holder !== undefined && holder !== entry.label) {
      throw new UnchangedFailure(
        `${entry.label} selects the same token as ${holder} (${describeToken(resolved.token)} of user ${resolved.token.userId}); it was left alone. Keep one entry per token.`,
      );
    }
    claims.set(family, entry.label);
  };
  const contextFor = (options: Options): OperationContext => ({
    ...run,
    options,
    log,
    ...destinationsOf(run, entry, log, places),
    beforeChange,
  });

  try {
    if (entry.state === 'revoked') {
      try {
        const result = await revokeToken(contextFor(entry.primary));
        return entryReport(entry, result, result.changed ? 'revoked' : 'unchanged');
      } catch (error) {
        if (!(error instanceof NoSuchToken)) throw error;
        return {
          ...emptyReport(entry, 'unchanged'),
          summary: `No token to revoke: ${error.message}`,
        };
      }
    }
    try {
      const result = await rotateToken(contextFor(entry.primary));
      return entryReport(entry, result, result.changed ? 'rotated' : 'unchanged');
    } catch (error) {
      if (!(error instanceof NoSuchToken)) throw error;
      if (!entry.create) {
        throw new UnchangedFailure(
          `${error.message} Set create-missing: true (with scopes) to have sync create it.`,
        );
      }
      const name = entry.create.create?.name ?? '';
      log.info(
        `No active token named "${name}": ${run.options.dryRun ? 'would create it' : 'creating it'} (create-missing).`,
      );
      const result = await createToken(contextFor(entry.create));
      return entryReport(entry, result, 'created');
    }
  } catch (error) {
    if (error instanceof DeferredToLast) return 'deferred';
    return failedReport(run, entry, error);
  }
}

function failedReport(run: OperationContext, entry: InventoryEntry, error: unknown): SyncEntryReport {
  const exitCode = error instanceof PatError ? error.exitCode : ExitCode.failedUnchanged;
  const changed = error instanceof PatError ? error.changedToken : undefined;
  const steps =
    error instanceof PatError && error.steps.length > 0 ? ` To recover: ${error.steps.join(' ')}` : '';
  const message = run.log.redact(`${error instanceof Error ? error.message : String(error)}${steps}`);
  return {
    ...emptyReport(entry, 'failed'),
    'token-id': changed?.id ?? null,
    'token-name': changed?.name ?? null,
    'expires-at': changed?.expiresAt ?? null,
    'stored-in': changed?.storedIn ?? [],
    'exit-code': exitCode,
    summary: message.split('\n')[0] ?? message,
    error: message,
  };
}

/** Where a new value of this entry goes: its variables (each with its fallback) and the front door's extras. */
function destinationsOf(
  run: OperationContext,
  entry: InventoryEntry,
  log: Logger,
  places: DestinationClaims,
): { destinations: Destination[]; fallbacks: Destination[] } {
  const dependencies = { api: run.api, log, wait: run.wait, sampleToken: run.options.gitlabToken };
  const destinations: Destination[] = [];
  const fallbacks: Destination[] = [];
  for (const variable of entry.variables) {
    destinations.push(
      places.guard(entry, variable, 'destination', gitlabVariableDestination(variable, dependencies)),
    );
    fallbacks.push(
      places.guard(
        entry,
        variable,
        'fallback',
        gitlabVariableDestination({ ...variable, key: variable.fallbackKey }, dependencies),
      ),
    );
  }
  for (const make of entry.extraDestinations) destinations.push(make());
  return { destinations, fallbacks };
}

function entryLogger(log: Logger, key: string): Logger {
  return {
    info: (message) => log.info(`${key}: ${message}`),
    warn: (message) => log.warn(`${key}: ${message}`),
    error: (message) => log.error(`${key}: ${message}`),
    debug: (message) => log.debug(`${key}: ${message}`),
    protectSecret: (value) => log.protectSecret(value),
    redact: (text) => log.redact(text),
  };
}

const DRY: Partial<Record<SyncResult, SyncResult>> = {
  rotated: 'would-rotate',
  created: 'would-create',
  revoked: 'would-revoke',
};

function entryReport(entry: InventoryEntry, result: OperationResult, outcome: SyncResult): SyncEntryReport {
  const shown = result.dryRun ? (DRY[outcome] ?? outcome) : outcome;
  return {
    ...emptyReport(entry, shown),
    'token-kind': result.token?.token_kind ?? entry.kind,
    'token-id': result.token?.id ?? null,
    'previous-token-id': result.previousTokenId ?? null,
    'token-name': result.token?.name ?? null,
    'expires-at': result.token?.expires_at ?? null,
    'stored-in': result.storedIn ?? [],
    summary: result.headline,
  };
}

function emptyReport(entry: InventoryEntry, result: SyncResult): SyncEntryReport {
  return {
    key: entry.key,
    result,
    'token-kind': entry.kind,
    'token-id': null,
    'previous-token-id': null,
    'token-name': null,
    'expires-at': null,
    'stored-in': [],
    'exit-code': ExitCode.ok,
    summary: '',
    error: null,
  };
}
