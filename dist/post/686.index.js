export const id = 686;
export const ids = [686];
export const modules = {

/***/ 4686:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   auditTokens: () => (/* binding */ auditTokens)
/* harmony export */ });
/* harmony import */ var p_limit__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(9680);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8519);
/* harmony import */ var _gitlab_describe_error_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9944);
/* harmony import */ var _gitlab_gitlab_client_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3541);
/* harmony import */ var _report_findings_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3391);
/* harmony import */ var _time_expiry_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(6451);
/* harmony import */ var _tokens_resolve_token_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9813);
/* harmony import */ var _tokens_token_kinds_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7500);
/* harmony import */ var _operation_context_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9742);
/**
 * `audit`: every token the credential can see, or those of one user, group or project, each with its findings
 * (report/findings.ts). What "can see" means follows GitLab's rules:
 * - an administrator: `GET /personal_access_tokens` without `user_id` lists every token on the instance, bot and
 *   service-account tokens included (as the personal tokens of their users, which they are underneath);
 * - anyone else: their own tokens, plus for each group they own (`GET /groups?min_access_level=50`) its group
 *   access tokens, its service accounts' tokens and its projects' access tokens.
 * Pages are read as they arrive and reduced at once to a report row, so memory holds rows, never raw pages.
 */









const OWNER = 50;
async function auditTokens(context, inventory) {
    const { options, log } = context;
    const fleet = options.fleet;
    if (!fleet)
        throw new Error('audit needs the fleet options (the option rules guarantee them)');
    const { sources, scope, adminWide } = await auditSources(context);
    const managed = inventory ? await managedTokens(context, inventory) : undefined;
    const rows = [];
    const seen = new Set();
    let today;
    let evaluate;
    const daysLeftBy = new Map();
    for (const source of sources) {
        const kind = (0,_tokens_token_kinds_js__WEBPACK_IMPORTED_MODULE_5__/* .tokenKindOf */ .j)(source.owner);
        try {
            for await (const page of kind.pages(context.api.client, source.owner, {}, fleet.concurrency)) {
                // After the first answer the clock follows GitLab's.
                today ??= (0,_time_expiry_js__WEBPACK_IMPORTED_MODULE_7__/* .utcDate */ .HB)(context.clock.now());
                evaluate ??= (0,_report_findings_js__WEBPACK_IMPORTED_MODULE_3__/* .findingsEvaluator */ .IN)(fleet, today);
                for (const token of page) {
                    if (token.revoked || seen.has(token.id))
                        continue;
                    seen.add(token.id);
                    const managedBy = managed?.get(`${token.userId}:${token.name}`) ?? null;
                    let left = null;
                    if (token.expiresAt !== null) {
                        left = daysLeftBy.get(token.expiresAt) ?? (0,_time_expiry_js__WEBPACK_IMPORTED_MODULE_7__/* .daysBetween */ .YM)(today, token.expiresAt);
                        daysLeftBy.set(token.expiresAt, left);
                    }
                    rows.push({
                        'token-kind': token.kind,
                        'token-id': token.id,
                        'token-name': token.name,
                        owner: adminWide || source.owner.kind === 'personal' ? `user ${token.userId}` : source.owner.label,
                        'expires-at': token.expiresAt,
                        'days-left': left,
                        'last-used-at': token.lastUsedAt,
                        scopes: token.scopes,
                        findings: evaluate(token, managed ? managedBy !== null : undefined),
                        'managed-by': managedBy,
                    });
                }
            }
        }
        catch (error) {
            if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .PatError */ .cJ)
                throw error;
            const description = (0,_gitlab_describe_error_js__WEBPACK_IMPORTED_MODULE_1__/* .describeGitlabError */ .Lm)(error, {
                doing: `Listing the tokens of ${source.owner.label}`,
                instanceUrl: context.api.instanceUrl,
            });
            if (!source.optional)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UnchangedFailure */ .eC(description);
            log.debug(`${description} Skipped.`);
        }
    }
    today ??= (0,_time_expiry_js__WEBPACK_IMPORTED_MODULE_7__/* .utcDate */ .HB)(context.clock.now());
    rows.sort(byExpiry);
    const failOn = new Set(fleet.failOn);
    const counts = Object.fromEntries(_report_findings_js__WEBPACK_IMPORTED_MODULE_3__/* .FINDINGS */ .TG.map((finding) => [finding, 0]));
    let failing = 0;
    for (const row of rows) {
        for (const finding of row.findings)
            counts[finding] += 1;
        if (row.findings.some((finding) => failOn.has(finding)))
            failing += 1;
    }
    const report = {
        operation: 'audit',
        'dry-run': options.dryRun,
        scope,
        today,
        'fail-on': fleet.failOn,
        summary: { total: rows.length, failing, ...counts },
        tokens: rows,
    };
    const parts = [
        `${counts.expired} expired`,
        `${counts.expiring} expiring within ${fleet.expiresWithin.text}`,
        `${counts['never-expires']} never expiring`,
        `${counts.unused} unused for ${fleet.unusedFor.text}`,
        ...(managed ? [`${counts.unmanaged} unmanaged`] : []),
        `${counts['admin-scopes']} with admin scopes`,
    ];
    const verdict = fleet.failOn.length === 0
        ? 'fail-on is none'
        : failing === 0
            ? `none has a finding fail-on names (${fleet.failOn.join(', ')})`
            : `${failing} ha${failing === 1 ? 's' : 've'} a finding fail-on names (${fleet.failOn.join(', ')})`;
    return {
        operation: 'audit',
        dryRun: options.dryRun,
        headline: `Audited ${rows.length} token${rows.length === 1 ? '' : 's'} of ${scope}: ${parts.join(', ')}; ${verdict}.`,
        report,
        exitCode: failing > 0 ? _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ExitCode */ .yU.auditFindings : _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ExitCode */ .yU.ok,
    };
}
async function auditSources(context) {
    const scope = context.options.fleet?.scope ?? { kind: 'visible' };
    switch (scope.kind) {
        case 'user': {
            const owner = await (0,_tokens_resolve_token_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveOwner */ .AK)(context, { kind: 'personal', user: scope.user });
            return { sources: [{ owner, optional: false }], scope: owner.label, adminWide: false };
        }
        case 'project':
            return {
                sources: [
                    {
                        owner: { kind: 'project', project: scope.project, label: `project ${scope.project}` },
                        optional: false,
                    },
                ],
                scope: `project ${scope.project}`,
                adminWide: false,
            };
        case 'group':
            return {
                sources: await groupSources(context, scope.group, true),
                scope: `group ${scope.group} (its access tokens, its service accounts' and its projects')`,
                adminWide: false,
            };
        case 'visible': {
            // GET /user through the plain client: an audit never needs gitbeaker's resources, whose chunk costs ~100 ms
            // to load.
            const caller = await (0,_operation_context_js__WEBPACK_IMPORTED_MODULE_6__/* .callGitlab */ .m)(context, "Reading the credential's user", () => context.api.client.get('user'), { scope: 'Reading the caller needs the api, read_api or read_user scope on gitlab-token.' });
            if (caller.is_admin === true) {
                return {
                    sources: [
                        { owner: { kind: 'personal', userId: undefined, label: 'the instance' }, optional: false },
                    ],
                    scope: 'the whole instance (every token, as an administrator sees them)',
                    adminWide: true,
                };
            }
            const sources = [
                { owner: { kind: 'personal', userId: caller.id, label: `user ${caller.username}` }, optional: false },
            ];
            const owned = [];
            await (0,_operation_context_js__WEBPACK_IMPORTED_MODULE_6__/* .callGitlab */ .m)(context, `Listing the groups ${caller.username} owns`, async () => {
                for await (const page of context.api.client.pages('groups', {
                    min_access_level: OWNER,
                })) {
                    owned.push(...page);
                }
            });
            for (const group of owned)
                sources.push(...(await groupSources(context, group.full_path ?? group.id, false)));
            return {
                sources,
                scope: `what ${caller.username} can see (own tokens${owned.length > 0 ? `, and ${owned.length} owned group${owned.length === 1 ? '' : 's'} with their projects and service accounts` : ''})`,
                adminWide: false,
            };
        }
    }
}
/** A group's access tokens, its service accounts' tokens, and its projects' access tokens. */
async function groupSources(context, group, includeSubgroups) {
    const { client } = context.api;
    const sources = [{ owner: { kind: 'group', group, label: `group ${group}` }, optional: false }];
    try {
        for await (const page of client.pages(`groups/${(0,_gitlab_gitlab_client_js__WEBPACK_IMPORTED_MODULE_2__/* .pathSegment */ .pn)(group)}/service_accounts`)) {
            for (const account of page) {
                sources.push({
                    owner: {
                        kind: 'service-account',
                        group,
                        userId: account.id,
                        label: `service account ${account.username} of group ${group}`,
                    },
                    optional: true,
                });
            }
        }
    }
    catch (error) {
        // Free tier, a subgroup, or no Owner role at the top: the group has no service accounts we may see.
        context.log.debug(`No service accounts listed for group ${group} (${(0,_gitlab_describe_error_js__WEBPACK_IMPORTED_MODULE_1__/* .httpStatus */ .nG)(error) ?? 'no answer'}); their tokens are not audited.`);
    }
    await (0,_operation_context_js__WEBPACK_IMPORTED_MODULE_6__/* .callGitlab */ .m)(context, `Listing the projects of group ${group}`, async () => {
        for await (const page of client.pages(`groups/${(0,_gitlab_gitlab_client_js__WEBPACK_IMPORTED_MODULE_2__/* .pathSegment */ .pn)(group)}/projects`, { include_subgroups: includeSubgroups, simple: true })) {
            for (const project of page) {
                const ref = project.path_with_namespace ?? project.id;
                sources.push({ owner: { kind: 'project', project: ref, label: `project ${ref}` }, optional: true });
            }
        }
    });
    return sources;
}
/** The tokens the inventory's entries select today, as "user id:name" (a family keeps both across rotations). */
async function managedTokens(context, inventory) {
    const managed = new Map();
    const limit = (0,p_limit__WEBPACK_IMPORTED_MODULE_8__/* ["default"] */ .A)(context.options.fleet?.concurrency ?? 4);
    await Promise.all(inventory.map((entry) => limit(async () => {
        try {
            const { token } = await (0,_tokens_resolve_token_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveToken */ .E7)({ ...context, options: entry.primary }, entry.primary.address, 'read');
            managed.set(`${token.userId}:${token.name}`, entry.key);
        }
        catch (error) {
            // A missing or unreadable token is not an audit failure: it simply manages nothing that exists.
            context.log.debug(`${entry.label}: ${error instanceof Error ? error.message : String(error)} (nothing it manages is listed).`);
        }
    })));
    return managed;
}
/** Soonest expiry first (expired ones first of all); tokens that never expire last. */
function byExpiry(a, b) {
    const ae = a['expires-at'];
    const be = b['expires-at'];
    if (ae === be)
        return a['token-id'] - b['token-id'];
    if (ae === null)
        return 1;
    if (be === null)
        return -1;
    return ae < be ? -1 : 1;
}


/***/ })

};
