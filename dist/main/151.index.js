export const id = 151;
export const ids = [151];
export const modules = {

/***/ 151:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  syncInventory: () => (/* binding */ syncInventory)
});

// EXTERNAL MODULE: ./core/destinations/gitlab-variable.ts
var gitlab_variable = __webpack_require__(3808);
// EXTERNAL MODULE: ./core/errors.ts
var errors = __webpack_require__(8519);
// EXTERNAL MODULE: ./core/operations/create.ts
var create = __webpack_require__(4173);
// EXTERNAL MODULE: ./core/operations/revoke.ts
var revoke = __webpack_require__(5911);
// EXTERNAL MODULE: ./core/operations/rotate.ts + 4 modules
var rotate = __webpack_require__(4770);
// EXTERNAL MODULE: ./core/tokens/access-token.ts
var access_token = __webpack_require__(7791);
// EXTERNAL MODULE: ./core/tokens/resolve-token.ts
var resolve_token = __webpack_require__(9813);
// EXTERNAL MODULE: ../node_modules/p-limit/index.js + 1 modules
var p_limit = __webpack_require__(9680);
;// CONCATENATED MODULE: ./core/fleet/keyed-limit.ts
/**
 * Bounded concurrency with keys: at most `concurrency` tasks at once (p-limit), and tasks of one key strictly one
 * after another, so that one token family never has two operations in flight whatever the bound.
 */

function createKeyedLimit(concurrency) {
    const limit = (0,p_limit/* default */.A)(concurrency);
    const tails = new Map();
    return {
        run(key, task) {
            const before = tails.get(key) ?? Promise.resolve();
            // The key's turn first, then a slot: a task waiting for its key holds no slot.
            const result = before.then(() => limit(task), () => limit(task));
            const tail = result.then(() => undefined, () => undefined);
            tails.set(key, tail);
            void tail.then(() => {
                if (tails.get(key) === tail)
                    tails.delete(key);
            });
            return result;
        },
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./core/fleet/plan.ts
/**
 * Which entries a run handles and in what order. Shards follow a hash of the entry's key, so that an entry stays in
 * its shard when others are added or removed (two jobs of a matrix, even of pipelines at different commits, never
 * hold the same token); entries that manage the credential itself run last, alone.
 */

/** 1-based shard of a key among `total`: the first four bytes of its SHA-256, modulo `total`. */
function shardOf(key, total) {
    const digest = (0,external_node_crypto_.createHash)('sha256').update(key, 'utf8').digest();
    return (digest.readUInt32BE(0) % total) + 1;
}
function planFleet(entries, shard) {
    const mine = shard ? entries.filter((entry) => shardOf(entry.key, shard.total) === shard.index) : entries;
    return {
        concurrent: mine.filter((entry) => !entry.selectsCredential),
        last: mine.filter((entry) => entry.selectsCredential),
        skipped: entries.length - mine.length,
    };
}

;// CONCATENATED MODULE: ./core/fleet/sync.ts









/** Thrown by the guard when an entry turns out to be the credential: it is run again after all the others. */
class DeferredToLast extends Error {
    name = 'DeferredToLast';
}
/** Runs the entries of the inventory (of this shard); never throws for one entry's failure. */
async function syncInventory(context, entries) {
    const { options, log } = context;
    const fleet = options.fleet;
    if (!fleet)
        throw new Error('sync needs the fleet options (the option rules guarantee them)');
    const plan = planFleet(entries, fleet.shard);
    const sharded = fleet.shard !== undefined && fleet.shard.total > 1;
    const shardText = fleet.shard ? `${fleet.shard.index}/${fleet.shard.total}` : null;
    if (sharded && plan.last.length > 0) {
        throw new errors/* InputError */.dz(`${plan.last.map((entry) => entry.label).join(', ')} manage${plan.last.length === 1 ? 's' : ''} the credential itself (no token-name, or token-id self), which the jobs of the other shards use at the same time: rotating it there would revoke it under their feet, and a rotate they then send with it makes GitLab revoke its successor too. Rotate the credential in a job of its own (another inventory, or the rotate component), not in a sharded one.`);
    }
    const total = plan.concurrent.length + plan.last.length;
    log.info(`${options.dryRun ? 'Dry run: planning' : 'Syncing'} ${total} of ${entries.length} inventory entr${entries.length === 1 ? 'y' : 'ies'}${shardText ? ` (shard ${shardText}; ${plan.skipped} belong to other shards)` : ''}, ${fleet.concurrency} at a time.`);
    const reports = new Map();
    const claims = new Map();
    let finished = 0;
    const record = (entry, report) => {
        reports.set(entry.key, report);
        finished += 1;
        log.info(`[${finished}/${total}] ${entry.key}: ${report.result}`);
        if (report.error)
            log.error(`${entry.label}: ${report.error}`);
    };
    const limit = createKeyedLimit(fleet.concurrency);
    const deferred = [];
    await Promise.all(plan.concurrent.map((entry) => limit.run(entry.familyKey, async () => {
        const outcome = await runEntry(context, entry, 'concurrent', claims);
        if (outcome === 'deferred')
            deferred.push(entry);
        else
            record(entry, outcome);
    })));
    for (const entry of [...deferred, ...plan.last]) {
        log.info(`${entry.label} manages the credential itself (gitlab-token): it runs now, after every other entry, because its rotation replaces the credential they use.`);
        const outcome = await runEntry(context, entry, sharded ? 'sharded' : 'last', claims);
        if (outcome === 'deferred')
            continue;
        record(entry, outcome);
        if (outcome.result === 'rotated') {
            log.warn(`${entry.label} rotated gitlab-token itself; the new token is in ${outcome['stored-in'].join(' and ')}. The place the next run reads gitlab-token from (a CI/CD variable, a GitHub secret) must be one of them, or the next run starts with a revoked token.`);
        }
    }
    const tokens = entries.map((entry) => reports.get(entry.key)).filter((report) => report !== undefined);
    const count = (...results) => tokens.filter((token) => results.includes(token.result)).length;
    const summary = {
        total: tokens.length,
        rotated: count('rotated', 'would-rotate'),
        created: count('created', 'would-create'),
        revoked: count('revoked', 'would-revoke'),
        unchanged: count('unchanged'),
        failed: count('failed'),
    };
    const report = {
        operation: 'sync',
        'dry-run': options.dryRun,
        shard: shardText,
        summary,
        tokens,
    };
    const exitCode = Math.max(errors/* ExitCode */.yU.ok, ...tokens.map((token) => token['exit-code']));
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
async function runEntry(run, entry, phase, claims) {
    const log = entryLogger(run.log, entry.key);
    const beforeChange = (resolved) => {
        if (resolved.isCredential && phase === 'concurrent')
            throw new DeferredToLast();
        if (resolved.isCredential && phase === 'sharded') {
            throw new errors/* UnchangedFailure */.eC(`${entry.label} is the credential itself (gitlab-token, ${(0,access_token/* describeToken */.dE)(resolved.token)}), which the jobs of the other shards use at the same time; it was left alone. Rotate the credential in a job of its own, not in a sharded inventory.`);
        }
        // One token family (same user, same name, across rotations), one entry: a second would rotate it again.
        const family = `${resolved.token.userId}:${resolved.token.name}`;
        const holder = claims.get(family);
        if (holder !== undefined && holder !== entry.label) {
            throw new errors/* UnchangedFailure */.eC(`${entry.label} selects the same token as ${holder} (${(0,access_token/* describeToken */.dE)(resolved.token)} of user ${resolved.token.userId}); it was left alone. Keep one entry per token.`);
        }
        claims.set(family, entry.label);
    };
    const contextFor = (options) => ({
        ...run,
        options,
        log,
        ...destinationsOf(run, entry, log),
        beforeChange,
    });
    try {
        if (entry.state === 'revoked') {
            try {
                const result = await (0,revoke/* revokeToken */.w)(contextFor(entry.primary));
                return entryReport(entry, result, result.changed ? 'revoked' : 'unchanged');
            }
            catch (error) {
                if (!(error instanceof resolve_token/* NoSuchToken */.Ay))
                    throw error;
                return {
                    ...emptyReport(entry, 'unchanged'),
                    summary: `No token to revoke: ${error.message}`,
                };
            }
        }
        try {
            const result = await (0,rotate/* rotateToken */.h)(contextFor(entry.primary));
            return entryReport(entry, result, result.changed ? 'rotated' : 'unchanged');
        }
        catch (error) {
            if (!(error instanceof resolve_token/* NoSuchToken */.Ay))
                throw error;
            if (!entry.create) {
                throw new errors/* UnchangedFailure */.eC(`${error.message} Set create-missing: true (with scopes) to have sync create it.`);
            }
            log.info(`No active token named "${entry.create.create?.name ?? ''}": creating it (create-missing).`);
            const result = await (0,create/* createToken */.E)(contextFor(entry.create));
            return entryReport(entry, result, 'created');
        }
    }
    catch (error) {
        if (error instanceof DeferredToLast)
            return 'deferred';
        const exitCode = error instanceof errors/* PatError */.cJ ? error.exitCode : errors/* ExitCode */.yU.failedUnchanged;
        const changed = error instanceof errors/* PatError */.cJ ? error.changedToken : undefined;
        const steps = error instanceof errors/* PatError */.cJ && error.steps.length > 0 ? ` To recover: ${error.steps.join(' ')}` : '';
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
}
/** Where a new value of this entry goes: its variables (each with its fallback) and the front door's extras. */
function destinationsOf(run, entry, log) {
    const dependencies = { api: run.api, log, wait: run.wait, sampleToken: run.options.gitlabToken };
    const destinations = [];
    const fallbacks = [];
    for (const variable of entry.variables) {
        destinations.push((0,gitlab_variable/* gitlabVariableDestination */.y)(variable, dependencies));
        fallbacks.push((0,gitlab_variable/* gitlabVariableDestination */.y)({ ...variable, key: variable.fallbackKey }, dependencies));
    }
    for (const make of entry.extraDestinations)
        destinations.push(make());
    return { destinations, fallbacks };
}
function entryLogger(log, key) {
    return {
        info: (message) => log.info(`${key}: ${message}`),
        warn: (message) => log.warn(`${key}: ${message}`),
        error: (message) => log.error(`${key}: ${message}`),
        debug: (message) => log.debug(`${key}: ${message}`),
        protectSecret: (value) => log.protectSecret(value),
        redact: (text) => log.redact(text),
    };
}
const DRY = {
    rotated: 'would-rotate',
    created: 'would-create',
    revoked: 'would-revoke',
};
function entryReport(entry, result, outcome) {
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
function emptyReport(entry, result) {
    return {
        key: entry.key,
        result,
        'token-kind': entry.kind,
        'token-id': null,
        'previous-token-id': null,
        'token-name': null,
        'expires-at': null,
        'stored-in': [],
        'exit-code': errors/* ExitCode */.yU.ok,
        summary: '',
        error: null,
    };
}


/***/ })

};
