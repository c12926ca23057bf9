export const id = 477;
export const ids = [477];
export const modules = {

/***/ 5477:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DEFAULT_GITHUB_RETRY_POLICY: () => (/* binding */ DEFAULT_GITHUB_RETRY_POLICY),
/* harmony export */   createGithubSecretsApi: () => (/* binding */ createGithubSecretsApi),
/* harmony export */   secretsPath: () => (/* binding */ secretsPath)
/* harmony export */ });
/* harmony import */ var _octokit_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5194);
/* harmony import */ var _core_retry_policy_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7444);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(311);
/* harmony import */ var _github_request_error_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6263);
/**
 * The GitHub REST calls behind the github-secret destination, through Octokit. Loaded only by runs that write a
 * GitHub secret (a dynamic import, so a chunk of its own in dist/), so that every other run starts as fast as before.
 *
 * Every call here is idempotent (GET, or PUT of a whole secret), so every one is retried after a 429, a 5xx or a lost
 * answer, bounded in attempts and time, with `Retry-After` honoured. Octokit has no retries of its own.
 */




/** GitHub's own numbers: fewer attempts than for GitLab, as only one secret write hangs on them. */
const DEFAULT_GITHUB_RETRY_POLICY = {
    maxAttempts: 4,
    budgetMs: 60_000,
    baseDelayMs: 1_000,
    maxDelayMs: 10_000,
    attemptTimeoutMs: 30_000,
};
/** The secrets collection of a place, URL-encoded: environment names may contain slashes. */
function secretsPath(place) {
    const segment = encodeURIComponent;
    switch (place.kind) {
        case 'repository':
            return `/repos/${segment(place.repository.owner)}/${segment(place.repository.name)}/actions/secrets`;
        case 'environment':
            return `/repos/${segment(place.repository.owner)}/${segment(place.repository.name)}/environments/${segment(place.environment)}/secrets`;
        case 'organization':
            return `/orgs/${segment(place.org)}/actions/secrets`;
    }
}
const PAGE_SIZE = 100;
/** 100 pages of 100 repositories: more than any organization secret is shared with. */
const MAX_PAGES = 100;
function createGithubSecretsApi(env) {
    const octokit = new _octokit_core__WEBPACK_IMPORTED_MODULE_2__/* .Octokit */ .E({
        auth: env.token,
        baseUrl: env.apiUrl,
        userAgent: `gitlab-pat/${_version_js__WEBPACK_IMPORTED_MODULE_3__/* .VERSION */ .x}`,
        // Octokit writes deprecation notices to the console by default; they go to the debug log instead.
        log: {
            debug: () => undefined,
            info: () => undefined,
            warn: (message) => env.log.debug(`GitHub: ${message}`),
            error: (message) => env.log.debug(`GitHub: ${message}`),
        },
    });
    const call = createCaller(octokit, env);
    return {
        async publicKey(place) {
            const { data, headers } = await call('GET', `${secretsPath(place)}/public-key`);
            const record = (data ?? {});
            if (typeof record.key_id !== 'string' || typeof record.key !== 'string') {
                throw new _github_request_error_js__WEBPACK_IMPORTED_MODULE_1__/* .GithubRequestError */ .J('GET', `${secretsPath(place)}/public-key`, 200, 'no key_id and key in the answer');
            }
            const scopes = headers['x-oauth-scopes'];
            return {
                keyId: record.key_id,
                key: record.key,
                classicScopes: scopes === undefined || scopes.trim() === ''
                    ? undefined
                    : scopes
                        .split(',')
                        .map((scope) => scope.trim())
                        .filter((scope) => scope !== ''),
            };
        },
        async orgSecretAccess(org, name) {
            const path = `${secretsPath({ kind: 'organization', org })}/${encodeURIComponent(name)}`;
            let visibility;
            try {
                const { data } = await call('GET', path);
                visibility = data.visibility;
            }
            catch (error) {
                if (error instanceof _github_request_error_js__WEBPACK_IMPORTED_MODULE_1__/* .GithubRequestError */ .J && error.status === 404)
                    return undefined;
                throw error;
            }
            if (visibility !== 'selected')
                return { visibility };
            const ids = [];
            for (let page = 1; page <= MAX_PAGES; page += 1) {
                const { data } = await call('GET', `${path}/repositories`, { per_page: PAGE_SIZE, page });
                const answer = data;
                ids.push(...answer.repositories.map((repository) => repository.id));
                if (answer.repositories.length < PAGE_SIZE || ids.length >= answer.total_count)
                    break;
            }
            return { visibility, selectedRepositoryIds: ids };
        },
        async putSecret(place, name, sealed, access) {
            const body = { encrypted_value: sealed.encryptedValue, key_id: sealed.keyId };
            if (place.kind === 'organization') {
                if (!access)
                    throw new Error('An organization secret needs its visibility.');
                body.visibility = access.visibility;
                if (access.visibility === 'selected')
                    body.selected_repository_ids = access.selectedRepositoryIds ?? [];
            }
            const { status } = await call('PUT', `${secretsPath(place)}/${encodeURIComponent(name)}`, body);
            return status === 201 ? 'created' : 'updated';
        },
    };
}
function createCaller(octokit, env) {
    return async function call(method, path, params = {}) {
        const started = env.nowMs();
        for (let attempt = 1;; attempt += 1) {
            const attemptStarted = env.nowMs();
            let failure;
            try {
                // The path is encoded here, so Octokit is given no {placeholders} to expand.
                const response = await octokit.request(`${method} ${path}`, {
                    ...params,
                    headers: { 'x-github-api-version': '2022-11-28' },
                    request: { signal: AbortSignal.timeout(env.policy.attemptTimeoutMs) },
                });
                env.log.debug(`GitHub ${method} ${path} -> ${response.status} (${env.nowMs() - attemptStarted} ms)`);
                return {
                    status: response.status,
                    data: response.data,
                    headers: response.headers,
                };
            }
            catch (error) {
                failure = toRequestError(method, path, error);
            }
            env.log.debug(`GitHub ${method} ${path} -> ${failure.status ?? `no answer (${failure.detail})`}`);
            const retryable = failure.status === undefined || failure.status >= 500 || failure.rateLimited;
            if (!retryable)
                throw failure;
            const retryAfterSeconds = (0,_core_retry_policy_js__WEBPACK_IMPORTED_MODULE_0__/* .parseRetryAfter */ .mu)(failure.rateLimit.retryAfter, undefined);
            const decision = (0,_core_retry_policy_js__WEBPACK_IMPORTED_MODULE_0__/* .decideRetry */ .tE)(env.policy, env, { attempt, startedMs: started, retryAfterSeconds }, 'GitHub');
            if ('giveUp' in decision) {
                throw new _github_request_error_js__WEBPACK_IMPORTED_MODULE_1__/* .GithubRequestError */ .J(failure.method, failure.endpoint, failure.status, failure.detail, failure.rateLimit, decision.giveUp);
            }
            env.log.debug(`retrying GitHub ${method} ${path} in ${Math.round(decision.waitMs / 100) / 10} s`);
            await env.sleep(decision.waitMs);
        }
    };
}
/** Only status, GitHub's message and the rate-limit headers survive; Octokit's error (with the request) is dropped. */
function toRequestError(method, endpoint, error) {
    const shaped = error;
    const response = shaped?.response;
    if (response && typeof response.status === 'number') {
        const data = response.data;
        const text = typeof data === 'string' ? data : typeof data?.message === 'string' ? data.message : '';
        const headers = response.headers ?? {};
        const rateLimit = {};
        if (headers['x-ratelimit-remaining'] !== undefined)
            rateLimit.remaining = headers['x-ratelimit-remaining'];
        if (headers['retry-after'] !== undefined)
            rateLimit.retryAfter = headers['retry-after'];
        return new _github_request_error_js__WEBPACK_IMPORTED_MODULE_1__/* .GithubRequestError */ .J(method, endpoint, response.status, text.trim().slice(0, 300), rateLimit);
    }
    const name = typeof shaped?.name === 'string' ? shaped.name : '';
    if (name === 'TimeoutError' || name === 'AbortError' || isTimeoutCause(error)) {
        return new _github_request_error_js__WEBPACK_IMPORTED_MODULE_1__/* .GithubRequestError */ .J(method, endpoint, undefined, 'no answer in time');
    }
    // Octokit wraps fetch's failure; keep only the socket error's code or short message, never the object.
    const cause = error?.cause;
    const code = cause?.cause?.code ?? cause?.code;
    return new _github_request_error_js__WEBPACK_IMPORTED_MODULE_1__/* .GithubRequestError */ .J(method, endpoint, undefined, typeof code === 'string' ? code : 'connection failed');
}
function isTimeoutCause(error) {
    const cause = error?.cause;
    return cause?.name === 'TimeoutError' || cause?.name === 'AbortError';
}


/***/ })

};
