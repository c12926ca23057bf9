export const id = 954;
export const ids = [954,657,17];
export const modules = {

/***/ 214:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ getExecOutput)
/* harmony export */ });
/**
 * Bundling stub. @actions/core imports @actions/exec at load time for `platform.getDetails`, which gitlab-pat never
 * calls; see actions-http-client.ts for why it is mapped here for the bundler. With it, every cold start loaded
 * node:child_process, node:assert (and through them dgram, tty and more) for nothing: about 2 ms of CPU of a
 * `get self` once the rest of the start-up had been slimmed down (issue 12; it had measured as noise beside zod).
 */
function getExecOutput() {
    throw new Error('gitlab-pat does not bundle @actions/exec (platform details are not used).');
}


/***/ }),

/***/ 279:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ HttpClient),
/* harmony export */   t: () => (/* binding */ BearerCredentialHandler)
/* harmony export */ });
/**
 * Bundling stub. @actions/core imports @actions/http-client (and with it a whole copy of undici) at load time for
 * `getIDToken` (OIDC), which gitlab-pat never calls. src/tsconfig.json maps the package here for the builds of the
 * entries (dist/main, dist/post, dist/cli) only, which halves their bundles and their cold start; dist/github-secrets,
 * which talks to GitHub through @actions/github, is built without the mapping and has the real package. Anything that
 * did reach this stub fails loudly instead of silently.
 */
function notBundled() {
    throw new Error('gitlab-pat does not bundle @actions/http-client (OIDC tokens are not used).');
}
class HttpClient {
    constructor() {
        notBundled();
    }
}
class BearerCredentialHandler {
    constructor() {
        notBundled();
    }
}


/***/ }),

/***/ 869:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   KW: () => (/* binding */ tlsProblemOf),
/* harmony export */   L7: () => (/* binding */ showableUrl),
/* harmony export */   Mz: () => (/* binding */ HttpTransportError)
/* harmony export */ });
/**
 * Why an HTTP exchange produced no usable answer. Built only from codes, statuses, host names and paths: never from
 * request headers or bodies (the credential, a new token), never from a response body, never with the user name or
 * password of a proxy URL or a query string, so that any caller may put its message in front of a user.
 */
class HttpTransportError extends Error {
    reason;
    name = 'HttpTransportError';
    detail;
    code;
    tlsProblem;
    proxy;
    proxyStatus;
    status;
    location;
    constructor(reason, details) {
        super(`${reason}: ${details.detail}`);
        this.reason = reason;
        this.detail = details.detail;
        this.code = details.code;
        this.tlsProblem = details.tlsProblem;
        this.proxy = details.proxy;
        this.proxyStatus = details.proxyStatus;
        this.status = details.status;
        this.location = details.location;
    }
}
const UNTRUSTED_CODES = new Set([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_UNTRUSTED',
    'CERT_SIGNATURE_FAILURE',
    'CERT_REJECTED',
    'INVALID_CA',
]);
const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const HOST_NAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_HTTP_REQUEST', 'EPROTO']);
/** The certificate or handshake problem an error code stands for; undefined when the code is not about TLS. */
function tlsProblemOf(code) {
    if (UNTRUSTED_CODES.has(code))
        return 'untrusted';
    if (EXPIRED_CODES.has(code))
        return 'expired';
    if (HOST_NAME_CODES.has(code))
        return 'host-name';
    if (NOT_TLS_CODES.has(code))
        return 'not-tls';
    if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_'))
        return 'other';
    return undefined;
}
/**
 * A URL as it may be shown: scheme, host, port and path. The user name, password, query and fragment are dropped
 * (a redirect's Location or a proxy URL may carry credentials there). Capped, so that a hostile server cannot fill
 * a log line.
 */
function showableUrl(url, withPath = true) {
    const shown = `${url.protocol}//${url.host}${withPath ? url.pathname : ''}`;
    return shown.length > 200 ? `${shown.slice(0, 200)}...` : shown;
}


/***/ }),

/***/ 96:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GH: () => (/* binding */ CONNECT_SIGNAL),
/* harmony export */   IL: () => (/* binding */ createProxyAgent),
/* harmony export */   iJ: () => (/* binding */ proxyFor)
/* harmony export */ });
/* unused harmony export curlNoProxy */
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(30);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _http_transport_error_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(869);


/** The request option that carries a request's AbortSignal to the proxy agents (see proxy-agents.ts). */
const CONNECT_SIGNAL = 'connectSignal';
/** Every variable proxy-from-env reads for http and https URLs, in both cases it accepts. */
const PROXY_VARIABLES = ['https_proxy', 'http_proxy', 'all_proxy'].flatMap((name) => [
    name,
    name.toUpperCase(),
]);
/**
 * The proxy for `target` under `env`, or undefined for a direct connection.
 *
 * @throws HttpTransportError (reason `proxy`) when the proxy variable is not a URL or names a scheme other than
 *   http or https (a SOCKS proxy, say); the message never repeats the variable's value.
 */
async function proxyFor(target, env) {
    if (!PROXY_VARIABLES.some((name) => env[name]))
        return undefined;
    const { getProxyForUrl } = await __webpack_require__.e(/* import() */ 468).then(__webpack_require__.bind(__webpack_require__, 468));
    const chosen = withEnvironment(env, () => getProxyForUrl(target));
    if (chosen === '')
        return undefined;
    let url;
    try {
        url = new URL(chosen);
    }
    catch {
        throw new _http_transport_error_js__WEBPACK_IMPORTED_MODULE_1__/* .HttpTransportError */ .Mz('proxy', {
            detail: `the proxy setting for ${target.protocol.slice(0, -1)} URLs (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) is not a URL`,
        });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new _http_transport_error_js__WEBPACK_IMPORTED_MODULE_1__/* .HttpTransportError */ .Mz('proxy', {
            detail: `${url.protocol.slice(0, -1)} proxies are not supported, only http:// and https:// ones`,
            proxy: (0,_http_transport_error_js__WEBPACK_IMPORTED_MODULE_1__/* .showableUrl */ .L7)(url, false),
        });
    }
    const authorization = url.username || url.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
        : undefined;
    url.username = '';
    url.password = '';
    return { shown: (0,_http_transport_error_js__WEBPACK_IMPORTED_MODULE_1__/* .showableUrl */ .L7)(url, false), url, authorization };
}
/**
 * proxy-from-env reads `process.env` and takes no environment of its own; lend it ours (in curl's reading, see
 * below) for the one synchronous call, so that the transport honours exactly the environment it was given.
 */
function withEnvironment(env, decide) {
    const lent = { ...env };
    // curl and Go take a proxy without a scheme as http://; proxy-from-env would take the target's (TLS to the proxy).
    for (const name of PROXY_VARIABLES) {
        const value = lent[name];
        if (value && !value.includes('://'))
            lent[name] = `http://${value}`;
    }
    const noProxy = env.no_proxy || env.NO_PROXY;
    if (noProxy) {
        lent.no_proxy = curlNoProxy(noProxy);
        delete lent.NO_PROXY;
    }
    const own = process.env;
    process.env = lent;
    try {
        return decide();
    }
    finally {
        process.env = own;
    }
}
/**
 * NO_PROXY as curl (and Go, which the GitLab runner is written in) read it, rewritten into proxy-from-env's
 * stricter syntax: a plain domain also covers its subdomains (`example.com` matches `www.example.com`), and an IPv6
 * address may be written without brackets (`::1`).
 */
function curlNoProxy(value) {
    const entries = [];
    for (const raw of value.split(/[\s,]+/)) {
        const entry = raw.trim().toLowerCase();
        if (entry === '')
            continue;
        if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv6)(entry)) {
            entries.push(`[${entry}]`);
        }
        else if (entry === '*' || entry.startsWith('.') || entry.startsWith('*') || entry.startsWith('[')) {
            entries.push(entry);
        }
        else {
            const host = entry.replace(/:\d+$/, '');
            entries.push(entry);
            if (!(0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv4)(host))
                entries.push(`.${entry}`);
        }
    }
    return entries.join(',');
}
/**
 * An agent that sends requests for `targetProtocol` URLs through `proxy`: a CONNECT tunnel for https, absolute-URL
 * requests for http. `keepAlive` false gives every request a connection of its own.
 */
async function createProxyAgent(targetProtocol, proxy, keepAlive) {
    const { createTunnelAgent, createForwardAgent } = await Promise.all(/* import() */[__webpack_require__.e(692), __webpack_require__.e(451)]).then(__webpack_require__.bind(__webpack_require__, 451));
    return targetProtocol === 'https:'
        ? createTunnelAgent(proxy.url, proxy.authorization, keepAlive)
        : createForwardAgent(proxy.url, proxy.authorization, keepAlive);
}


/***/ }),

/***/ 657:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   REDACTED: () => (/* binding */ REDACTED),
/* harmony export */   SecretRegistry: () => (/* binding */ SecretRegistry)
/* harmony export */ });
/**
 * Every secret the run knows (the credential, every new token) in every form it could take in a message: raw,
 * base64 (Basic auth, Kubernetes secrets), URL-encoded (query strings, form bodies) and JSON-escaped. All output of
 * every front door passes through `redact` before it is written anywhere.
 */
const REDACTED = '***';
/** Shorter strings would redact ordinary words; GitLab tokens are at least 20 characters. */
const MIN_SECRET_LENGTH = 8;
class SecretRegistry {
    #forms = new Set();
    #values = new Set();
    add(secret) {
        if (secret === undefined || secret.length < MIN_SECRET_LENGTH || this.#values.has(secret))
            return;
        this.#values.add(secret);
        for (const form of encodedForms(secret))
            this.#forms.add(form);
    }
    redact(text) {
        if (this.#forms.size === 0 || text === '')
            return text;
        let result = text;
        // Longest first, so that a form containing another is removed whole.
        for (const form of [...this.#forms].sort((a, b) => b.length - a.length)) {
            if (result.includes(form))
                result = result.split(form).join(REDACTED);
        }
        return result;
    }
}
function encodedForms(secret) {
    const base64 = Buffer.from(secret, 'utf8').toString('base64');
    const forms = [
        secret,
        encodeURIComponent(secret),
        JSON.stringify(secret).slice(1, -1),
        base64,
        base64.replace(/=+$/, ''),
        Buffer.from(secret, 'utf8').toString('base64url'),
    ];
    // A secret inside a longer base64 text is encoded differently depending on its offset modulo 3; cover all three.
    for (const prefix of ['a', 'ab']) {
        const shifted = Buffer.from(prefix + secret, 'utf8').toString('base64');
        // Drop the characters that depend on the prefix and the (possibly padded) tail.
        const stable = shifted.slice(Math.ceil((prefix.length * 4) / 3) + 1, -4);
        if (stable.length >= MIN_SECRET_LENGTH)
            forms.push(stable);
    }
    const tail = base64.slice(0, -4);
    if (tail.length >= MIN_SECRET_LENGTH)
        forms.push(tail);
    return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
}


/***/ }),

/***/ 911:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ../node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(360);
// EXTERNAL MODULE: ./core/redact.ts
var redact = __webpack_require__(657);
// EXTERNAL MODULE: ./process/guard-output.ts
var guard_output = __webpack_require__(17);
;// CONCATENATED MODULE: ./core/errors.ts
/**
 * Every failure the tool reports is one of these, so that each front door can map it to the contract's exit codes
 * without inspecting messages. Messages are written for the person who has to act on them and never contain a
 * token value (they are redacted again on the way out, as a second line of defence).
 */
const ExitCode = {
    /** Done, or nothing was due. */
    ok: 0,
    /** Failed before changing anything. */
    failedUnchanged: 1,
    /** Bad input or usage. */
    badInput: 2,
    /** A token changed but a destination write failed; the message says where the token is. */
    destinationFailed: 3,
    /** The rotation outcome is unknown or the new value was lost; recovery steps are printed. */
    outcomeUnknown: 4,
};
class PatError extends Error {
    /** Extra lines a user needs to recover (printed after the message). */
    steps;
    changedToken;
    constructor(message, steps = [], changedToken) {
        super(message);
        this.steps = steps;
        this.changedToken = changedToken;
    }
}
/** An input is missing, malformed or contradicts another one. Raised before the first request. */
class InputError extends PatError {
    name = 'InputError';
    exitCode = ExitCode.badInput;
}
/** Something went wrong and nothing was changed on GitLab. */
class UnchangedFailure extends PatError {
    name = 'UnchangedFailure';
    exitCode = ExitCode.failedUnchanged;
}
/** The token changed, but it could not be stored where it was asked to go. */
class DestinationFailure extends PatError {
    name = 'DestinationFailure';
    exitCode = ExitCode.destinationFailed;
}
/** The rotation may have happened and its new value is not in our hands. */
class OutcomeUnknown extends PatError {
    name = 'OutcomeUnknown';
    exitCode = ExitCode.outcomeUnknown;
}

;// CONCATENATED MODULE: ./core/tokens/access-token.ts
/**
 * One model for every GitLab access token kind, and one address that says which token (or whose tokens) an
 * operation means. GitLab stores project, group and service-account tokens as personal access tokens of a bot or
 * service-account user (doc/api/resource_access_tokens.md, doc/api/service_accounts.md); they differ in who may
 * manage them and through which endpoints, which is what the kind modules (personal.ts, project.ts, group.ts,
 * service-account.ts) know.
 */
const TOKEN_KINDS = ['personal', 'project', 'group', 'service-account'];
/** "token 12 ("deploy")", for messages. */
function describeToken(token) {
    return `token ${token.id} ("${token.name}")`;
}
/** GitLab's access levels by name (doc/api/access_requests.md#valid-access-levels). */
const ACCESS_LEVELS = {
    guest: 10,
    planner: 15,
    reporter: 20,
    developer: 30,
    maintainer: 40,
    owner: 50,
};
function accessLevelName(level) {
    const name = Object.entries(ACCESS_LEVELS).find(([, value]) => value === level)?.[0];
    return name ?? String(level);
}

;// CONCATENATED MODULE: ./core/tokens/scopes.ts
/**
 * Token scopes as GitLab knows them today. GitLab adds scopes over time, so a well-formed name we do not know is
 * passed on with a warning instead of rejected; only malformed names are an input error.
 */
const USER_SCOPES = [
    'api',
    'read_api',
    'read_user',
    'create_runner',
    'manage_runner',
    'k8s_proxy',
    'self_rotate',
    'read_repository',
    'write_repository',
    'read_registry',
    'write_registry',
    'read_virtual_registry',
    'write_virtual_registry',
    'read_observability',
    'write_observability',
    'ai_features',
];
const ADMIN_ONLY_SCOPES = ['sudo', 'admin_mode', 'read_service_ping'];
const KNOWN_SCOPES = new Set([...USER_SCOPES, ...ADMIN_ONLY_SCOPES]);
/** Scopes a non-administrator may put on a token they create for themselves (POST /user/personal_access_tokens). */
const SELF_SERVICE_SCOPES = new Set(['k8s_proxy', 'self_rotate']);
/**
 * Scopes a bot user's token (project, group) cannot have: GitLab offers them the non-administrator scopes without
 * read_user (doc/user/project/settings/project_access_tokens.md#scopes-for-a-project-access-token).
 */
const BOT_REFUSED_SCOPES = new Set(['read_user', ...ADMIN_ONLY_SCOPES]);
const SCOPE_NAME = /^[a-z][a-z0-9_]*$/;
/** Scopes may be separated by commas, spaces or newlines (a YAML block scalar reads naturally). */
function parseScopes(text) {
    const scopes = [...new Set(text.split(/[\s,]+/).filter((scope) => scope !== ''))];
    return {
        scopes,
        malformed: scopes.filter((scope) => !SCOPE_NAME.test(scope)),
        unknown: scopes.filter((scope) => SCOPE_NAME.test(scope) && !KNOWN_SCOPES.has(scope)),
    };
}
/** Rotating a token on its own behalf needs one of these on the credential. */
const SELF_ROTATE_SCOPES = ['api', 'self_rotate'];
function hasAnyScope(held, wanted) {
    return wanted.some((scope) => held.includes(scope));
}

;// CONCATENATED MODULE: ./core/time/expiry.ts
/**
 * Calendar arithmetic for token expiry. GitLab stores `expires_at` as a date and a token stops working at 00:00 UTC
 * on that date, so every computation here works on UTC calendar dates (`YYYY-MM-DD` strings), never on local time.
 */
const DURATION_PATTERN = /^(\d{1,4})([dwmy])$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
function parseDuration(text) {
    const match = DURATION_PATTERN.exec(text.trim().toLowerCase());
    if (!match)
        return undefined;
    const amount = Number(match[1]);
    if (amount <= 0)
        return undefined;
    return { amount, unit: match[2], text: text.trim() };
}
function isCalendarDate(text) {
    const match = DATE_PATTERN.exec(text);
    if (!match)
        return false;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
function utcDate(instant) {
    return instant.toISOString().slice(0, 10);
}
function toEpochDay(date) {
    return Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;
}
function fromEpochDay(day) {
    return utcDate(new Date(day * MS_PER_DAY));
}
function addDays(date, days) {
    return fromEpochDay(toEpochDay(date) + days);
}
/** Whole days from `from` to `to` (negative when `to` is earlier). */
function daysBetween(from, to) {
    return toEpochDay(to) - toEpochDay(from);
}
/** Months and years move the calendar and keep the day, clamped to the month's end (31 Jan + 1m = 28/29 Feb). */
function addMonths(date, months) {
    const [year, month, day] = date.split('-').map(Number);
    const firstOfTarget = new Date(Date.UTC(year, month - 1 + months, 1));
    const lastDay = new Date(Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth() + 1, 0)).getUTCDate();
    firstOfTarget.setUTCDate(Math.min(day, lastDay));
    return utcDate(firstOfTarget);
}
function addDuration(date, duration) {
    switch (duration.unit) {
        case 'd':
            return addDays(date, duration.amount);
        case 'w':
            return addDays(date, duration.amount * 7);
        case 'm':
            return addMonths(date, duration.amount);
        case 'y':
            return addMonths(date, duration.amount * 12);
    }
}
function latestAllowedExpiry(limits) {
    return addDays(limits.today, limits.maxLifetimeDays);
}
function earliestAllowedExpiry(limits) {
    // A token dated today is already expired (it stops at 00:00 UTC), so the earliest useful date is tomorrow.
    return addDays(limits.today, 1);
}
/** Days until a token stops working; 0 means it expires at the coming midnight UTC, negative means it has expired. */
function daysLeft(expiresAt, today) {
    return expiresAt === null ? null : daysBetween(today, expiresAt);
}
/** True when a token expiring on `expiresAt` falls within `window` from today (tokens that never expire never do). */
function expiresWithin(expiresAt, window, today) {
    if (expiresAt === null)
        return false;
    return expiresAt <= addDuration(today, window);
}

;// CONCATENATED MODULE: ./core/options/option-kit.ts
/**
 * The kit every option set is built from: an option is a raw string (from `core.getInput`, a `--flag`, an
 * environment variable or an inventory entry) turned into a typed value, with a message that says what was
 * expected and what was given. The GitLab options (gitlab-options.ts), the GitHub-secret options
 * (src/github/github-secret-options.ts) and the CLI's own (src/cli/cli-options.ts) are all made of these, so every
 * front door and the docs read them the same way.
 */

const OPERATIONS = ['create', 'list', 'get', 'revoke', 'rotate'];
const ok = (value) => ({ ok: true, value });
const bad = (expected, problem) => problem === undefined ? { ok: false, expected } : { ok: false, expected, problem };
/**
 * Text shaped like a GitLab token (`glpat-`, `glptt-`, `gldt-`, `glrt-`, `glsoat-`, ... and instance prefixes in
 * front of them): never echoed, whatever option it was given to. A secret pasted into the wrong option is the
 * commonest way a token reaches a log.
 */
const TOKEN_SHAPED = /gl[a-z]{1,6}-[A-Za-z0-9_.-]{8,}/g;
function looksLikeToken(text) {
    return tokenShapedParts(text).length > 0;
}
/** The parts of a text shaped like a GitLab token, for registering them as secrets before anything is parsed. */
function tokenShapedParts(text) {
    return [...text.matchAll(TOKEN_SHAPED)].map((match) => match[0]);
}
/** How a given value is shown in a message: quoted and shortened, or not at all when it may be a secret. */
function describeGiven(text, problem) {
    if (looksLikeToken(text)) {
        return `the value given looks like a GitLab token (not shown)${problem ? `; ${problem}` : ''}`;
    }
    const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
    return `got ${JSON.stringify(shown)}${problem ? ` (${problem})` : ''}`;
}
function option_kit_option(meta, parse) {
    return { meta: { ...meta }, parse };
}
function optionMeta(schema) {
    return schema.meta;
}
/** The options actually given: trimmed, empty ones dropped. */
function givenOptions(raw, names) {
    const given = {};
    for (const name of names) {
        const value = raw[name]?.trim();
        if (value !== undefined && value !== '')
            given[name] = value;
    }
    return given;
}
/**
 * Parses the given options of one shape: a typed record, or the problems (one line each, naming the input).
 * `label` names where the options came from in messages ("Input", or "tokens[3] (deploy-bot): key").
 */
function parseShape(shape, given, label = (name) => `Input ${name}`) {
    const input = {};
    const problems = [];
    // In the shape's order, so that problems are listed as the docs list the options.
    for (const [name, schema] of Object.entries(shape)) {
        const text = given[name];
        if (text === undefined)
            continue;
        const result = schema.parse(text);
        if (result.ok) {
            input[name] = result.value;
            continue;
        }
        const shown = schema.meta.secret || result.conceal
            ? (result.problem ?? 'the value given is not one')
            : describeGiven(text, result.problem);
        problems.push(`${label(name)}: expected ${result.expected}; ${shown}.`);
    }
    return problems.length === 0 ? { input: input, problems } : { input: {}, problems };
}
/** Options of a shape given to an operation they do not apply to. */
function misappliedOptions(shape, given, operation) {
    const problems = [];
    for (const [name, schema] of Object.entries(shape)) {
        const applies = optionMeta(schema).operations;
        if (given[name] !== undefined && applies && !applies.includes(operation)) {
            problems.push(`Input ${name} does not apply to operation ${operation} (it is for ${applies.join(', ')}); remove it or change the operation.`);
        }
    }
    return problems;
}
/** "Inputs a, b need c" for options that only make sense together with another. */
function orphanProblem(orphans, needs, why) {
    if (orphans.length === 0)
        return undefined;
    const plural = orphans.length > 1;
    return `Input${plural ? 's' : ''} ${orphans.join(', ')} need${plural ? '' : 's'} ${needs}: ${why}.`;
}
// Parsers shared by several option sets.
const parseText = (maxLength) => (text) => text.length <= maxLength ? ok(text) : bad(`at most ${maxLength} characters`, `${text.length} characters`);
function parseBoolean(text) {
    if (/^(true|yes|on|1)$/i.test(text))
        return ok(true);
    if (/^(false|no|off|0)$/i.test(text))
        return ok(false);
    return bad('true or false');
}
function parseChoice(choices) {
    return (text) => {
        const lower = text.toLowerCase();
        const match = choices.find((choice) => choice === lower);
        return match ? ok(match) : bad(`one of ${choices.join(', ')}`);
    };
}
function parseDurationText(text) {
    const duration = parseDuration(text);
    if (duration)
        return ok(duration);
    const expected = 'a duration such as 30d, 12w, 6m or 1y (d days, w weeks, m months, y years)';
    const match = /^(\d+)\s*([A-Za-z]*)$/.exec(text.trim());
    if (match && /^[dwmy]$/i.test(match[2] ?? '') && Number(match[1]) === 0) {
        return bad(expected, 'a duration of zero');
    }
    if (match && match[2] !== '' && !/^[dwmy]$/i.test(match[2] ?? '')) {
        return bad(expected, `unknown unit "${match[2]}"`);
    }
    if (match && /^\d{5,}/.test(match[1] ?? ''))
        return bad(expected, 'too large');
    return bad(expected);
}
function parseDate(text) {
    return isCalendarDate(text) ? ok(text) : bad('a date as YYYY-MM-DD, such as 2027-03-31');
}
/** An environment variable name (the CLI's *-variable options name one; never its value). */
function parseVariableName(text) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)
        ? ok(text)
        : bad('an environment variable name, such as DEPLOY_TOKEN');
}
/**
 * A credential goes into an HTTP header as is: a character that cannot, or one nobody can see (a zero-width space
 * from a copy-paste, a line break from a secret store), is a mistake in how the secret was stored. Found here,
 * before any request, instead of as a network error after five attempts. Never echoes the value.
 */
function parseSecretText(kind, minLength) {
    return (text) => {
        const expected = `${kind} (at least ${minLength} characters, no spaces, line breaks or invisible characters)`;
        const invisible = findInvisibleCharacter(text);
        if (invisible)
            return bad(expected, invisible);
        if (text.length < minLength)
            return bad(expected, `the value given has only ${text.length} characters`);
        return ok(text);
    };
}
/**
 * The first character of a secret that cannot be sent in an HTTP header or cannot be seen: its position (1-based)
 * and code point, never the value.
 */
function findInvisibleCharacter(text) {
    let position = 0;
    for (const character of text) {
        position += 1;
        const code = character.codePointAt(0) ?? 0;
        const what = character === '\n' || character === '\r'
            ? 'a line break'
            : /\s/u.test(character)
                ? 'a space'
                : code < 0x20 || code === 0x7f
                    ? 'a control character'
                    : code > 0x7e
                        ? /[\p{Cf}\p{Zs}\p{Zl}\p{Zp}]/u.test(character)
                            ? 'an invisible character'
                            : 'a character outside printable ASCII, which cannot be sent in an HTTP header'
                        : undefined;
        if (what) {
            const hex = code.toString(16).toUpperCase().padStart(4, '0');
            return `the value given contains ${what} (U+${hex}) at position ${position}`;
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./core/options/gitlab-options.ts
/**
 * The GitLab options: every option the core understands, defined once with its parse and its user-facing
 * description. The Action reads these names with `core.getInput`, the CLI from `--flags` and environment variables,
 * the components through the CLI; the descriptions feed action.yml, the CLI help, the component specs and the
 * README (a test keeps them in step). Rules that involve several options are in parse-options.ts.
 */



const TOKEN_SELECTING = ['get', 'revoke', 'rotate'];
const TOKEN_MAKING = ['create', 'rotate'];
function parseUser(text) {
    if (/^\d+$/.test(text))
        return ok(Number(text));
    return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(text) ? ok(text) : bad('a user id (number) or a username');
}
function parseTokenId(text) {
    if (text.toLowerCase() === 'self')
        return ok('self');
    return /^\d+$/.test(text) && Number(text) > 0 ? ok(Number(text)) : bad('"self" or a numeric token id');
}
function parseScopesText(text) {
    const { scopes, malformed } = parseScopes(text);
    if (scopes.length === 0)
        return bad('at least one scope, such as api or read_api');
    if (malformed.length > 0) {
        return bad('scope names in lower case letters, digits and underscores, separated by commas, spaces or newlines', `malformed: ${malformed.join(', ')}`);
    }
    return ok(scopes);
}
function parseMaxLifetime(text) {
    const days = /^\d+$/.test(text) ? Number(text) : NaN;
    return days >= 1 && days <= 400 ? ok(days) : bad('a number of days from 1 to 400');
}
function parseAccessLevel(text) {
    const named = ACCESS_LEVELS[text.toLowerCase()];
    if (named !== undefined)
        return ok(named);
    const number = /^\d+$/.test(text) ? Number(text) : NaN;
    if (Object.values(ACCESS_LEVELS).includes(number))
        return ok(number);
    return bad(`an access level: ${Object.entries(ACCESS_LEVELS)
        .map(([name, level]) => `${name} (${level})`)
        .join(', ')}`);
}
/** GitLab tokens are at least 20 characters; shorter values are mistakes in how a secret was stored. */
const parseCredential = parseSecretText('a GitLab access token', 20);
function parseGitlabUrl(text) {
    const expected = 'the https:// address of a GitLab instance, such as https://gitlab.example.com';
    let url;
    try {
        url = new URL(text);
    }
    catch {
        // The text may hold credentials (user:token@host) that made it unparseable: never echo it.
        return /@|gl[a-z]{1,6}-/.test(text)
            ? {
                ok: false,
                expected,
                problem: 'the address given is not a URL (not shown: it may hold a secret)',
                conceal: true,
            }
            : bad(expected);
    }
    if (url.username !== '' || url.password !== '') {
        return {
            ok: false,
            expected,
            problem: 'the address given contains credentials (not shown): pass the token as gitlab-token',
            conceal: true,
        };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return bad(expected);
    if (url.search !== '' || url.hash !== '') {
        return {
            ok: false,
            expected,
            problem: 'the address given has a query or fragment (not shown)',
            conceal: true,
        };
    }
    // Users paste the API root as often as the instance root; both mean the same instance.
    const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
    return ok({
        url: `${url.protocol}//${url.host}${path}`,
        insecure: url.protocol === 'http:' && !isLoopback(url),
    });
}
function isLoopback(url) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
function parseVariableKey(text) {
    return /^[A-Za-z0-9_]{1,255}$/.test(text)
        ? ok(text)
        : bad('a CI/CD variable key: up to 255 letters, digits and underscores, such as DEPLOY_TOKEN');
}
/** GitLab's Gitlab::Regex.environment_scope_regex: checked here, because after a rotation it would be too late. */
function parseEnvironmentScope(text) {
    return /^[a-zA-Z0-9_/${}. *-]{1,255}$/.test(text)
        ? ok(text)
        : bad("an environment scope of letters, digits, '-', '_', '/', '$', '{', '}', '.', '*' and spaces, such as production or review/*");
}
function parseNamespace(text) {
    if (/^\d+$/.test(text))
        return ok(Number(text));
    return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$/.test(text)
        ? ok(text)
        : bad('a numeric id or a full path such as my-group/my-project');
}
/** The GitLab options. */
const GITLAB_OPTIONS = {
    operation: option_kit_option({
        description: 'What to do: create, list, get, revoke or rotate.',
        defaultText: 'rotate',
        declaredDefault: 'rotate',
    }, parseChoice(OPERATIONS)),
    'gitlab-url': option_kit_option({
        description: 'GitLab instance URL. http:// is accepted only for loopback addresses unless allow-insecure-http is true.',
        defaultText: 'https://gitlab.com (CLI and components: $CI_SERVER_URL when set)',
        declaredDefault: 'https://gitlab.com',
        env: ['GITLAB_URL', 'CI_SERVER_URL'],
    }, parseGitlabUrl),
    'gitlab-token': option_kit_option({
        description: 'Credential that calls GitLab: a personal, project, group or service-account access token. Rotating "self" rotates this token and continues with the new one.',
        secret: true,
        env: ['GITLAB_TOKEN'],
    }, parseCredential),
    'token-kind': option_kit_option({
        description: "Which kind of token: personal (of a user, a service account or the caller), project (a project access token: give project), group (a group access token: give group) or service-account (a group service account's token: give group and user). With token-id self, project and group are found from the credential when not given.",
        defaultText: 'personal',
        declaredDefault: 'personal',
    }, parseChoice(TOKEN_KINDS)),
    user: option_kit_option({
        description: 'User id or username: whose personal token to create (administrators), whose tokens to list, or among whose tokens to find token-name; with token-kind service-account, the service account.',
    }, parseUser),
    project: option_kit_option({
        description: 'token-kind project: the project (id or full path) whose access tokens to create, list or act on.',
    }, parseNamespace),
    group: option_kit_option({
        description: "token-kind group or service-account: the group (id or full path) whose access tokens, or whose service account's tokens, to create, list or act on.",
    }, parseNamespace),
    'token-id': option_kit_option({
        description: 'The token to act on: "self" (the gitlab-token itself) or a numeric token id.',
        operations: TOKEN_SELECTING,
        defaultText: 'self for get and rotate',
    }, parseTokenId),
    'token-name': option_kit_option({
        description: 'Select the one active token with this exact name (an expired one too, for rotate and revoke). Several matches are an error that lists their ids.',
        operations: TOKEN_SELECTING,
    }, parseText(255)),
    name: option_kit_option({
        description: 'create: the new token name. list: only tokens whose name contains this text.',
        operations: ['create', 'list'],
    }, parseText(255)),
    description: option_kit_option({ description: 'create: the new token description.', operations: ['create'] }, parseText(255)),
    scopes: option_kit_option({
        description: 'create: scopes, separated by commas, spaces or newlines (such as "api, read_repository").',
        operations: ['create'],
    }, parseScopesText),
    'access-level': option_kit_option({
        description: "create, token-kind project or group: the bot user's role, guest, planner, reporter, developer, maintainer or owner (or 10, 15, 20, 30, 40, 50); at most the caller's own.",
        operations: ['create'],
        defaultText: 'maintainer',
    }, parseAccessLevel),
    'expires-at': option_kit_option({
        description: 'Expiry date of the new token, YYYY-MM-DD (UTC): it stops working at 00:00 UTC that day. Must be after today and within max-lifetime-days.',
        operations: TOKEN_MAKING,
    }, parseDate),
    'expires-in': option_kit_option({
        description: "Lifetime of the new token: 30d, 12w, 6m or 1y, at least that long (rounded up to GitLab's next midnight UTC) and clamped to max-lifetime-days. Default: 30d for create, the old token's lifetime for rotate.",
        operations: TOKEN_MAKING,
    }, parseDurationText),
    'rotate-before': option_kit_option({
        description: 'Rotate only when the token expires within this duration (such as 30d); otherwise do nothing and set rotated=false. Makes daily schedules safe.',
        operations: ['rotate'],
    }, parseDurationText),
    'max-lifetime-days': option_kit_option({
        description: "The instance's maximum token lifetime in days: 365 on GitLab.com, up to 400 on self-managed instances that allow it.",
        defaultText: '365',
        declaredDefault: '365',
    }, parseMaxLifetime),
    state: option_kit_option({
        description: 'list: which tokens, active, inactive (revoked or expired) or all.',
        operations: ['list'],
        defaultText: 'active',
    }, parseChoice(['active', 'inactive', 'all'])),
    'expires-within': option_kit_option({
        description: 'list: only tokens that expire within this duration (such as 30d).',
        operations: ['list'],
    }, parseDurationText),
    'variable-key': option_kit_option({
        description: 'Store the new token in this CI/CD variable: updated in place when it exists (also when hidden), otherwise created masked and hidden. Never printed.',
        operations: TOKEN_MAKING,
    }, parseVariableKey),
    'variable-project': option_kit_option({
        description: "Project (id or full path) that holds variable-key. Needs the Maintainer role. Default: a project token's own project; otherwise, in GitLab CI (so the components), the job's own project.",
        operations: TOKEN_MAKING,
    }, parseNamespace),
    'variable-group': option_kit_option({
        description: "Group (id or full path) that holds variable-key, instead of a project. Needs the Owner role. Default for group and service-account tokens: the token's own group.",
        operations: TOKEN_MAKING,
    }, parseNamespace),
    'variable-environment-scope': option_kit_option({
        description: 'Environment scope of variable-key. When the key exists in several scopes, exactly this one is updated.',
        operations: TOKEN_MAKING,
        defaultText: '*',
    }, parseEnvironmentScope),
    'variable-protected': option_kit_option({
        description: 'Make variable-key protected (only pipelines on protected branches and tags can read it; schedules must run on one). Not given: a new variable is protected, an existing one keeps its setting.',
        operations: TOKEN_MAKING,
        defaultText: 'true for a new variable',
    }, parseBoolean),
    'fallback-variable-key': option_kit_option({
        description: 'If writing variable-key fails after the token changed, store the new token in this masked, hidden variable (same project or group) instead, and fail naming it.',
        operations: TOKEN_MAKING,
        defaultText: '<variable-key>_FALLBACK',
    }, parseVariableKey),
    strategy: option_kit_option({
        description: "rotate: GitLab's atomic rotate (one request; the old token stops at once; a project or group token keeps its bot user). overlap: create a new token, store and verify it, then revoke the old one; needs a credential that may create the token, and gives a project or group token a new bot user, which breaks rules that name the old one.",
        operations: ['rotate'],
        defaultText: 'rotate',
    }, parseChoice(['rotate', 'overlap'])),
    'recovery-token': option_kit_option({
        description: "A second credential that may rotate the managed token (an administrator's, or a project Maintainer's or group Owner's for bot tokens). Used only if GitLab rotated the token but its answer was lost: it rotates the new token once more so that its value can be stored.",
        operations: ['rotate'],
        secret: true,
        env: ['GITLAB_RECOVERY_TOKEN'],
    }, parseCredential),
    'dry-run': option_kit_option({
        description: 'Resolve, validate and check everything, change nothing, and say what would happen.',
        defaultText: 'false',
        declaredDefault: 'false',
        flag: true,
    }, parseBoolean),
    'allow-insecure-http': option_kit_option({
        description: 'Allow an http:// gitlab-url that is not a loopback address (the token then crosses the network in clear).',
        defaultText: 'false',
        declaredDefault: 'false',
        flag: true,
    }, parseBoolean),
};
const TOKEN_SELECTING_OPERATIONS = TOKEN_SELECTING;
const TOKEN_MAKING_OPERATIONS = TOKEN_MAKING;

;// CONCATENATED MODULE: ./core/options/parse-options.ts
/**
 * Raw strings in, typed options out: the GitLab options (gitlab-options.ts) and whatever option sets a front door
 * adds (the GitHub secret, the CLI's own), parsed together so that every problem is reported at once, before the
 * first request.
 */






/** Every option name of the GitLab options and the given sets. */
function optionNames(sets = []) {
    return describeOptions(sets).map(([name]) => name);
}
/** Every option of the GitLab options and the given sets, in order, with its metadata (for docs and help). */
function describeOptions(sets = []) {
    return [GITLAB_OPTIONS, ...sets.map((set) => set.shape)].flatMap((shape) => Object.entries(shape).map(([name, schema]) => [name, optionMeta(schema)]));
}
/** The values of every secret option given, so that a front door can protect them before anything is written. */
function secretValues(raw, sets = []) {
    return describeOptions(sets)
        .filter(([, meta]) => meta.secret)
        .map(([name]) => raw[name]?.trim() ?? '')
        .filter((value) => value !== '');
}
/**
 * Parses the GitLab options and the given sets. Throws an InputError naming every problem (which input, what was
 * expected, what was given, never a secret); returns warnings for what is allowed but probably not meant.
 */
function parseOptions(raw, context, ...sets) {
    const given = givenOptions(raw, optionNames(sets));
    const parsed = parseShape(GITLAB_OPTIONS, given);
    const input = parsed.input;
    const problems = [...parsed.problems];
    const operation = input.operation ?? 'rotate';
    problems.push(...misappliedOptions(GITLAB_OPTIONS, given, operation));
    const setValues = sets.map((set) => {
        const result = set.parse(given, { operation, input });
        problems.push(...result.problems);
        return result.value;
    });
    if (parsed.problems.length > 0)
        throw inputError(problems);
    problems.push(...crossFieldProblems(input, given, operation, context));
    if (problems.length > 0)
        throw inputError(problems);
    const warnings = [];
    const unknownScopes = input.scopes ? parseScopes(input.scopes.join(' ')).unknown : [];
    if (unknownScopes.length > 0) {
        warnings.push(`Scopes ${unknownScopes.join(', ')} are not scopes this version knows; they are passed to GitLab as given, which rejects them if they do not exist.`);
    }
    const address = tokenAddress(input, operation);
    if (operation === 'rotate' &&
        input.strategy === 'overlap' &&
        (address.owner.kind === 'project' || address.owner.kind === 'group')) {
        warnings.push(`strategy overlap creates a new ${address.owner.kind} access token, which comes with a new bot user: protected-branch, approval and other rules that name the old bot user stop applying to the new token. strategy rotate keeps the bot user.`);
    }
    const url = input['gitlab-url'] ?? { url: 'https://gitlab.com', insecure: false };
    return {
        options: {
            operation,
            gitlabUrl: url.url,
            gitlabToken: input['gitlab-token'] ?? '',
            address,
            nameFilter: operation === 'list' ? input.name : undefined,
            create: operation === 'create'
                ? {
                    name: input.name ?? '',
                    scopes: input.scopes ?? [],
                    description: input.description,
                    accessLevel: input['access-level'],
                }
                : undefined,
            expiry: input['expires-at'] !== undefined
                ? { kind: 'at', date: input['expires-at'] }
                : input['expires-in'] !== undefined
                    ? { kind: 'in', duration: input['expires-in'] }
                    : undefined,
            rotateBefore: input['rotate-before'],
            maxLifetimeDays: input['max-lifetime-days'] ?? 365,
            state: input.state ?? 'active',
            expiresWithin: input['expires-within'],
            variable: variableTarget(input, address.owner, context),
            strategy: input.strategy ?? 'rotate',
            recoveryToken: input['recovery-token'],
            dryRun: input['dry-run'] ?? false,
        },
        sets: setValues,
        warnings,
    };
}
function crossFieldProblems(input, given, operation, context) {
    const problems = [];
    if (input['gitlab-token'] === undefined) {
        problems.push('Input gitlab-token is required: the credential that calls GitLab (CLI: the GITLAB_TOKEN environment variable, or gitlab-token-variable naming another).');
    }
    const url = input['gitlab-url'];
    if (url?.insecure && input['allow-insecure-http'] !== true) {
        problems.push(`Input gitlab-url: ${url.url} is plain http to a host that is not a loopback address, so the token would cross the network unencrypted. Use https://, or set allow-insecure-http to true if you accept that.`);
    }
    if (input['token-id'] !== undefined && input['token-name'] !== undefined) {
        problems.push('Inputs token-id and token-name both select a token; give only one of them.');
    }
    if (input['expires-at'] !== undefined && input['expires-in'] !== undefined) {
        problems.push('Inputs expires-at and expires-in both set the expiry; give only one of them.');
    }
    problems.push(...kindProblems(input, operation));
    const selects = TOKEN_SELECTING_OPERATIONS.includes(operation);
    const selector = input['token-id'] !== undefined || input['token-name'] !== undefined;
    if (selects &&
        !selector &&
        (input['token-kind'] ?? 'personal') === 'personal' &&
        input.user !== undefined) {
        // Without a selector the operation would act on the credential itself, whoever user names. (A project, group
        // or service account given with token-kind is where the credential itself belongs: that is allowed.)
        problems.push(`Input user says whose token, but operation ${operation} was given no token-name or token-id, so it would act on gitlab-token itself. Give token-name (or token-id).`);
    }
    if (operation === 'revoke' && !selector) {
        problems.push('Operation revoke needs token-id ("self" or a number) or token-name: which token to revoke.');
    }
    if (operation === 'create') {
        if (input.name === undefined)
            problems.push("Operation create needs name: the new token's name.");
        if (input.scopes === undefined)
            problems.push('Operation create needs scopes, such as "api" or "read_api, read_repository".');
    }
    if (input['variable-project'] !== undefined && input['variable-group'] !== undefined) {
        problems.push('Inputs variable-project and variable-group both say where variable-key lives; give only one of them.');
    }
    if (input['variable-key'] === undefined) {
        const orphans = [
            'variable-project',
            'variable-group',
            'variable-environment-scope',
            'variable-protected',
            'fallback-variable-key',
        ].filter((name) => given[name] !== undefined);
        const problem = orphanProblem(orphans, 'variable-key', 'the variable to store the token in');
        if (problem)
            problems.push(problem);
    }
    else if (input['variable-project'] === undefined &&
        input['variable-group'] === undefined &&
        (input['token-kind'] ?? 'personal') === 'personal' &&
        context.defaultVariableProject === undefined) {
        problems.push(`Input variable-key ${input['variable-key']} needs variable-project or variable-group: where the variable lives (project and group tokens default to their own project or group; in GitLab CI the job's project is the default).`);
    }
    const window = input['rotate-before'];
    if (window !== undefined) {
        // A window as long as the longest lifetime makes every run rotate: refused here, not after two requests.
        const maxDays = input['max-lifetime-days'] ?? 365;
        if (addDuration(context.today, window) >= addDays(context.today, maxDays)) {
            problems.push(`Input rotate-before: ${window.text} is as long as the longest lifetime a token can have (${maxDays} days, max-lifetime-days), so every run would rotate. Give a shorter rotate-before, such as 30d.`);
        }
    }
    const maxLifetimeDays = input['max-lifetime-days'] ?? 365;
    const expiresAt = input['expires-at'];
    if (expiresAt !== undefined) {
        const latest = addDays(context.today, maxLifetimeDays);
        if (expiresAt <= context.today) {
            problems.push(`Input expires-at: ${expiresAt} is not in the future (today is ${context.today} UTC by this machine's clock, and a token stops working at 00:00 UTC on its expiry date). Give a later date.`);
        }
        else if (expiresAt > latest) {
            problems.push(`Input expires-at: ${expiresAt} is beyond the maximum lifetime of ${maxLifetimeDays} days (latest ${latest}). Give an earlier date, or raise max-lifetime-days if your instance allows it.`);
        }
    }
    return problems;
}
/** What each token kind needs to know whose token is meant, and the inputs that make no sense for it. */
function kindProblems(input, operation) {
    const kind = input['token-kind'] ?? 'personal';
    const self = TOKEN_SELECTING_OPERATIONS.includes(operation) &&
        input['token-name'] === undefined &&
        (input['token-id'] === undefined || input['token-id'] === 'self');
    const problems = [];
    const refuse = (name, why) => {
        if (input[name] !== undefined)
            problems.push(`Input ${name} does not apply to token-kind ${kind}: ${why}`);
    };
    const need = (name, what) => {
        if (input[name] === undefined && !self)
            problems.push(`token-kind ${kind} needs ${name}: ${what}`);
    };
    switch (kind) {
        case 'personal':
            refuse('project', 'a personal token belongs to a user. For a project access token give token-kind project; for the variable that receives the token, variable-project.');
            refuse('group', 'a personal token belongs to a user. For a group access token give token-kind group; for the variable that receives the token, variable-group.');
            break;
        case 'project':
            need('project', 'the project (id or full path) whose access token this is.');
            refuse('user', "a project access token's user is the bot GitLab makes for it. Remove user.");
            refuse('group', 'give project, the project the token belongs to.');
            break;
        case 'group':
            need('group', 'the group (id or full path) whose access token this is.');
            refuse('user', "a group access token's user is the bot GitLab makes for it. Remove user.");
            refuse('project', 'give group, the group the token belongs to.');
            break;
        case 'service-account':
            need('group', 'the group (id or full path) the service account belongs to.');
            need('user', "the service account's username or id.");
            refuse('project', 'a service account belongs to a group: give group.');
            break;
    }
    if (input['access-level'] !== undefined && kind !== 'project' && kind !== 'group') {
        problems.push(`Input access-level applies to project and group access tokens (the bot user's role); token-kind is ${kind}. Remove access-level or give token-kind project or group.`);
    }
    return problems;
}
function tokenAddress(input, operation) {
    const kind = input['token-kind'] ?? 'personal';
    const owner = kind === 'personal'
        ? { kind, user: input.user }
        : kind === 'project'
            ? { kind, project: input.project }
            : kind === 'group'
                ? { kind, group: input.group }
                : { kind, group: input.group, user: input.user };
    return { owner, selector: tokenSelector(operation, input['token-id'], input['token-name']) };
}
function tokenSelector(operation, tokenId, tokenName) {
    // create and list act on an owner, not on one token; `self` there means "the caller's".
    if (!TOKEN_SELECTING_OPERATIONS.includes(operation))
        return { kind: 'self' };
    if (tokenName !== undefined)
        return { kind: 'name', name: tokenName };
    if (tokenId === undefined || tokenId === 'self')
        return { kind: 'self' };
    return { kind: 'id', id: tokenId };
}
function variableTarget(input, owner, context) {
    const key = input['variable-key'];
    if (key === undefined)
        return undefined;
    const project = input['variable-project'];
    const group = input['variable-group'];
    return {
        key,
        fallbackKey: input['fallback-variable-key'] ?? `${key}_FALLBACK`.slice(0, 255),
        owner: project !== undefined
            ? { kind: 'project', ref: project }
            : group !== undefined
                ? { kind: 'group', ref: group }
                : defaultVariableOwner(owner, context),
        environmentScope: input['variable-environment-scope'] ?? '*',
        protected: input['variable-protected'],
    };
}
/** The contract: the token's own project or group, else the job's project. */
function defaultVariableOwner(owner, context) {
    if (owner.kind === 'project')
        return owner.project !== undefined ? { kind: 'project', ref: owner.project } : 'token-resource';
    if (owner.kind === 'group')
        return owner.group !== undefined ? { kind: 'group', ref: owner.group } : 'token-resource';
    if (owner.kind === 'service-account' && owner.group !== undefined)
        return { kind: 'group', ref: owner.group };
    return context.defaultVariableProject !== undefined
        ? { kind: 'project', ref: context.defaultVariableProject }
        : undefined;
}
function inputError(problems) {
    return new InputError(problems.length === 1 ? (problems[0] ?? '') : `Invalid input:\n- ${problems.join('\n- ')}`);
}


// EXTERNAL MODULE: ../node_modules/p-limit/index.js + 1 modules
var p_limit = __webpack_require__(680);
;// CONCATENATED MODULE: ./core/retry-policy.ts
/**
 * How idempotent requests are retried, for GitLab and GitHub alike: a bounded number of attempts within a total
 * time budget, waiting as long as the server asks (`Retry-After`), else a capped exponential backoff with full
 * jitter. Requests that are not idempotent (create, rotate) never come here.
 */
const DEFAULT_RETRY_POLICY = {
    maxAttempts: 5,
    budgetMs: 90_000,
    baseDelayMs: 1_000,
    maxDelayMs: 20_000,
    attemptTimeoutMs: 30_000,
};
/** After a failed attempt: how long to wait before the next one, or why there is none (for the error message). */
function decideRetry(policy, clock, failed, server) {
    const budgetSeconds = Math.round(policy.budgetMs / 1000);
    if (failed.attempt >= policy.maxAttempts)
        return { giveUp: `gave up after ${failed.attempt} attempts` };
    const remainingMs = policy.budgetMs - (clock.nowMs() - failed.startedMs);
    if (failed.retryAfterSeconds !== undefined) {
        const waitMs = failed.retryAfterSeconds * 1000;
        if (waitMs <= remainingMs)
            return { waitMs };
        return {
            giveUp: `${server} asked to wait ${failed.retryAfterSeconds} s (Retry-After), more than the ${Math.max(0, Math.round(remainingMs / 1000))} s left of the ${budgetSeconds} s retry budget`,
        };
    }
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed.attempt - 1));
    const waitMs = Math.round(clock.random() * cap) + 100;
    if (waitMs <= remainingMs)
        return { waitMs };
    return { giveUp: `the ${budgetSeconds} s retry budget ran out after ${failed.attempt} attempts` };
}
/** `Retry-After` is either seconds or an HTTP date (relative to the server's own `Date`, not our clock). */
function parseRetryAfter(value, serverDate) {
    if (value === null || value === undefined || value.trim() === '')
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim());
    const at = Date.parse(value);
    if (Number.isNaN(at))
        return undefined;
    const reference = serverDate ? Date.parse(serverDate) : Date.now();
    return Math.max(0, Math.ceil((at - (Number.isNaN(reference) ? Date.now() : reference)) / 1000));
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(67);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: ./core/gitlab/http-transport-error.ts
var http_transport_error = __webpack_require__(869);
// EXTERNAL MODULE: ./core/gitlab/proxy.ts
var gitlab_proxy = __webpack_require__(96);
;// CONCATENATED MODULE: ./core/gitlab/http-transport.ts
/**
 * HTTP exchanges over node:http and node:https, for any JSON API (GitLab's today). What it guarantees, and fetch
 * did not:
 * - Redirects are never followed: a 3xx fails with reason `redirect`, naming where it pointed (origin and path
 *   only). Following one would hand the credential header, or a request body holding a new token, to whatever the
 *   Location names, and would send a POST twice.
 * - Nothing is ever re-sent: one `send` is at most one request on the wire.
 * - A response counts only when read whole within the attempt's time: the timeout covers connecting, the proxy
 *   tunnel, TLS, the headers and the whole body; a body that breaks off fails with reason `connection`.
 * - One keep-alive agent per transport, so the requests of a run share connections; idle sockets do not keep the
 *   process alive (Node unreferences them), and `close()` ends them at once. Requests that are not idempotent go on
 *   a connection of their own: a reused idle connection that the server closes at that moment would fail a rotate
 *   with an unknown outcome.
 * - Proxies from the environment (see proxy.ts); certificates checked against Node's CA store, which
 *   NODE_EXTRA_CA_CERTS extends.
 * - Errors carry no header, no body and no proxy credentials (see HttpTransportError).
 */



/** Methods that may share a connection with earlier requests (RFC 9110 idempotent methods). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
let httpsModule;
/** node:https (and with it node:tls), loaded by the first https request: a run against http:// never needs it. */
function loadHttps() {
    return (httpsModule ??= Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 708, 23)));
}
function createHttpTransport(options) {
    const agents = new Map();
    let closed = false;
    function agentFor(url, proxy, reuse) {
        const key = `${url.protocol} ${proxy?.url.href ?? 'direct'} ${proxy?.authorization ?? ''} ${reuse}`;
        let agent = agents.get(key);
        if (!agent) {
            agent = proxy
                ? (0,gitlab_proxy/* createProxyAgent */.IL)(url.protocol, proxy, reuse)
                : url.protocol === 'https:'
                    ? loadHttps().then((https) => new https.Agent({ keepAlive: reuse }))
                    : Promise.resolve(new (external_node_http_default()).Agent({ keepAlive: reuse }));
            agents.set(key, agent);
        }
        return agent;
    }
    return {
        async send(request) {
            if (closed)
                throw new Error('This HTTP transport was closed');
            if (request.url.protocol !== 'http:' && request.url.protocol !== 'https:') {
                throw new Error(`Only http and https URLs can be requested, not ${request.url.protocol}`);
            }
            const proxy = await (0,gitlab_proxy/* proxyFor */.iJ)(request.url, options.env);
            const agent = await agentFor(request.url, proxy, IDEMPOTENT.has(request.method));
            const client = request.url.protocol === 'https:' ? await loadHttps() : (external_node_http_default());
            return exchange(request, client, agent, proxy);
        },
        close() {
            closed = true;
            for (const agent of agents.values()) {
                void agent.then((created) => created.destroy(), 
                // An agent that could not be made has nothing to end; its error was reported by the send that asked.
                () => undefined);
            }
            agents.clear();
        },
    };
}
function exchange(request, client, agent, proxy) {
    return new Promise((resolve, reject) => {
        const headers = { ...request.headers };
        if (request.body !== undefined &&
            !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
            headers['content-length'] = String(Buffer.byteLength(request.body));
        }
        // Ends a connection to a proxy that is still being opened, which the request itself cannot reach.
        const abort = new AbortController();
        const req = client.request(request.url, {
            method: request.method,
            headers,
            agent,
            ...(proxy ? { [gitlab_proxy/* CONNECT_SIGNAL */.GH]: abort.signal } : {}),
        });
        const via = proxy ? { proxy: proxy.shown } : {};
        let settled = false;
        // Through a proxy, a failure before the proxy has opened the way is the proxy's.
        let proxyOpened = proxy === undefined;
        let proxyRefused;
        const fail = (error) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            req.destroy();
            abort.abort();
            reject(error);
        };
        const succeed = (response) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            resolve(response);
        };
        const timer = setTimeout(() => {
            fail(new http_transport_error/* HttpTransportError */.Mz(proxyOpened ? 'timeout' : 'proxy', {
                detail: proxyOpened
                    ? `no complete answer within ${request.timeoutMs} ms`
                    : `the proxy did not open a connection within ${request.timeoutMs} ms`,
                ...via,
            }));
        }, request.timeoutMs);
        req.on('proxyConnect', (connect) => {
            // https-proxy-agent replays a refused CONNECT's answer as if the server had sent it; it must not count as one.
            if (connect.statusCode === undefined || connect.statusCode === 200)
                proxyOpened = true;
            else
                proxyRefused = connect.statusCode;
        });
        req.on('error', (error) => {
            if (proxyRefused !== undefined)
                return fail(proxyRefusal(proxyRefused, via));
            fail(classifyError(error, proxyOpened, via));
        });
        req.on('response', (res) => {
            // Errors after a failure are expected (the request is destroyed); the first one has already been reported.
            res.on('error', () => undefined);
            const status = res.statusCode ?? 0;
            // A forward proxy (http targets) answers 407 itself: no server sends it.
            if (proxyRefused !== undefined || (proxy && status === 407)) {
                res.resume();
                return fail(proxyRefusal(proxyRefused ?? status, via));
            }
            proxyOpened = true;
            readBody(res).then((body) => {
                if (status >= 300 && status < 400 && status !== 304) {
                    return fail(new http_transport_error/* HttpTransportError */.Mz('redirect', {
                        detail: `answered ${status}, a redirect, which is not followed`,
                        status,
                        location: describeLocation(res.headers.location, request.url),
                        ...via,
                    }));
                }
                succeed({ status, headers: flattenHeaders(res), body });
            }, (error) => fail(error));
        });
        if (request.body !== undefined)
            req.end(request.body);
        else
            req.end();
    });
}
function proxyRefusal(status, via) {
    return new http_transport_error/* HttpTransportError */.Mz('proxy', {
        detail: status === 407
            ? 'the proxy answered 407: it wants credentials it did not get or did not accept'
            : `the proxy refused to connect to the server (it answered ${status})`,
        proxyStatus: status,
        ...via,
    });
}
function classifyError(error, proxyOpened, via) {
    const code = typeof error.code === 'string' ? error.code : undefined;
    const tlsProblem = code === undefined ? undefined : (0,http_transport_error/* tlsProblemOf */.KW)(code);
    if (!proxyOpened) {
        return new http_transport_error/* HttpTransportError */.Mz('proxy', {
            detail: code ?? 'connection failed',
            ...(code ? { code } : {}),
            ...via,
        });
    }
    if (tlsProblem !== undefined && code !== undefined) {
        return new http_transport_error/* HttpTransportError */.Mz('tls', { detail: code, code, tlsProblem, ...via });
    }
    return new http_transport_error/* HttpTransportError */.Mz('connection', {
        detail: code ?? 'connection failed',
        ...(code ? { code } : {}),
        ...via,
    });
}
/** The whole body, or an error when the connection ends before it is complete. */
function readBody(res) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let ended = false;
        const brokenOff = () => reject(new http_transport_error/* HttpTransportError */.Mz('connection', { detail: 'the answer broke off before its end' }));
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', () => {
            if (!ended)
                brokenOff();
        });
        res.on('close', () => {
            if (!ended)
                brokenOff();
        });
        res.on('end', () => {
            ended = true;
            if (!res.complete)
                return brokenOff();
            decode(Buffer.concat(chunks), res.headers['content-encoding']).then(resolve, reject);
        });
    });
}
async function decode(raw, encoding) {
    const coding = (encoding ?? 'identity').trim().toLowerCase();
    if (coding === 'identity' || coding === '' || raw.length === 0)
        return raw.toString('utf8');
    // Not asked for (no Accept-Encoding is sent), but proxies compress anyway; zlib is loaded only then.
    const zlib = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 522, 23));
    try {
        if (coding === 'gzip' || coding === 'x-gzip')
            return zlib.gunzipSync(raw).toString('utf8');
        if (coding === 'deflate')
            return zlib.inflateSync(raw).toString('utf8');
        if (coding === 'br')
            return zlib.brotliDecompressSync(raw).toString('utf8');
    }
    catch {
        throw new http_transport_error/* HttpTransportError */.Mz('connection', {
            detail: `the ${coding}-compressed answer could not be decoded`,
        });
    }
    throw new http_transport_error/* HttpTransportError */.Mz('connection', {
        detail: `the answer is encoded with ${coding}, which is not supported`,
    });
}
function flattenHeaders(res) {
    const headers = {};
    for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined)
            headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return headers;
}
/** A Location header as it may be shown: resolved against the request, origin and path only. */
function describeLocation(location, base) {
    if (location === undefined || location.trim() === '')
        return undefined;
    try {
        return (0,http_transport_error/* showableUrl */.L7)(new URL(location, base));
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./core/gitlab/request.ts



const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
class GitlabHttpError extends Error {
    method;
    endpoint;
    status;
    answer;
    retryAfterSeconds;
    retriesExhausted;
    name = 'GitlabHttpError';
    /**
     * GitLab accepted this request's credential earlier in the run: a 401 is then about what the credential may do
     * (an administrator's or a role's business), not about the credential itself. Set by the client that sent it.
     */
    credentialAccepted = false;
    constructor(method, endpoint, status, answer, 
    /** Seconds GitLab asked us to wait (429/503), if it said. */
    retryAfterSeconds, 
    /** Set when retries stopped because the budget ran out rather than because the error is final. */
    retriesExhausted) {
        super(`${method} ${endpoint} answered ${status}${gitlabText(answer) ? `: ${gitlabText(answer)}` : ''}`);
        this.method = method;
        this.endpoint = endpoint;
        this.status = status;
        this.answer = answer;
        this.retryAfterSeconds = retryAfterSeconds;
        this.retriesExhausted = retriesExhausted;
    }
}
/**
 * No status from GitLab came back. `timeout` and `connection`: the request may or may not have reached GitLab (an
 * answer that broke off or was not JSON counts as lost). `tls` and `proxy`: it did not reach GitLab; the details say
 * what to fix.
 */
class GitlabNetworkError extends Error {
    method;
    endpoint;
    reason;
    detail;
    failure;
    name = 'GitlabNetworkError';
    constructor(method, endpoint, reason, detail, failure = {}) {
        super(`${method} ${endpoint} got no answer (${reason}: ${detail})`);
        this.method = method;
        this.endpoint = endpoint;
        this.reason = reason;
        this.detail = detail;
        this.failure = failure;
    }
}
/**
 * GitLab's API never redirects: a 3xx comes from something in front of it (http:// to https://, a path prefix such
 * as /gitlab, a moved host, a sign-in page). It is never followed, since that would send the credential, or a new
 * token in a variable write, wherever the Location points. `location` and `requested` are origin and path only.
 */
class GitlabRedirectError extends Error {
    method;
    endpoint;
    status;
    requested;
    location;
    name = 'GitlabRedirectError';
    constructor(method, endpoint, status, 
    /** Where the request went. */
    requested, 
    /** Where the answer pointed; undefined when it named no usable Location. */
    location) {
        super(`${method} ${endpoint} answered ${status}, a redirect to ${location ?? 'an unnamed location'}, which was not followed`);
        this.method = method;
        this.endpoint = endpoint;
        this.status = status;
        this.requested = requested;
        this.location = location;
    }
}
function gitlabText(answer) {
    const parts = [answer.message, answer.error, answer.description].filter((part) => part !== undefined && part !== '');
    return [...new Set(parts)].join(': ');
}
/** Every client made with the same environment (a run's, its `withCredential` clients too) shares connections. */
const defaultTransports = new WeakMap();
function transportOf(env) {
    if (env.transport)
        return env.transport;
    let transport = defaultTransports.get(env);
    if (!transport) {
        transport = createHttpTransport({ env: process.env });
        defaultTransports.set(env, transport);
    }
    return transport;
}
/** The endpoint as users see it: the API path, with the query only in debug lines. */
function describeEndpoint(url) {
    return url.pathname.replace(/^.*?\/api\/v4\//, '/');
}
function createRequestHandler(env) {
    const transport = transportOf(env);
    return async function handleRequest(endpoint, options) {
        const method = (options.method ?? 'GET').toUpperCase();
        const base = options.prefixUrl?.endsWith('/') ? options.prefixUrl : `${options.prefixUrl ?? ''}/`;
        const url = new URL(endpoint, base);
        url.search = options.searchParams ?? '';
        const shownEndpoint = describeEndpoint(url);
        const retryable = IDEMPOTENT_METHODS.has(method);
        const started = env.nowMs();
        for (let attempt = 1;; attempt += 1) {
            const attemptStarted = env.nowMs();
            let response;
            let parsed;
            try {
                response = await transport.send({
                    method,
                    url,
                    headers: options.headers ?? {},
                    ...(options.body === undefined || options.body === null ? {} : { body: requestBody(options.body) }),
                    // A change may take GitLab longer than a read; giving up early turns a success into an unknown outcome.
                    timeoutMs: env.policy.attemptTimeoutMs * (retryable ? 1 : 2),
                });
                // A 2xx whose body is not JSON is an answer lost, not a refusal: the change may have happened. It fails like
                // a lost connection (and never carries the body's text).
                if (response.status >= 200 && response.status < 300)
                    parsed = parseResponse(response);
            }
            catch (error) {
                const failure = toGitlabError(method, url, shownEndpoint, error);
                env.log.debug(`${method} ${shownEndpoint}${url.search} -> ${failure instanceof GitlabRedirectError ? failure.status : 'no answer'} (${failure instanceof GitlabRedirectError ? 'redirect, not followed' : failure.reason})`);
                // Redirects, certificates and proxy refusals answer the same way every time.
                const transient = failure instanceof GitlabNetworkError &&
                    (failure.reason === 'timeout' ||
                        failure.reason === 'connection' ||
                        (failure.reason === 'proxy' && (failure.failure.proxyStatus ?? 500) >= 500));
                const decision = retryable && transient
                    ? decideRetry(env.policy, env, { attempt, startedMs: started, retryAfterSeconds: undefined }, 'GitLab')
                    : undefined;
                if (decision === undefined || 'giveUp' in decision)
                    throw failure;
                await env.sleep(decision.waitMs);
                continue;
            }
            const serverDate = response.headers.date;
            if (serverDate && env.onServerDate) {
                const parsed = new Date(serverDate);
                if (!Number.isNaN(parsed.getTime()))
                    env.onServerDate(parsed);
            }
            env.log.debug(`${method} ${shownEndpoint}${url.search} -> ${response.status} (${env.nowMs() - attemptStarted} ms)`);
            if (parsed)
                return parsed;
            const answer = readAnswer(response);
            const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], serverDate);
            if (retryable && RETRYABLE_STATUSES.has(response.status)) {
                const decision = decideRetry(env.policy, env, { attempt, startedMs: started, retryAfterSeconds }, 'GitLab');
                if ('waitMs' in decision) {
                    env.log.debug(`retrying ${method} ${shownEndpoint} in ${Math.round(decision.waitMs / 100) / 10} s`);
                    await env.sleep(decision.waitMs);
                    continue;
                }
                throw new GitlabHttpError(method, shownEndpoint, response.status, answer, retryAfterSeconds, decision.giveUp);
            }
            throw new GitlabHttpError(method, shownEndpoint, response.status, answer, retryAfterSeconds, undefined);
        }
    };
}
/** gitbeaker sends JSON text; FormData (file uploads) is never used here and node:http cannot send it. */
function requestBody(body) {
    if (typeof body !== 'string')
        throw new TypeError('Only text request bodies can be sent to GitLab');
    return body;
}
function toGitlabError(method, url, endpoint, error) {
    if (error instanceof http_transport_error/* HttpTransportError */.Mz) {
        if (error.reason === 'redirect') {
            return new GitlabRedirectError(method, endpoint, error.status ?? 0, (0,http_transport_error/* showableUrl */.L7)(url), error.location);
        }
        const { tlsProblem, proxy, proxyStatus } = error;
        return new GitlabNetworkError(method, endpoint, error.reason, error.detail, {
            ...(tlsProblem ? { tlsProblem } : {}),
            ...(proxy ? { proxy } : {}),
            ...(proxyStatus ? { proxyStatus } : {}),
        });
    }
    if (error instanceof SyntaxError) {
        // Its message quotes the body, which may hold a new token: never pass it on.
        return new GitlabNetworkError(method, endpoint, 'connection', 'the answer could not be read');
    }
    if (error instanceof UnreadableAnswer)
        return new GitlabNetworkError(method, endpoint, 'connection', error.message);
    // Anything else is a defect of ours; its message may quote what it was given, so only its name is kept.
    return new GitlabNetworkError(method, endpoint, 'connection', `request failed (${error instanceof Error ? error.name : 'unknown error'})`);
}
/** A 2xx whose body is not JSON: a page from something in front of GitLab, or an answer cut short. */
class UnreadableAnswer extends Error {
}
function readAnswer(response) {
    const text = response.body;
    if (!(response.headers['content-type'] ?? '').includes('json')) {
        return text.trim() === '' ? {} : { message: text.trim().slice(0, 300) };
    }
    try {
        return answerFromJson(JSON.parse(text));
    }
    catch {
        return { message: text.trim().slice(0, 300) };
    }
}
function answerFromJson(json) {
    if (typeof json !== 'object' || json === null)
        return {};
    const record = json;
    const answer = {};
    if (typeof record.error === 'string')
        answer.error = record.error;
    if (typeof record.error_description === 'string')
        answer.description = record.error_description;
    if (typeof record.scope === 'string')
        answer.scope = record.scope;
    if (typeof record.message === 'string')
        answer.message = record.message;
    else if (record.message !== undefined)
        answer.message = flattenValidationMessage(record.message);
    return answer;
}
/** GitLab's validation errors look like {"message": {"expires_at": ["must be ..."]}}. */
function flattenValidationMessage(message) {
    if (typeof message !== 'object' || message === null)
        return String(message);
    return Object.entries(message)
        .map(([field, problems]) => Array.isArray(problems)
        ? `${field} ${problems.map(String).join(', ')}`
        : `${field} ${String(problems)}`)
        .join('; ');
}
function parseResponse(response) {
    const headers = { ...response.headers };
    if (response.status === 204)
        return { body: null, headers, status: response.status };
    const contentType = (response.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const text = response.body;
    if (text.trim() === '')
        return { body: contentType === 'application/json' ? {} : text, headers, status: response.status };
    if (!contentType.includes('json')) {
        // GitLab's API answers JSON; an HTML page with 200 is a proxy or sign-in page, not GitLab's answer.
        throw new UnreadableAnswer(`the answer was not JSON (${contentType || 'no content type'})`);
    }
    return { body: JSON.parse(text), headers, status: response.status };
}

;// CONCATENATED MODULE: ./core/gitlab/gitlab-client.ts
/**
 * The GitLab REST client every token kind and destination uses: JSON requests through the one request handler
 * (request.ts: idempotent calls retried within a budget, POSTs sent once), pagination that reads every page, and a
 * credential held per run. The credential is read on every request, so after a self-rotation the very next request
 * already carries the new token, and no other run's client is touched.
 *
 * Every request goes through this client rather than gitbeaker's resources: one interface serves four token kinds
 * where gitbeaker covers two and a half (it lacks service-account token list and revoke), its own requester retries
 * POSTs (a retried rotate revokes the new token), its listing is sequential and capped by `maxPages`, and loading it
 * cost a cold start about 25 ms for a single user lookup (gitlab-api.ts).
 */


/**
 * The credential of one run. A self-rotation replaces it here; nothing else holds the token. It also remembers
 * whether GitLab has accepted it in this run (any answer other than an error): after that, a 401 or 403 is about
 * what the credential may do (an administrator's, a role's or a scope's business), not about the credential.
 */
class RunCredential {
    #token;
    #accepted = false;
    constructor(token) {
        this.#token = token;
    }
    get token() {
        return this.#token;
    }
    /** GitLab answered a request made with the current token with success. */
    get accepted() {
        return this.#accepted;
    }
    /** A request sent with `token` succeeded; counts only while `token` is still the credential. */
    markAccepted(token) {
        if (token === this.#token)
            this.#accepted = true;
    }
    /** From now on, authenticate with this token (the old one was rotated away and must never be sent again). */
    replace(token) {
        this.#token = token;
        this.#accepted = false;
    }
}
/**
 * The run's request handler as seen by one credential: every success marks the credential accepted, and every HTTP
 * error says whether it had been accepted before (GitlabHttpError.credentialAccepted), so that describe-error.ts
 * can tell "GitLab does not know this token" from "this token may not do that". Every request of the client goes
 * through it, so a user lookup counts as much as a token read.
 */
function credentialAwareHandler(handler, credential) {
    return async (endpoint, options) => {
        const sent = sentToken(options.headers) ?? credential.token;
        try {
            const response = await handler(endpoint, options);
            credential.markAccepted(sent);
            return response;
        }
        catch (error) {
            if (error instanceof GitlabHttpError && sent === credential.token && credential.accepted) {
                error.credentialAccepted = true;
            }
            throw error;
        }
    };
}
function sentToken(headers) {
    if (!headers)
        return undefined;
    const name = Object.keys(headers).find((key) => key.toLowerCase() === 'private-token');
    return name === undefined ? undefined : headers[name];
}
/**
 * A list that could not be read to its end: one page failed after others were read. Nothing is returned instead,
 * because a list that silently misses its tail (the newest tokens, a variable on page 3) is worse than none.
 * `cause` is the page's own error (GitlabHttpError or GitlabNetworkError), for the status and GitLab's text.
 */
class IncompleteListError extends Error {
    cause;
    failedPage;
    pagesRead;
    itemsRead;
    totalPages;
    name = 'IncompleteListError';
    constructor(cause, 
    /** The page that failed (1-based). */
    failedPage, 
    /** Pages read before the run gave up. */
    pagesRead, 
    /** Items on those pages. */
    itemsRead, 
    /** From `x-total-pages`, when GitLab said (it does not above 10,000 rows). */
    totalPages) {
        super(`reading page ${failedPage}${totalPages !== undefined ? ` of ${totalPages}` : ''} failed after ${pagesRead} page${pagesRead === 1 ? '' : 's'} (${itemsRead} items) had been read`);
        this.cause = cause;
        this.failedPage = failedPage;
        this.pagesRead = pagesRead;
        this.itemsRead = itemsRead;
        this.totalPages = totalPages;
    }
}
const PER_PAGE = 100;
/** `a/b` -> `a%2Fb`: GitLab takes a full path wherever it takes a numeric `:id`. */
function pathSegment(ref) {
    return encodeURIComponent(String(ref));
}
function createGitlabClient(config) {
    const handle = credentialAwareHandler(config.handler, config.credential);
    const prefixUrl = `${config.instanceUrl}/api/v4/`;
    const limit = (0,p_limit/* default */.A)(config.pageConcurrency ?? 4);
    const send = (method, path, query, body) => handle(path, {
        method,
        prefixUrl,
        searchParams: searchParams(query),
        headers: {
            'private-token': config.credential.token,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : null,
    });
    const page = async (path, query, number) => {
        const response = await send('GET', path, { ...query, per_page: PER_PAGE, page: number });
        return {
            items: Array.isArray(response.body) ? response.body : [],
            nextPage: positiveInteger(response.headers['x-next-page']),
            totalPages: positiveInteger(response.headers['x-total-pages']),
        };
    };
    return {
        instanceUrl: config.instanceUrl,
        async get(path, query) {
            return (await send('GET', path, query)).body;
        },
        page,
        async all(path, query = {}) {
            // The first page fails as itself (its status is what callers advise on); a later one says how far we got.
            const first = await page(path, query, 1);
            const totalPages = first.totalPages;
            let pagesRead = 1;
            let itemsRead = first.items.length;
            let stopped;
            const read = async (number) => {
                if (stopped)
                    throw stopped;
                try {
                    const current = await page(path, query, number);
                    pagesRead += 1;
                    itemsRead += current.items.length;
                    return current;
                }
                catch (error) {
                    // Pages still queued are not requested once one failed: the list is lost anyway.
                    stopped ??= new IncompleteListError(error, number, pagesRead, itemsRead, totalPages);
                    throw stopped;
                }
            };
            if (totalPages !== undefined && totalPages > 1) {
                const rest = await Promise.all(Array.from({ length: totalPages - 1 }, (_, index) => limit(() => read(index + 2))));
                return [first, ...rest].flatMap((each) => each.items);
            }
            const items = [...first.items];
            for (let next = first.nextPage; next !== undefined;) {
                const current = await read(next);
                items.push(...current.items);
                next = current.nextPage;
            }
            return items;
        },
        async post(path, body) {
            return (await send('POST', path, undefined, body)).body;
        },
        async put(path, body, query) {
            return (await send('PUT', path, query, body)).body;
        },
        async delete(path) {
            await send('DELETE', path);
        },
        withCredential(credential) {
            return createGitlabClient({ ...config, credential });
        },
    };
}
function searchParams(query) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
        if (value !== undefined)
            params.set(name, String(value));
    }
    return params.toString();
}
function positiveInteger(text) {
    if (text === undefined || !/^\d+$/.test(text.trim()))
        return undefined;
    const number = Number(text.trim());
    return number > 0 ? number : undefined;
}

;// CONCATENATED MODULE: ./core/gitlab/describe-error.ts
/**
 * GitLab answers turned into sentences a user can act on: what failed, on which instance, what GitLab said, what to
 * do. Built from status, endpoint and GitLab's own text only; never from request headers or bodies.
 */



function httpStatus(error) {
    const answered = error instanceof IncompleteListError ? error.cause : error;
    return answered instanceof GitlabHttpError ? answered.status : undefined;
}
/** GitLab says why a token was refused in `error_description`; the kind decides the advice. */
function credentialProblem(error) {
    if (error instanceof IncompleteListError)
        return credentialProblem(error.cause);
    if (!(error instanceof GitlabHttpError) || error.status !== 401)
        return undefined;
    const text = `${error.answer.description ?? ''} ${error.answer.message ?? ''}`.toLowerCase();
    if (text.includes('revoked'))
        return 'revoked';
    if (text.includes('expired'))
        return 'expired';
    return undefined;
}
function describeGitlabError(error, context) {
    if (error instanceof IncompleteListError) {
        // Said before the page's own failure, so that nobody mistakes the run for one that listed everything.
        const of = error.totalPages !== undefined ? ` of ${error.totalPages}` : '';
        const progress = `(after ${error.pagesRead}${of} page${error.pagesRead === 1 && of === '' ? '' : 's'}, ${error.itemsRead} items) at page ${error.failedPage}`;
        const described = describeGitlabError(error.cause, { ...context, doing: `${context.doing} ${progress}` });
        return `${described} The run stopped rather than go on with a partial list, which would miss whatever the unread pages hold.`;
    }
    if (error instanceof GitlabRedirectError) {
        return `${context.doing} on ${context.instanceUrl} failed: the request was answered ${error.status} with a redirect to ${error.location ?? 'no usable location'}. Redirects are not followed, so that the credential (and a new token) never goes anywhere but gitlab-url. ${redirectAdvice(error, context.instanceUrl)}`;
    }
    if (error instanceof GitlabNetworkError) {
        if (error.reason === 'tls')
            return `${context.doing} on ${context.instanceUrl} failed: ${tlsAdvice(error)}`;
        if (error.reason === 'proxy')
            return `${context.doing} on ${context.instanceUrl} failed: ${proxyAdvice(error)}`;
        const through = error.failure.proxy ? ` through the proxy ${error.failure.proxy}` : '';
        const advice = context.advice?.network ??
            `Check gitlab-url (${context.instanceUrl}), DNS, proxies and firewalls between this runner and GitLab, then run again.`;
        // A broken or non-JSON answer did reach something: say so rather than "could not reach".
        const what = error.reason === 'timeout'
            ? `got no answer in time${through}`
            : error.detail.startsWith('the answer')
                ? `got an answer it could not use${through} (${error.detail})`
                : `could not reach GitLab${through} (${error.detail})`;
        return `${context.doing} on ${context.instanceUrl} ${what}. ${advice}`;
    }
    if (!(error instanceof GitlabHttpError)) {
        const message = error instanceof Error ? error.message : String(error);
        return `${context.doing} on ${context.instanceUrl} failed: ${message}`;
    }
    const said = gitlabText(error.answer);
    const answered = `GitLab answered ${error.status}${said ? ` (${said})` : ''}`;
    const exhausted = error.retriesExhausted ? `; ${error.retriesExhausted}` : '';
    return `${context.doing} on ${context.instanceUrl} failed: ${answered}${exhausted}. ${adviceFor(error, context)}`;
}
function adviceFor(error, context) {
    const advice = context.advice ?? {};
    const problem = credentialProblem(error);
    if (problem === 'revoked') {
        return (advice.revoked ??
            'The credential (gitlab-token) has been revoked. If a rotation replaced it, use the new token from where that run stored it; otherwise create a new token.');
    }
    if (problem === 'expired') {
        return (advice.expired ??
            'The credential (gitlab-token) has expired. Create a new token (or have an administrator rotate it) and store it where gitlab-token comes from.');
    }
    if (error.status === 403 && error.answer.error === 'insufficient_scope') {
        const wanted = error.answer.scope ? error.answer.scope.split(/\s+/).join(' or ') : 'a broader scope';
        return (advice.scope ??
            `The credential lacks the scope for this call; GitLab wants ${wanted}. Give the token one of these scopes or use a credential that has it.`);
    }
    if ((error.status === 401 || error.status === 403) && error.credentialAccepted) {
        // GitLab answers 401, not 403, for some refusals (another user's tokens, a token it will not show): once the
        // credential worked in this run, neither status is about the credential itself.
        const denied = advice.denied ??
            advice[403] ??
            "It may not do this here: reading or changing another user's tokens needs an administrator's credential; a project's or group's tokens and CI/CD variables need the Maintainer (project) or Owner (group) role on it.";
        return `GitLab accepts this credential (another request of this run succeeded with it), so this ${error.status} is about what it may do, not about the token itself. ${denied}`;
    }
    const byStatus = advice[error.status];
    if (byStatus)
        return byStatus;
    if (error.status === 401) {
        return 'GitLab did not accept the credential (gitlab-token): check that it is a valid, unexpired token for this instance.';
    }
    if (error.status === 403) {
        return "The credential's user is not allowed to do this here; use a credential with the needed role (administrators may act on other users' tokens).";
    }
    if (error.status === 404)
        return 'GitLab found nothing there: check the id or name, and that the credential can see it.';
    if (error.status === 400 || error.status === 422)
        return 'Correct the input GitLab names and run again.';
    if (error.status === 429)
        return "GitLab's rate limit was reached. Wait a few minutes and run again.";
    if (error.status >= 500)
        return 'GitLab could not answer. Check the instance status page and run again later.';
    return 'Run again with debug logging for the request trail.';
}
/**
 * What a redirect says about gitlab-url: GitLab's API never redirects, so something in front of it does, most often
 * because gitlab-url has http:// for https://, lacks a path prefix such as /gitlab, or names a host that moved.
 */
function redirectAdvice(error, instanceUrl) {
    const root = 'gitlab-url must be the root URL of the instance, such as https://gitlab.example.com, with its path prefix if GitLab is served under one (https://example.com/gitlab)';
    const location = parseUrl(error.location);
    const requested = parseUrl(error.requested);
    const apiAt = location?.pathname.indexOf('/api/v4/') ?? -1;
    if (!location || !requested || apiAt < 0) {
        return `The redirect does not lead to GitLab's API: ${root}, and nothing in between (a sign-in proxy, say) may answer for it. Check gitlab-url (${instanceUrl}).`;
    }
    const base = `${location.origin}${location.pathname.slice(0, apiAt)}`;
    if (location.host === requested.host && location.protocol !== requested.protocol) {
        return `GitLab is served over ${location.protocol.slice(0, -1)} there: set gitlab-url to ${base}.`;
    }
    if (location.origin === requested.origin) {
        return `GitLab's API is served under another path there: set gitlab-url to ${base} (${root}).`;
    }
    return `The redirect points to another host (${location.origin}). If GitLab really moved there, set gitlab-url to ${base}; otherwise find out what redirects (a proxy or load balancer in front of GitLab).`;
}
function parseUrl(text) {
    if (text === undefined)
        return undefined;
    try {
        return new URL(text);
    }
    catch {
        return undefined;
    }
}
function tlsAdvice(error) {
    const code = error.detail;
    switch (error.failure.tlsProblem) {
        case 'untrusted':
            return `GitLab's TLS certificate is not trusted (${code}): it is signed by a CA that Node.js does not know (a private CA, or a proxy that inspects TLS). Set NODE_EXTRA_CA_CERTS to the PEM file of the CA that signed GitLab's certificate, in the environment this runs in (Node.js reads it at start), then run again. Do not turn certificate checks off.`;
        case 'expired':
            return `GitLab's TLS certificate has expired or is not valid yet (${code}). Check this machine's clock; if it is right, the GitLab administrator must renew the certificate.`;
        case 'host-name':
            return `GitLab's TLS certificate is not issued for the host name in gitlab-url (${code}). Check the host name: use the name the certificate is for (the instance's full name, not an IP address or an alias).`;
        case 'not-tls':
            return `The server did not answer with TLS (${code}). If GitLab is served over plain HTTP there, gitlab-url must start with http://; otherwise check the port in gitlab-url.`;
        default:
            return `The TLS handshake with GitLab failed (${code}). Check gitlab-url's host and port; if GitLab's certificate comes from a private CA, set NODE_EXTRA_CA_CERTS to that CA's PEM file.`;
    }
}
function proxyAdvice(error) {
    const proxy = error.failure.proxy ? `the proxy ${error.failure.proxy}` : 'the proxy';
    const bypass = "add GitLab's host to NO_PROXY if this machine reaches it directly";
    if (error.failure.proxyStatus === 407) {
        return `${proxy} answered 407: it requires authentication and did not accept this request. Put the proxy's user name and password into the proxy URL (HTTPS_PROXY=http://user:password@host:port, URL-encoded, from a masked variable), or ${bypass}.`;
    }
    if (error.failure.proxyStatus !== undefined) {
        return `${proxy} refused to connect to GitLab (it answered ${error.failure.proxyStatus}). Check that GitLab's host is allowed through the proxy, or ${bypass}.`;
    }
    if (error.failure.proxy?.startsWith('https:') && (0,http_transport_error/* tlsProblemOf */.KW)(error.detail) === 'not-tls') {
        return `${proxy} does not speak TLS (${error.detail}): write its URL with http:// in HTTPS_PROXY (or HTTP_PROXY, ALL_PROXY); the connection to GitLab is still encrypted through the tunnel.`;
    }
    return `${proxy} could not be used (${error.detail}). Check HTTPS_PROXY, HTTP_PROXY and ALL_PROXY (either case): the proxy must be reachable from this machine; or ${bypass}.`;
}

;// CONCATENATED MODULE: ./core/gitlab/post-outcome.ts

/**
 * After a request that changes something (create, rotate) failed: did GitLab refuse it, so that nothing changed, or
 * may the change have happened? Only a clean 4xx answer is a refusal. A 5xx (a proxy may answer 502 while GitLab
 * goes on), no answer, an answer that broke off, or anything unexpected may hide a change.
 */
function postOutcome(error) {
    return error instanceof GitlabHttpError && error.status < 500 ? 'refused' : 'unknown';
}

;// CONCATENATED MODULE: ./core/destinations/gitlab-variable.ts
/**
 * A masked (and, when we create it, hidden) GitLab CI/CD variable (doc/api/project_level_variables.md,
 * doc/api/group_level_variables.md). This is the only place a new token may go in GitLab CI, where nothing can mask
 * a value created during the job.
 */





/** GitLab's rules for a masked value (expanded, and raw) and its size limit. */
const MASKABLE = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/;
const MASKABLE_RAW = /^\S{8,}$/;
const MAX_VALUE_LENGTH = 10_000;
/** Creating is a POST and never retried by the HTTP layer; here it is retried as an upsert, a bounded few times. */
const MAX_CREATE_ROUNDS = 4;
function describeVariable(key, owner, environmentScope) {
    return `CI/CD variable ${key} in ${owner.kind} ${owner.ref} (environment scope ${environmentScope})`;
}
/** Where the variable lives, once the token's own project or group is known. */
function ownerOf(target, facts) {
    if (target.owner !== 'token-resource' && target.owner !== undefined)
        return target.owner;
    if (target.owner === 'token-resource' && facts.tokenResource) {
        return { kind: facts.tokenResource.kind, ref: facts.tokenResource.id };
    }
    throw new InputError(`Input variable-key ${target.key} needs variable-project or variable-group: where the variable lives (project and group tokens default to their own project or group; in GitLab CI the job's project is the default).`);
}
function gitlabVariableDestination(target, deps) {
    const { api } = deps;
    let owner = target.owner !== 'token-resource' && target.owner !== undefined ? target.owner : undefined;
    let existing;
    const describe = () => owner
        ? describeVariable(target.key, owner, target.environmentScope)
        : `CI/CD variable ${target.key} in the token's own ${'project or group'} (environment scope ${target.environmentScope})`;
    const sameKey = async (where) => (await api.variables(where)).filter((each) => each.key === target.key);
    const destination = {
        get description() {
            return describe();
        },
        durable: true,
        async preflight(facts) {
            owner = ownerOf(target, facts);
            const where = owner;
            const description = describe();
            const doing = `Checking that the credential may write ${description}`;
            // Reading variables needs less than writing them (read_api reads), so the scope is checked on its own: after a
            // self-rotation the new token writes, and it has the same scopes as the old one.
            if (facts.writerScopes !== undefined && !facts.writerScopes.includes('api')) {
                throw new UnchangedFailure(`${doing}: writing CI/CD variables needs the api scope on the token that writes them, and gitlab-token has ${facts.writerScopes.join(', ') || 'no scopes'} (when a token rotates itself, its successor writes the variable with the same scopes). Give the token the api scope.`);
            }
            // Listing variables needs the same role as writing them, so this is also the permission check.
            const withKey = await readOrFail(api, doing, () => sameKey(where), where);
            existing = withKey.find((variable) => variable.environmentScope === target.environmentScope);
            const otherScopes = withKey.filter((variable) => variable.environmentScope !== target.environmentScope);
            if (!existing && otherScopes.length > 0) {
                // Creating a second copy beside the one jobs read today would leave that one with a dead token.
                throw new UnchangedFailure(`${description} does not exist, but ${target.key} does in ${where.kind} ${where.ref} with environment scope${otherScopes.length > 1 ? 's' : ''} ${otherScopes.map((variable) => variable.environmentScope).join(', ')}: jobs read the token from ${otherScopes.length > 1 ? 'those' : 'that one'}, which would keep the old value. Give variable-environment-scope ${JSON.stringify(otherScopes[0]?.environmentScope ?? '*')} to update it${otherScopes.length > 1 ? ' (one of them)' : ''}. Nothing was changed.`);
            }
            if (!existing)
                await stopIfShadowing(deps, target, where, description);
            if (existing && otherScopes.length > 0) {
                deps.log.warn(`${target.key} also exists in ${where.kind} ${where.ref} with environment scope${otherScopes.length > 1 ? 's' : ''} ${otherScopes.map((variable) => variable.environmentScope).join(', ')}; only scope ${target.environmentScope} is updated. If ${otherScopes.length > 1 ? 'those hold' : 'that holds'} the same token, ${otherScopes.length > 1 ? 'they' : 'it'} will hold a dead one after this run.`);
            }
            const rule = existing?.raw ? MASKABLE_RAW : MASKABLE;
            if (!rule.test(deps.sampleToken) || deps.sampleToken.length > MAX_VALUE_LENGTH) {
                throw new UnchangedFailure(`${description} must be masked, but tokens of ${api.instanceUrl} do not pass GitLab's masking rules (8 or more of A-Z a-z 0-9 _ + = / @ : . ~ -). Nothing was changed; store the token elsewhere (for example a GitHub secret).`);
            }
            if (existing && !existing.masked) {
                deps.log.warn(`${description} exists but is not masked; the update makes it masked.`);
            }
            if (existing && target.protected !== undefined && existing.protected !== target.protected) {
                deps.log.warn(`${description} is ${existing.protected ? '' : 'not '}protected; the update makes it ${target.protected ? 'protected' : 'unprotected'} as variable-protected says.`);
            }
            deps.log.debug(`${description}: ${existing ? `exists${existing.hidden ? ' (hidden)' : ''}, will be updated in place` : 'will be created masked and hidden'}.`);
        },
        prepare(facts) {
            owner = ownerOf(target, facts);
            return Promise.resolve();
        },
        async write(token) {
            if (!owner)
                throw new Error('a variable destination is written only after its preflight');
            const where = owner;
            const variable = (protectedNow) => ({
                key: target.key,
                value: token.token,
                environmentScope: target.environmentScope,
                protected: protectedNow,
            });
            // An update is a PUT, which the HTTP layer already retries; only creating needs more care here.
            if (existing) {
                await api.updateVariable(where, variable(target.protected ?? existing.protected));
                return;
            }
            for (let round = 1;; round += 1) {
                try {
                    const created = await api.createHiddenVariable(where, variable(target.protected ?? true));
                    if (!created.hidden) {
                        deps.log.warn(`${describe()} was created masked but not hidden: this GitLab (before 17.4) cannot hide variables.`);
                    }
                    return;
                }
                catch (error) {
                    const taken = error instanceof GitlabHttpError &&
                        error.status === 400 &&
                        /taken|exists/i.test(gitlabText(error.answer));
                    // A create is a POST: never resent blindly. It may have happened (or another writer made the variable),
                    // so look again, then update what is there, or create once more, a bounded few times.
                    const transient = postOutcome(error) === 'unknown' || (error instanceof GitlabHttpError && error.status === 429);
                    if ((!taken && !transient) || round >= MAX_CREATE_ROUNDS)
                        throw error;
                    if (transient)
                        await deps.wait(backoffMs(error, round));
                    existing = (await sameKey(where)).find((each) => each.environmentScope === target.environmentScope);
                    if (existing) {
                        await api.updateVariable(where, variable(target.protected ?? existing.protected));
                        return;
                    }
                }
            }
        },
    };
    return destination;
}
/** Reading more places than this before creating a group variable is left to the user (a warning says so). */
const MAX_PLACES_CHECKED = 100;
/**
 * Before creating a variable: GitLab gives a job the variable of the nearest level that has the key (project over
 * subgroup over group), so a key that exists above or below the new one is the copy jobs read today. Creating ours
 * would either hide it (a project variable over its group's) or be hidden by it (a group variable under a
 * project's), and that copy would keep the old, dead token. Stops before any change, naming every copy and how to
 * select it. Costs requests only here, on the way to a create; an update in place needs none.
 */
async function stopIfShadowing(deps, target, where, description) {
    const { api, log } = deps;
    const doing = `Checking whether ${target.key} exists above or below ${where.kind} ${where.ref}`;
    const limit = (0,p_limit/* default */.A)(4);
    const unchecked = [];
    const above = await readOrFail(api, doing, () => api.ancestorGroups(where), where);
    const below = where.kind === 'group' ? await readOrFail(api, doing, () => api.descendants(where.ref), where) : [];
    const places = [
        ...above.map((ref) => ({ owner: { kind: 'group', ref }, relation: 'above' })),
        ...below.map((owner) => ({ owner, relation: 'below' })),
    ];
    if (places.length > MAX_PLACES_CHECKED) {
        unchecked.push(`${places.length - MAX_PLACES_CHECKED} more projects and subgroups below ${where.kind} ${where.ref}`);
    }
    const found = (await Promise.all(places.slice(0, MAX_PLACES_CHECKED).map(({ owner, relation }) => limit(async () => {
        try {
            const scopes = (await api.variables(owner))
                .filter((variable) => variable.key === target.key)
                .map((variable) => variable.environmentScope);
            return scopes.length > 0 ? { owner, relation, scopes } : undefined;
        }
        catch (error) {
            // Reading variables needs the role that writes them (group: Owner); without it, say what was not seen.
            const status = httpStatus(error);
            if (status === 401 || status === 403 || status === 404) {
                unchecked.push(`${owner.kind} ${owner.ref} (its variables need the ${owner.kind === 'project' ? 'Maintainer' : 'Owner'} role to read)`);
                return undefined;
            }
            throw new UnchangedFailure(describeGitlabError(error, {
                doing: `${doing}: reading the variables of ${owner.kind} ${owner.ref}`,
                instanceUrl: api.instanceUrl,
            }));
        }
    })))).filter((each) => each !== undefined);
    if (found.length > 0) {
        const copy = (each) => `${each.owner.kind} ${each.owner.ref} (environment scope${each.scopes.length > 1 ? 's' : ''} ${each.scopes.join(', ')})`;
        const aboveCopies = found.filter((each) => each.relation === 'above');
        const belowCopies = found.filter((each) => each.relation === 'below');
        const why = [
            aboveCopies.length > 0
                ? `${where.kind} ${where.ref} inherits ${target.key} from ${aboveCopies.map(copy).join(' and ')}: a new variable here would take its place in this ${where.kind}'s jobs, and the inherited one would keep the old token, which stops working after this run (other projects that read it would break)`
                : undefined,
            belowCopies.length > 0
                ? `${belowCopies.map(copy).join(', ')} ${belowCopies.length > 1 ? 'have their' : 'has its'} own ${target.key}, which overrides a group variable in ${belowCopies.length > 1 ? 'their' : 'its'} jobs: the new variable would not reach them, and ${belowCopies.length > 1 ? 'theirs' : 'its own'} would keep the old token, which stops working after this run`
                : undefined,
        ].filter(Boolean);
        const first = found[0] ?? { owner: where, scopes: [target.environmentScope] };
        const scope = first.scopes[0] ?? '*';
        const select = `variable-${first.owner.kind} ${first.owner.ref}${scope !== target.environmentScope ? ` and variable-environment-scope ${JSON.stringify(scope)}` : ''}`;
        throw new UnchangedFailure(`${description} does not exist, but ${target.key} exists elsewhere: ${why.join('; ')}. ` +
            `To update the copy that holds the token, give ${select}${found.length > 1 ? ' (or one of the others named)' : ''}. To keep a separate ${target.key} in ${where.kind} ${where.ref} on purpose, create it there once by hand (masked) and run again: an existing variable is updated in place, without this check. Nothing was changed.`);
    }
    if (unchecked.length > 0) {
        log.warn(`${description} will be created, but whether ${target.key} also exists in ${unchecked.join(', ')} was not checked. If one of them holds the token today, it keeps the old, dead one: select that variable instead (variable-project or variable-group).`);
    }
}
function backoffMs(error, round) {
    if (error instanceof GitlabHttpError && error.retryAfterSeconds !== undefined)
        return error.retryAfterSeconds * 1000;
    return Math.min(10_000, 1_000 * 2 ** (round - 1));
}
async function readOrFail(api, doing, read, owner) {
    try {
        return await read();
    }
    catch (error) {
        const role = owner.kind === 'project' ? 'Maintainer' : 'Owner';
        throw new UnchangedFailure(describeGitlabError(error, {
            doing,
            instanceUrl: api.instanceUrl,
            advice: {
                401: `Writing CI/CD variables of a ${owner.kind} needs the ${role} role; GitLab did not accept the credential for ${owner.kind} ${owner.ref}. Check that gitlab-token is valid and its user has that role.`,
                403: `Writing CI/CD variables of a ${owner.kind} needs the ${role} role; give the credential's user that role on ${owner.kind} ${owner.ref}, or store the token elsewhere. (CI_JOB_TOKEN can never write variables.)`,
                404: `${owner.kind} ${owner.ref} does not exist or the credential cannot see it: check variable-${owner.kind}.`,
            },
        }));
    }
}

;// CONCATENATED MODULE: ./core/gitlab/gitlab-api.ts
/**
 * The GitLab API surface the core uses: the REST client for token endpoints (the token kinds build on it), and the
 * users and CI/CD variables around them, through the same client. One per run, over one request handler: one retry
 * policy, one clock, one connection pool, one credential.
 *
 * Users and variables went through gitbeaker's resources once; a lookup of one user by name then cost a cold start
 * about 25 ms of loading gitbeaker's ~200 resource classes (370 kB), and a variable update another 25 ms of undici
 * (gitbeaker's options handler touches the FormData global), for requests this client makes the same way.
 */


function toVariable(raw) {
    return {
        key: raw.key,
        environmentScope: raw.environment_scope ?? '*',
        protected: raw.protected === true,
        masked: raw.masked === true,
        hidden: raw.hidden === true,
        raw: raw.raw === true,
        variableType: raw.variable_type ?? 'env_var',
    };
}
function toUser(raw) {
    return {
        id: raw.id,
        username: raw.username,
        name: raw.name,
        isAdmin: typeof raw.is_admin === 'boolean' ? raw.is_admin : undefined,
        bot: raw.bot === true,
    };
}
function createGitlabApi(config) {
    return apiFor(config.instanceUrl, new RunCredential(config.token), createRequestHandler(config.environment));
}
function apiFor(instanceUrl, credential, runHandler) {
    const client = createGitlabClient({ instanceUrl, credential, handler: runHandler });
    return {
        instanceUrl,
        client,
        credential,
        async currentUser() {
            return toUser(await client.get('user'));
        },
        async user(idOrUsername) {
            if (typeof idOrUsername === 'number') {
                try {
                    return toUser(await client.get(`users/${idOrUsername}`));
                }
                catch (error) {
                    if (error instanceof GitlabHttpError && error.status === 404)
                        return undefined;
                    throw error;
                }
            }
            // GitLab matches username exactly but case-insensitively, and answers a list (of at most one).
            const found = await client.get('users', { username: idOrUsername });
            const exact = (Array.isArray(found) ? found : []).find((user) => user.username.toLowerCase() === idOrUsername.toLowerCase());
            return exact ? toUser(exact) : undefined;
        },
        async variables(owner) {
            // Every page: a key missed on page 2 would be created again beside the one that keeps a dead token. Read by
            // the client rather than gitbeaker's `all`, so that a page that fails says how far the list got.
            const raw = await client.all(`${owner.kind === 'project' ? 'projects' : 'groups'}/${pathSegment(owner.ref)}/variables`);
            return raw.map(toVariable);
        },
        async createHiddenVariable(owner, variable) {
            // gitbeaker's create does not know masked_and_hidden (GitLab 17.4+).
            const created = await client.post(`${owner.kind === 'project' ? 'projects' : 'groups'}/${pathSegment(owner.ref)}/variables`, {
                key: variable.key,
                value: variable.value,
                masked_and_hidden: true,
                masked: true,
                protected: variable.protected,
                environment_scope: variable.environmentScope,
                ...(variable.description !== undefined ? { description: variable.description } : {}),
            });
            return { hidden: created?.hidden === true };
        },
        async updateVariable(owner, variable) {
            // Through the client, as the list and the create are, and not gitbeaker's edit: its options handler asks
            // whether every PUT body is a FormData, and touching that global makes Node load undici (about 25 ms and 12 MiB
            // of a cold start) on the very runs that deliver a new token. The same request: JSON, the scope as GitLab's
            // filter[environment_scope].
            await client.put(`${owner.kind === 'project' ? 'projects' : 'groups'}/${pathSegment(owner.ref)}/variables/${pathSegment(variable.key)}`, {
                value: variable.value,
                masked: true,
                protected: variable.protected,
                filter: { environment_scope: variable.environmentScope },
            });
        },
        async ancestorGroups(owner) {
            const path = owner.kind === 'project'
                ? await client
                    .get(`projects/${pathSegment(owner.ref)}`)
                    .then((project) => project.namespace?.kind === 'group' ? project.namespace.full_path : undefined)
                : await client
                    .get(`groups/${pathSegment(owner.ref)}`, { with_projects: false })
                    .then((group) => group.full_path?.split('/').slice(0, -1).join('/'));
            if (!path)
                return [];
            const parts = path.split('/');
            return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
        },
        async descendants(group) {
            const [groups, projects] = await Promise.all([
                client.all(`groups/${pathSegment(group)}/descendant_groups`),
                client.all(`groups/${pathSegment(group)}/projects`, {
                    include_subgroups: true,
                    simple: true,
                }),
            ]);
            return [
                ...groups.map((each) => ({ kind: 'group', ref: each.full_path })),
                ...projects.map((each) => ({ kind: 'project', ref: each.path_with_namespace })),
            ];
        },
        withCredential(token) {
            return apiFor(instanceUrl, new RunCredential(token), runHandler);
        },
    };
}

;// CONCATENATED MODULE: ./core/destinations/deliver-token.ts
/**
 * After a token changed, its value must reach every destination, or at least one safe place, before the run may
 * report anything. Destinations are checked before the change (preflight), written after it; fallbacks are written
 * only when a destination failed for good.
 */



/** Every destination's check, before anything changes. Fallbacks are checked too: they are the safety net. */
async function preflightDestinations(context, facts) {
    for (const destination of context.destinations)
        await destination.preflight(facts);
    for (const fallback of context.fallbacks)
        await fallback.prepare?.(facts);
}
async function writeDestinations(context, token, destinations) {
    const stored = [];
    const failed = [];
    for (const destination of destinations) {
        try {
            await destination.write(token);
            stored.push(destination);
            context.log.info(`Stored the new token in ${destination.description}.`);
        }
        catch (error) {
            const why = error instanceof PatError
                ? error.message
                : describeGitlabError(error, {
                    doing: `Writing ${destination.description}`,
                    instanceUrl: context.api.instanceUrl,
                });
            failed.push({ destination, why });
            context.log.error(`Could not store the new token in ${destination.description}. ${why}`);
        }
    }
    return { stored, failed };
}
function changedToken(token, storedIn) {
    return { id: token.id, name: token.name, expiresAt: token.expiresAt, storedIn };
}
function descriptions(destinations) {
    return destinations.map((destination) => destination.description);
}
/**
 * Writes every destination; when one fails, writes the fallbacks, then fails loudly saying where the token is
 * (exit 3), or that it is nowhere (exit 4). Returns where it was stored when everything worked.
 */
async function deliverToken(context, token) {
    const delivery = await writeDestinations(context, token, context.destinations);
    if (delivery.failed.length === 0)
        return descriptions(delivery.stored);
    const rescue = delivery.stored.some((destination) => destination.durable)
        ? { stored: [], failed: [] }
        : await writeDestinations(context, token, context.fallbacks);
    const safe = [...delivery.stored, ...rescue.stored];
    const failures = delivery.failed.map(({ destination, why }) => `${destination.description}: ${why}`);
    const label = describeToken(token);
    if (safe.length > 0) {
        const where = descriptions(safe).join(' and ');
        throw new DestinationFailure(`The new ${label} (expires ${token.expiresAt ?? 'never'}) is stored in ${where}, but not in: ${failures.join('; ')}`, [
            `Fix what the message above names (for example the credential's role on the project).`,
            rescue.stored.length > 0
                ? `Point whatever reads the failed destination at ${descriptions(rescue.stored).join(' and ')}, or run the rotation once more with that variable as the credential (without rotate-before) so that the next token lands where it belongs.`
                : `Copy the token from ${where} to the failed destination (a later step of this job can read the step output).`,
            ...(context.options.operation === 'rotate'
                ? ['Until then, the failed destination holds the old token, which no longer works.']
                : []),
        ], changedToken(token, descriptions(safe)));
    }
    throw new OutcomeUnknown(`The new ${label} was made but could not be stored anywhere: ${failures.join('; ')}. Its value is lost.`, [
        'Fix what the message above names, so that the next value can be stored.',
        `Then have an administrator rotate token ${token.id} (operation rotate, token-id ${token.id}), or revoke it and create a new one.`,
    ], changedToken(token, []));
}

;// CONCATENATED MODULE: ./core/rotation/verify-new-token.ts
/**
 * Step 5: GitLab accepts the new token. A token that is stored but refused means something revoked it in between,
 * most likely GitLab's reuse detection after another run sent the old token to rotate.
 */



/** GET /personal_access_tokens/self as the new token: every token kind answers there. */
async function verifyNewToken(context, token, asNewToken, storedIn) {
    try {
        const seen = await asNewToken.client.get('personal_access_tokens/self');
        if (seen.id === token.id && seen.active !== false && seen.revoked !== true) {
            context.log.info(`Verified: GitLab accepts the new token ${token.id}.`);
            return;
        }
    }
    catch (error) {
        if (credentialProblem(error) === undefined && httpStatus(error) !== 401) {
            // GitLab unreachable right now: the token is stored; a failed check is not a failed rotation.
            context.log.warn(`Could not verify the new token: ${describeGitlabError(error, { doing: 'Checking the new token', instanceUrl: context.api.instanceUrl })}`);
            return;
        }
    }
    throw new OutcomeUnknown(`The new token ${token.id} is stored in ${storedIn.join(' and ') || 'no destination'}, but GitLab does not accept it. GitLab revokes a whole token family when a rotated-away token is sent to rotate, so another run probably used the old token at the same time.`, [
        'Stop other runs that rotate this token (GitHub: concurrency; GitLab: resource_group).',
        `Have a credential that may manage it (an administrator, or for project and group tokens a Maintainer or Owner) create or rotate a token for user ${token.userId} and store it in ${storedIn.join(' and ') || 'its destinations'}.`,
    ], changedToken(token, storedIn));
}

;// CONCATENATED MODULE: ./core/time/choose-expiry.ts
/**
 * The `expires_at` sent with every create and rotate. Always explicit: GitLab's default on rotate is 7 days, which
 * would silently turn a yearly rotation into a weekly outage.
 *
 * GitLab stores expiry as a date and a token stops working at 00:00 UTC of it, so a lifetime is turned into a date
 * by one of two rules (LifetimeRequest):
 * - `at-least` (expires-in, and create's 30-day default): a promise. `1d` at 23:59:30 UTC is the day after
 *   tomorrow, not tomorrow (which would end the token 30 seconds later): the date is rounded up to the next midnight
 *   UTC at or after now + the lifetime.
 * - `calendar` (rotate without expires-in or expires-at: the old token's lifetime): today plus the same number of
 *   calendar days, so a 90-day token rotated every 90 days keeps its weekday and does not gain a day per rotation.
 *   Like its predecessor, the new token then lives between N-1 and N days; a one-day cadence gets one more day
 *   rather than a token that may end within seconds.
 * Both stay within the instance's maximum (today + max-lifetime-days); when the maximum or an explicit expires-at
 * makes the token end sooner than asked or than a day from now, the choice carries a warning.
 */


const choose_expiry_MS_PER_DAY = 86_400_000;
/**
 * Chooses `expires_at` for a new token. `requested` is what the user gave (expires-at or expires-in), `fallback`
 * the operation's default. Throws InputError for an expires-at that is not after today or beyond the maximum, by
 * `context.now` (GitLab would accept a past date and make a token that is born expired).
 */
function chooseExpiry(requested, fallback, context) {
    const { now, maxLifetimeDays } = context;
    const limits = { today: utcDate(now), maxLifetimeDays };
    const latest = latestAllowedExpiry(limits);
    if (requested?.kind === 'at') {
        if (requested.date < earliestAllowedExpiry(limits)) {
            throw new InputError(`Input expires-at: ${requested.date} is not after today by GitLab's clock (today is ${limits.today} UTC), so the new token would be expired from the start. Give a later date.`);
        }
        if (requested.date > latest) {
            throw new InputError(`Input expires-at: ${requested.date} is beyond the maximum lifetime of ${maxLifetimeDays} days by GitLab's clock (latest ${latest}). Give an earlier date, or raise max-lifetime-days if your instance allows it.`);
        }
        const endsAt = startOfDay(requested.date);
        const short = endsAt.getTime() - now.getTime() < choose_expiry_MS_PER_DAY;
        return {
            expiresAt: requested.date,
            endsAt,
            note: short
                ? `expires-at ${requested.date} ends the token at ${formatInstant(endsAt)}, ${describeSpan(endsAt.getTime() - now.getTime())} from now: a token stops working at the start of its expiry date. Give a later date if it must last longer`
                : undefined,
        };
    }
    const { duration, rule } = requested?.kind === 'in' ? { duration: requested.duration, rule: 'at-least' } : fallback;
    const wanted = rule === 'at-least' ? atLeast(now, duration) : calendar(now, duration);
    if (wanted.expiresAt > latest) {
        const endsAt = startOfDay(latest);
        const asked = rule === 'at-least'
            ? `${duration.text} from now would end the token at ${formatInstant(wanted.askedEnd)}`
            : `${duration.text} from ${limits.today} is ${wanted.expiresAt}`;
        return {
            expiresAt: latest,
            endsAt,
            note: `${asked}, beyond the ${maxLifetimeDays}-day maximum; clamped to ${latest}, so the token works until ${formatInstant(endsAt)}, ${describeSpan(endsAt.getTime() - now.getTime())} from now: shorter than asked`,
        };
    }
    return { expiresAt: wanted.expiresAt, endsAt: startOfDay(wanted.expiresAt), note: undefined };
}
/** The first midnight UTC at or after now + duration (months and years move the calendar, keeping the time). */
function atLeast(now, duration) {
    const today = utcDate(now);
    const timeOfDay = now.getTime() - startOfDay(today).getTime();
    const date = addDuration(today, duration);
    const askedEnd = new Date(startOfDay(date).getTime() + timeOfDay);
    return { expiresAt: timeOfDay === 0 ? date : addDays(date, 1), askedEnd };
}
/** Today plus the lifetime in calendar days; one day more when that would end the token within a day. */
function calendar(now, duration) {
    const date = addDuration(utcDate(now), duration);
    const expiresAt = startOfDay(date).getTime() - now.getTime() < choose_expiry_MS_PER_DAY ? addDays(date, 1) : date;
    return { expiresAt, askedEnd: startOfDay(date) };
}
/** A rotated token keeps its predecessor's lifetime in calendar days, so a 90-day token stays a 90-day token. */
function lifetimeOf(token, maxLifetimeDays) {
    if (token.expiresAt === null) {
        return {
            duration: {
                amount: maxLifetimeDays,
                unit: 'd',
                text: `${maxLifetimeDays}d (the maximum: the old token never expired)`,
            },
            rule: 'calendar',
        };
    }
    const days = Math.max(1, daysBetween(utcDate(new Date(token.createdAt)), token.expiresAt));
    return {
        duration: { amount: days, unit: 'd', text: `${days}d (the old token's lifetime)` },
        rule: 'calendar',
    };
}
/** 00:00 UTC of a `YYYY-MM-DD` date: when a token with that expiry date stops working. */
function startOfDay(date) {
    return new Date(`${date}T00:00:00Z`);
}
/** `2026-12-02 00:00 UTC`: expiry instants are always midnights, shown without seconds. */
function formatInstant(instant) {
    return `${instant.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
/** A span for people: "89 days 17 h", "23 h 59 min", "30 s". Milliseconds in; negative spans read as 0 s. */
function describeSpan(ms) {
    const seconds = Math.max(0, Math.round(ms / 1000));
    const days = Math.floor(seconds / 86_400);
    const hours = Math.floor((seconds % 86_400) / 3_600);
    const minutes = Math.floor((seconds % 3_600) / 60);
    if (days >= 2)
        return `${days} days${hours > 0 ? ` ${hours} h` : ''}`;
    if (days === 1)
        return `1 day${hours > 0 ? ` ${hours} h` : minutes > 0 ? ` ${minutes} min` : ''}`;
    if (hours > 0)
        return `${hours} h${minutes > 0 ? ` ${minutes} min` : ''}`;
    if (minutes > 0)
        return `${minutes} min${seconds % 60 > 0 ? ` ${seconds % 60} s` : ''}`;
    return `${seconds} s`;
}
/** "works until 2026-12-02 00:00 UTC (in 1 day)": how the run reports a new token's end. */
function describeEnd(endsAt, now) {
    return `works until ${formatInstant(endsAt)} (${describeSpan(endsAt.getTime() - now.getTime())} from now)`;
}

;// CONCATENATED MODULE: ./core/operations/operation-context.ts




/**
 * A GitLab call made before anything changed: any failure becomes an UnchangedFailure (exit 1) whose message says
 * what we were doing and what to do about it.
 */
async function callGitlab(context, doing, call, advice) {
    try {
        return await call();
    }
    catch (error) {
        // Already a failure that says what to do (from a check inside the call).
        if (error instanceof PatError)
            throw error;
        await settleCredential(context, error);
        throw new UnchangedFailure(describeGitlabError(error, {
            doing,
            instanceUrl: context.api.instanceUrl,
            ...(advice ? { advice } : {}),
        }));
    }
}
/**
 * GitLab answers 401 both to a token it does not know and to a valid one that may not see something (another user's
 * tokens, a project's access tokens without the Maintainer role). When that happens before the credential has
 * worked in this run, one read of the token itself tells which, so that the message blames the right thing. Only on
 * this failure path, and only a GET.
 */
async function settleCredential(context, error) {
    const refused = error instanceof IncompleteListError ? error.cause : error;
    if (!(refused instanceof GitlabHttpError) || refused.status !== 401)
        return;
    if (refused.credentialAccepted || credentialProblem(refused) !== undefined)
        return;
    try {
        await context.api.client.get('personal_access_tokens/self');
        refused.credentialAccepted = true;
    }
    catch {
        // Not accepted here either (or not a personal access token): the 401 stays about the credential.
    }
}

;// CONCATENATED MODULE: ./core/tokens/token-kind.ts
/** GitLab's entity to the model. Read tolerantly: fields differ between versions and GitLab.com. */
function toAccessToken(kind, raw, resource) {
    const resourceType = raw.resource_type?.toLowerCase();
    return {
        kind,
        id: raw.id,
        name: raw.name,
        description: raw.description === '' ? null : (raw.description ?? null),
        revoked: raw.revoked === true,
        active: raw.active !== false && raw.revoked !== true,
        scopes: raw.scopes ?? [],
        userId: raw.user_id,
        createdAt: raw.created_at,
        lastUsedAt: raw.last_used_at ?? null,
        expiresAt: raw.expires_at ?? null,
        accessLevel: typeof raw.access_level === 'number' ? raw.access_level : null,
        resource: (resourceType === 'project' || resourceType === 'group') && typeof raw.resource_id === 'number'
            ? { kind: resourceType, id: raw.resource_id }
            : (resource ?? null),
    };
}
/** A create or rotate answer: the model plus the value, which must be there. */
function toNewAccessToken(kind, raw, resource) {
    if (typeof raw?.token !== 'string' || raw.token === '') {
        // No value means nothing can be stored: the same as an answer lost (the change may have happened).
        throw new MissingTokenValueError();
    }
    return { ...toAccessToken(kind, raw, resource), token: raw.token };
}
/** GitLab answered a create or rotate with success but without the new value. */
class MissingTokenValueError extends Error {
    name = 'MissingTokenValueError';
    constructor() {
        super('GitLab answered without the new token value');
    }
}
/** Filters a list by GitLab's `search` semantics where an endpoint has no such parameter. */
function matchesSearch(token, search) {
    return search === undefined || token.name.toLowerCase().includes(search.toLowerCase());
}

;// CONCATENATED MODULE: ./core/tokens/personal.ts
/**
 * Personal access tokens: of a person, of an instance service account, or the caller's own
 * (doc/api/personal_access_tokens.md, doc/api/users.md#create-a-personal-access-token). Project, group and
 * service-account tokens are personal access tokens of bot users too, so `GET /personal_access_tokens/self` and its
 * rotation answer for every kind of credential.
 */



/** GitLab's 405 on /personal_access_tokens/self/rotate: the credential is no access token at all. */
const NOT_AN_ACCESS_TOKEN = 'GitLab rotates only access tokens through /personal_access_tokens/self/rotate (personal, project, group and service-account tokens are all personal access tokens underneath) and answers 405 to any other credential, such as an OAuth or CI job token. Use an access token as gitlab-token.';
const personalTokens = {
    kind: 'personal',
    creators: "an administrator (for another user's token, or any scopes); anyone for their own with k8s_proxy or self_rotate",
    managers: "the token's user or an administrator",
    async read(client, _owner, id) {
        return toAccessToken('personal', await client.get(`personal_access_tokens/${id === 'self' ? 'self' : pathSegment(id)}`));
    },
    async list(client, owner, filter) {
        const raw = await client.all('personal_access_tokens', {
            user_id: owner.userId,
            state: filter.state,
            search: filter.search,
        });
        // GitLab's search is a substring match too; filtering again keeps emulators and old versions honest.
        return raw
            .map((token) => toAccessToken('personal', token))
            .filter((token) => matchesSearch(token, filter.search));
    },
    async create(client, owner, request) {
        const body = {
            name: request.name,
            scopes: [...request.scopes],
            expires_at: request.expiresAt,
            ...(request.description !== undefined ? { description: request.description } : {}),
        };
        // Another user's token (administrators), or the caller's own through the self-service endpoint.
        const endpoint = owner.userId === undefined
            ? 'user/personal_access_tokens'
            : `users/${owner.userId}/personal_access_tokens`;
        return toNewAccessToken('personal', await client.post(endpoint, body));
    },
    async rotate(client, _owner, id, expiresAt) {
        const raw = await client.post(`personal_access_tokens/${id === 'self' ? 'self' : pathSegment(id)}/rotate`, {
            expires_at: expiresAt,
        });
        return toNewAccessToken('personal', raw);
    },
    async revoke(client, _owner, id) {
        await client.delete(`personal_access_tokens/${id === 'self' ? 'self' : pathSegment(id)}`);
    },
    explainRefusal(_owner, change, status) {
        return change.action === 'rotate' && change.id === 'self' && status === 405
            ? NOT_AN_ACCESS_TOKEN
            : undefined;
    },
    refusedScopes(scopes, caller) {
        if (caller.isAdmin === true)
            return undefined;
        const refused = scopes.filter((scope) => !SELF_SERVICE_SCOPES.has(scope));
        return refused.length === 0
            ? undefined
            : `GitLab lets non-administrators create personal access tokens through the API only with the scopes ${[...SELF_SERVICE_SCOPES].join(', ')} (asked for ${scopes.join(', ')})`;
    },
};

;// CONCATENATED MODULE: ./core/tokens/resource-access-tokens.ts
/**
 * Project and group access tokens: tokens of a bot user that GitLab makes for the project or group, with the role
 * given at creation (doc/api/project_access_tokens.md, doc/api/group_access_tokens.md,
 * lib/api/resource_access_tokens.rb). Both kinds use the same endpoints under their resource; rotation keeps the bot
 * user, and a token rotates itself through `…/access_tokens/self/rotate` (scope api or self_rotate).
 */




/** The resource when its id is known (a full path is not an id). */
function resourceOf(owner) {
    const ref = owner.kind === 'project' ? owner.project : owner.group;
    return typeof ref === 'number' ? { kind: owner.kind, id: ref } : undefined;
}
function base(owner) {
    const ref = owner.kind === 'project' ? owner.project : owner.group;
    return `${owner.kind === 'project' ? 'projects' : 'groups'}/${pathSegment(ref)}/access_tokens`;
}
/** The kind module for project or group access tokens (project.ts, group.ts). */
function resourceAccessTokens(kind) {
    const role = kind === 'project' ? 'a Maintainer or Owner of the project' : 'an Owner of the group';
    return {
        kind,
        creators: `${role}, or an administrator`,
        managers: `${role}, or an administrator`,
        async read(client, owner, id) {
            if (id === 'self') {
                // Only the rotate route of a resource takes `self` (lib/api/resource_access_tokens.rb); a bot token reads
                // itself as the personal access token it is underneath.
                const raw = await client.get('personal_access_tokens/self');
                return toAccessToken(kind, raw, resourceOf(owner));
            }
            return toAccessToken(kind, await client.get(`${base(owner)}/${pathSegment(id)}`));
        },
        async list(client, owner, filter) {
            const raw = await client.all(base(owner), { state: filter.state, search: filter.search });
            return raw
                .map((token) => toAccessToken(kind, token))
                .filter((token) => matchesSearch(token, filter.search));
        },
        async create(client, owner, request) {
            const raw = await client.post(base(owner), {
                name: request.name,
                scopes: [...request.scopes],
                expires_at: request.expiresAt,
                ...(request.accessLevel !== undefined ? { access_level: request.accessLevel } : {}),
                ...(request.description !== undefined ? { description: request.description } : {}),
            });
            return toNewAccessToken(kind, raw);
        },
        async rotate(client, owner, id, expiresAt) {
            const raw = await client.post(`${base(owner)}/${id === 'self' ? 'self' : pathSegment(id)}/rotate`, {
                expires_at: expiresAt,
            });
            return toNewAccessToken(kind, raw);
        },
        async revoke(client, owner, id) {
            // As for reading: `self` is revoked through the personal endpoint, which every bot token answers.
            await client.delete(id === 'self' ? 'personal_access_tokens/self' : `${base(owner)}/${pathSegment(id)}`);
        },
        explainRefusal(owner, change, status, said) {
            const other = kind === 'project' ? 'group' : 'project';
            if (change.action === 'create') {
                if (status === 400 && /permissions not held/i.test(said)) {
                    return `access-level ${accessLevelName(change.accessLevel ?? ACCESS_LEVELS.maintainer)} is above the role of gitlab-token's user in ${owner.label}: GitLab lets a user give a ${kind} access token at most their own role (an administrator counts as Owner). Give a lower access-level, or use the credential of a user with that role.`;
                }
                if (status === 400 && /permission to create/i.test(said)) {
                    return `Creating a ${kind} access token needs ${role}, or an administrator; gitlab-token's user is not one (and a bot user, as a ${kind} access token's is, never may). Use such a credential.`;
                }
                return undefined;
            }
            if (change.id === 'self') {
                if (status === 405) {
                    return `gitlab-token is not a ${kind} access token: GitLab rotates a token through /${kind}s/:id/access_tokens/self/rotate only for that ${kind}'s own bot tokens, and answers 405 to any other credential. For a personal or service-account token give token-kind personal (the default); for a ${other} access token, token-kind ${other}.`;
                }
                if (status === 401 || status === 404) {
                    return `gitlab-token is not an access token of ${owner.label}${status === 404 ? ` (it cannot even see that ${kind}, or there is none)` : ''}: a ${kind} access token rotates itself only through its own ${kind}. Check ${kind} (or leave it out: it is then found from the credential) and token-kind.`;
                }
                return undefined;
            }
            if (status === 400 && /not eligible|permissions not held/i.test(said)) {
                return `${describeToken(change.token)} has the role ${accessLevelName(change.token.accessLevel ?? 0)} in ${owner.label}, above the role of gitlab-token's user: GitLab lets only a user with at least the token's role rotate it (an administrator counts as Owner). Use such a credential.`;
            }
            if (status === 401 || status === 404) {
                return `Rotating a ${kind} access token needs ${role}, or an administrator, and the token must be one of ${owner.label}; GitLab answers ${status} otherwise. Check token-id, ${kind} and the role of gitlab-token's user.`;
            }
            return undefined;
        },
        refusedScopes(scopes) {
            const refused = scopes.filter((scope) => BOT_REFUSED_SCOPES.has(scope));
            return refused.length === 0
                ? undefined
                : `${kind === 'project' ? 'Project' : 'Group'} access tokens cannot have the scope${refused.length > 1 ? 's' : ''} ${refused.join(', ')} (their bot user is not a person or an administrator)`;
        },
    };
}

;// CONCATENATED MODULE: ./core/tokens/group.ts
/** Group access tokens (doc/api/group_access_tokens.md): managed by the group's Owners. */

const groupTokens = resourceAccessTokens('group');

;// CONCATENATED MODULE: ./core/tokens/project.ts
/** Project access tokens (doc/api/project_access_tokens.md): managed by the project's Maintainers and Owners. */

const projectTokens = resourceAccessTokens('project');

;// CONCATENATED MODULE: ./core/tokens/service-account.ts
/**
 * Tokens of a group service account (GitLab.com and self-managed Premium and Ultimate), managed by the top-level
 * group's Owners through the group (doc/api/service_accounts.md, doc/api/group_service_accounts.md): list (17.11+),
 * create, revoke and rotate (17.9+) under `/groups/:id/service_accounts/:user_id/personal_access_tokens`. They are
 * personal access tokens of the service-account user, so a token reads and rotates itself through the personal
 * `self` endpoints. On GitLab.com nobody has an administrator's token: these endpoints are the only way.
 */




/**
 * GitLab's 403 on every `/groups/:id/service_accounts` endpoint: the caller is not an Owner of the group (nor an
 * administrator), or the group's tier has no service accounts. GitLab does not say which.
 */
const SERVICE_ACCOUNTS_NEED = "Managing a group's service accounts and their tokens needs GitLab Premium or Ultimate (the Free tier, on GitLab.com or a self-managed instance, has no service accounts) and the Owner role on the account's top-level group, or an administrator's token; GitLab answers 403 to anyone else. Check the group's tier and the role of gitlab-token's user. An instance service account (self-managed, administrators) is managed with token-kind personal and user.";
function service_account_base(owner) {
    if (owner.group === undefined)
        throw new GroupNeededError(owner.label);
    return `groups/${pathSegment(owner.group)}/service_accounts/${owner.userId}/personal_access_tokens`;
}
const serviceAccountTokens = {
    kind: 'service-account',
    creators: "an Owner of the service account's top-level group, or an administrator",
    managers: "an Owner of the service account's top-level group, or an administrator",
    async read(client, owner, id) {
        if (id === 'self')
            return toAccessToken('service-account', await client.get('personal_access_tokens/self'));
        // The group's API has no single-token read: find it in the account's list (every state).
        const found = (await client.all(service_account_base(owner))).find((token) => token.id === id);
        if (!found)
            throw new TokenNotFoundError(id, owner.label);
        return toAccessToken('service-account', found);
    },
    async list(client, owner, filter) {
        const raw = await client.all(service_account_base(owner), { state: filter.state, search: filter.search });
        return raw
            .map((token) => toAccessToken('service-account', token))
            .filter((token) => matchesSearch(token, filter.search))
            .filter((token) => filter.state === undefined || (filter.state === 'active') === token.active);
    },
    async create(client, owner, request) {
        const raw = await client.post(service_account_base(owner), {
            name: request.name,
            scopes: [...request.scopes],
            expires_at: request.expiresAt,
            ...(request.description !== undefined ? { description: request.description } : {}),
        });
        return toNewAccessToken('service-account', raw);
    },
    async rotate(client, owner, id, expiresAt) {
        const path = id === 'self' ? 'personal_access_tokens/self/rotate' : `${service_account_base(owner)}/${pathSegment(id)}/rotate`;
        return toNewAccessToken('service-account', await client.post(path, { expires_at: expiresAt }));
    },
    async revoke(client, owner, id) {
        await client.delete(id === 'self' ? 'personal_access_tokens/self' : `${service_account_base(owner)}/${pathSegment(id)}`);
    },
    explainRefusal(owner, change, status) {
        if (change.action === 'rotate' && change.id === 'self')
            return status === 405 ? NOT_AN_ACCESS_TOKEN : undefined;
        if (status === 403)
            return SERVICE_ACCOUNTS_NEED;
        if (status === 404 && change.action === 'rotate')
            return `GitLab does not know token ${change.id} as a token of ${owner.label}: check token-id, user and group.`;
        return undefined;
    },
    refusedScopes(scopes) {
        const refused = scopes.filter((scope) => ADMIN_ONLY_SCOPES.includes(scope));
        return refused.length === 0
            ? undefined
            : `Service-account tokens made by a group Owner cannot have the scope${refused.length > 1 ? 's' : ''} ${refused.join(', ')}`;
    },
};
/** A token id that the group's list of the account's tokens does not have (another account's, or none). */
class TokenNotFoundError extends Error {
    tokenId;
    ownerLabel;
    name = 'TokenNotFoundError';
    constructor(tokenId, ownerLabel) {
        super(`token ${tokenId} is not a token of ${ownerLabel}`);
        this.tokenId = tokenId;
        this.ownerLabel = ownerLabel;
    }
}
/**
 * A service account's tokens were to be listed or managed by id (a recovery, say) while only the account's own
 * token was given, without group: GitLab has these endpoints only under the group.
 */
class GroupNeededError extends Error {
    ownerLabel;
    name = 'GroupNeededError';
    constructor(ownerLabel) {
        super(`Managing the tokens of ${ownerLabel} other than through the token itself goes through its group: give group (and user).`);
        this.ownerLabel = ownerLabel;
    }
}

;// CONCATENATED MODULE: ./core/tokens/token-kinds.ts




const KINDS = {
    personal: personalTokens,
    project: projectTokens,
    group: groupTokens,
    'service-account': serviceAccountTokens,
};
/** The module of the owner's kind, typed for that owner. */
function tokenKindOf(owner) {
    return KINDS[owner.kind];
}

;// CONCATENATED MODULE: ./core/tokens/resolve-token.ts
/**
 * Which token an operation acts on, and whose: the owner the user named (a user, a project, a group, a group's
 * service account) resolved to what the endpoints need, and the one token the selector means (the credential
 * itself, a numeric id, or the one token with a given name). Resolution only reads; it never changes anything.
 */







async function resolveUser(context, ref) {
    const user = await callGitlab(context, `Looking up user ${ref}`, () => context.api.user(ref), {
        404: `No user ${ref} exists on this instance, or the credential cannot see it: check the user input.`,
    });
    if (!user) {
        throw new UnchangedFailure(`No user ${typeof ref === 'number' ? ref : `named "${ref}"`} exists on ${context.api.instanceUrl}, or the credential cannot see it: check the user input (a username or a numeric id).`);
    }
    return user;
}
/**
 * The owner with every part the endpoints need. Reads only what is missing: a user's id for a username, a group
 * service account's id, or (token-id self without project/group) the credential's own project or group.
 * `credential`: the address selects the credential itself (token-id self), already read.
 */
async function resolveOwner(context, owner, credential) {
    switch (owner.kind) {
        case 'personal': {
            if (owner.user === undefined)
                return { kind: 'personal', userId: undefined, label: 'the caller' };
            const user = await resolveUser(context, owner.user);
            return { kind: 'personal', userId: user.id, label: `user ${user.username}` };
        }
        case 'project':
        case 'group': {
            const ref = owner.kind === 'project' ? owner.project : owner.group;
            const found = ref ?? (await credentialResource(context, owner.kind));
            return owner.kind === 'project'
                ? { kind: 'project', project: found, label: `project ${found}` }
                : { kind: 'group', group: found, label: `group ${found}` };
        }
        case 'service-account': {
            if (credential || owner.group === undefined || owner.user === undefined) {
                // token-id self (the input rules ask for group and user otherwise): the account is the credential's own
                // user. The group's list of accounts is for its Owners, which the account is not, so it is not read.
                const self = credential ?? (await readCredential(context, owner));
                if (typeof owner.user === 'number' && owner.user !== self.userId) {
                    throw new UnchangedFailure(`token-id self means gitlab-token itself, which belongs to user ${self.userId}, not to the service account ${owner.user} (input user). Check user, or give token-id or token-name to act on a token of that account with a credential of its group's Owner.`);
                }
                return {
                    kind: 'service-account',
                    group: owner.group,
                    userId: self.userId,
                    label: `service account ${owner.user ?? self.userId}${owner.group === undefined ? '' : ` of group ${owner.group}`}`,
                };
            }
            const userId = await serviceAccountId(context, owner.group, owner.user);
            return {
                kind: 'service-account',
                group: owner.group,
                userId,
                label: `service account ${owner.user} of group ${owner.group}`,
            };
        }
    }
}
/** The service account's user id, from the group's own list: that also proves it is this group's account. */
async function serviceAccountId(context, group, user) {
    const accounts = await callGitlab(context, `Listing the service accounts of group ${group}`, () => context.api.client.all(`groups/${pathSegment(group)}/service_accounts`), {
        403: SERVICE_ACCOUNTS_NEED,
        404: `Group ${group} does not exist, or the credential cannot see it: check group (the id or full path of the service account's group).`,
    });
    const match = accounts.find((account) => typeof user === 'number' ? account.id === user : account.username.toLowerCase() === user.toLowerCase());
    if (!match) {
        const known = accounts.map((account) => account.username).slice(0, 10);
        throw new UnchangedFailure(`Group ${group} has no service account ${user}${known.length > 0 ? ` (it has: ${known.join(', ')})` : ''}. Check user (the service account's username or id) and group.`);
    }
    return match.id;
}
/**
 * The project or group a bot credential belongs to, from GitLab's own answer (GET /personal_access_tokens/self/
 * associations, 17.4+). Without `min_access_level` GitLab lists every public and internal project and group too, so
 * only memberships are asked for: a project bot is a direct member of its one project (`project_access_level`); a
 * group bot is a member of its group and, by inheritance, of everything below it, so its group is the one whose
 * parent is not in the list.
 */
async function credentialResource(context, kind) {
    const input = kind === 'project' ? 'project' : 'group';
    const associations = await callGitlab(context, `Finding the ${kind} of the credential (gitlab-token)`, () => context.api.client.get('personal_access_tokens/self/associations', MEMBERSHIPS), {
        404: `This GitLab cannot tell which ${kind} a token belongs to (it needs GitLab 17.4 or later): give ${input}.`,
        400: `The credential is not an access token, so it has no ${kind} of its own: give ${input}.`,
    });
    const found = kind === 'project' ? directProjects(associations) : topGroups(associations);
    if (found.length === 1 && found[0] !== undefined)
        return found[0];
    throw new UnchangedFailure(found.length === 0
        ? `token-kind ${kind} with token-id self: the credential (gitlab-token) is not a member of any ${kind}, so it is not a ${kind} access token. Check token-kind (personal for a person's or a service account's token${kind === 'project' ? ', group for a group access token' : ', project for a project access token'}), or give ${input}.`
        : `token-kind ${kind} with token-id self: the credential (gitlab-token) is a member of ${found.length} ${kind}s (ids ${found.join(', ')}), so it is not one ${kind}'s access token (whose bot user belongs to exactly one ${kind}). Give ${input}, or check token-kind (personal for a person's or a service account's token).`);
}
/** Memberships only, guest and up (bot users are never below guest), one page: a bot belongs to one resource. */
const MEMBERSHIPS = { min_access_level: 10, per_page: 100 };
function directProjects(associations) {
    return (associations.projects ?? [])
        .filter((project) => typeof project.access_levels?.project_access_level === 'number')
        .map((project) => project.id);
}
function topGroups(associations) {
    const groups = associations.groups ?? [];
    const ids = new Set(groups.map((group) => group.id));
    return groups
        .filter((group) => group.parent_id === null || group.parent_id === undefined || !ids.has(group.parent_id))
        .map((group) => group.id);
}
/**
 * The one token the address means, with its resolved owner. `credential`: the credential's own token when the
 * caller has read it already (readCredential), so that it is read once; tokens selected by id or name are compared
 * with it to know whether the operation acts on the credential.
 */
async function resolveToken(context, address, purpose, credential) {
    const selector = address.selector;
    if (selector.kind === 'self') {
        // The credential first: what it says may make the owner unnecessary (a rotation that is not due).
        const token = credential ?? (await readCredential(context, address.owner));
        const owner = await resolveOwner(context, address.owner, token);
        return { owner, token: withResource(token, owner), isCredential: true };
    }
    const owner = await resolveOwner(context, address.owner);
    const token = selector.kind === 'id'
        ? await readById(context, owner, selector.id)
        : await findByName(context, owner, selector.name, purpose);
    assertOwnedBy(owner, token);
    // Whether a token chosen by id or name is the credential itself decides what the run may send afterwards.
    const own = credential ?? (await readCredential(context, address.owner));
    return { owner, token, isCredential: own.id === token.id };
}
/**
 * The credential's own token (GET /personal_access_tokens/self). Every kind of access token answers there, a
 * project's or group's bot token and a service account's too, so nothing about the owner is needed yet. Refusals
 * are explained for the kind the user named.
 */
async function readCredential(context, owner) {
    const raw = await callGitlab(context, 'Reading the credential (gitlab-token)', () => context.api.client.get('personal_access_tokens/self'), credentialAdvice(owner));
    return toAccessToken(owner.kind, raw);
}
/** What a refused credential means, by the kind of token it is said to be. */
function credentialAdvice(owner) {
    if (owner.kind !== 'project' && owner.kind !== 'group') {
        return {
            403: 'GitLab refused the credential (gitlab-token) before looking at any token. When it says the account is blocked, an administrator must unblock its user; until then none of its tokens work.',
        };
    }
    const kind = owner.kind;
    const resource = kind === 'project' ? owner.project : owner.group;
    const where = resource === undefined ? `its ${kind}` : `${kind} ${resource}`;
    const manager = kind === 'project' ? `a Maintainer or Owner of ${where}` : `an Owner of ${where}`;
    return {
        401: `GitLab did not accept the credential (gitlab-token), a ${kind} access token: check that it is the current token. A ${kind} access token also stops working for good when its ${kind} is deleted (then create a new token where it is needed).`,
        403: `GitLab refused the credential (gitlab-token), a ${kind} access token: when it says the account is blocked, its bot user is blocked, and none of its tokens work. An administrator must unblock the bot user, or ${manager} creates a new ${kind} access token (token-kind ${kind}, operation create).`,
        expired: `The credential (gitlab-token), a ${kind} access token, has expired, so it can no longer rotate itself. GitLab still rotates an expired token that is not revoked for ${manager}, or an administrator: run rotate once with such a credential as gitlab-token (token-kind ${kind}, ${kind} ${resource ?? '<id or path>'}, token-name <its name>), and store the new token where gitlab-token comes from.`,
    };
}
/** A bot token read through the personal endpoint does not say its resource; the owner does, once resolved. */
function withResource(token, owner) {
    if (token.resource !== null)
        return token;
    if (owner.kind === 'project' && typeof owner.project === 'number')
        return { ...token, resource: { kind: 'project', id: owner.project } };
    if (owner.kind === 'group' && typeof owner.group === 'number')
        return { ...token, resource: { kind: 'group', id: owner.group } };
    return token;
}
async function readById(context, owner, id) {
    const read = async () => {
        try {
            return await tokenKindOf(owner).read(context.api.client, owner, id);
        }
        catch (error) {
            if (!(error instanceof TokenNotFoundError))
                throw error;
            throw new UnchangedFailure(`Token ${id} is not a token of ${owner.label}: check token-id, or use token-name.`);
        }
    };
    const hidden = `Token ${id} does not exist or is not visible to the credential: GitLab answers 401 for other users' tokens unless the credential belongs to an administrator. Check token-id, or use token-name. A group service account's token is managed by the group's Owners with token-kind service-account, group and user; a project's or group's access token with token-kind project or group.`;
    const managed = `Reading the tokens of ${owner.label} needs ${tokenKindOf(owner).managers}; GitLab answers 401 to anyone else. Check the role of gitlab-token's user, and token-kind.`;
    return callGitlab(context, `Reading token ${id} of ${owner.label}`, read, {
        401: owner.kind === 'personal' ? hidden : managed,
        404: `Token ${id} does not exist${owner.kind === 'personal' ? '' : ` in ${owner.label}`}. Check token-id (a token of another ${owner.kind === 'service-account' ? 'account' : owner.kind} is not found here), or use token-name.`,
        denied: owner.kind === 'personal' ? hidden : managed,
    });
}
/** A personal token selected by id must belong to the user named, or another user's token would be changed. */
function assertOwnedBy(owner, token) {
    if (owner.kind === 'personal' && owner.userId !== undefined && token.userId !== owner.userId) {
        throw new UnchangedFailure(`${describeToken(token)} belongs to user ${token.userId}, not to ${owner.label} (input user). Check token-id and user.`);
    }
    if (owner.kind === 'service-account' && token.userId !== owner.userId) {
        throw new UnchangedFailure(`${describeToken(token)} is not a token of ${owner.label}. Check token-id, user and group.`);
    }
}
/**
 * The one token with this exact name: an active one; failing that, the one expired (not revoked) one, which GitLab
 * still shows, rotates and revokes for a credential that may manage it (the recovery after a weekend of expiries);
 * for revoke also a revoked one (revoking is then already done). Every page of both lists is read (gitlab-client.ts
 * `all`), so a token is never missed because many others share the start of its name.
 */
async function findByName(context, owner, name, purpose) {
    const kind = tokenKindOf(owner);
    const ownerForList = owner.kind === 'personal' && owner.userId === undefined
        ? // Administrators see every user's tokens: without a user, a name means the caller's own.
            { ...owner, userId: (await callerToken(context)).userId }
        : owner;
    const list = (state) => callGitlab(context, `Listing the ${state} tokens of ${owner.label}`, () => kind.list(context.api.client, ownerForList, { state, search: name }), listingAdvice(owner));
    const active = (await list('active')).filter((token) => token.name === name && token.active);
    if (active.length === 1 && active[0])
        return active[0];
    if (active.length > 1) {
        throw new UnchangedFailure(`${active.length} active tokens named "${name}" belong to ${owner.label}: ids ${active.map((token) => token.id).join(', ')}. Select one with token-id, or revoke the ones no longer used.`);
    }
    const inactive = (await list('inactive')).filter((token) => token.name === name);
    const expired = inactive.filter((token) => !token.revoked).sort((a, b) => b.id - a.id);
    if (expired.length === 1 && expired[0]) {
        if (purpose !== 'read') {
            context.log.info(`No active token named "${name}" belongs to ${owner.label}; ${describeToken(expired[0])} expired on ${expired[0].expiresAt ?? '?'} and is not revoked, so GitLab lets a credential that may manage it ${purpose} it.`);
        }
        return expired[0];
    }
    if (expired.length > 1) {
        throw new UnchangedFailure(`No active token named "${name}" belongs to ${owner.label}, and ${expired.length} expired ones do: ids ${expired.map((token) => `${token.id} (expired ${token.expiresAt ?? '?'})`).join(', ')}. Select one with token-id (the newest is ${expired[0]?.id ?? '?'}).`);
    }
    const newestRevoked = inactive.filter((token) => token.revoked).sort((a, b) => b.id - a.id)[0];
    if (purpose === 'revoke' && newestRevoked)
        return newestRevoked;
    throw new UnchangedFailure(`No active or expired token named "${name}" belongs to ${owner.label} on ${context.api.instanceUrl}` +
        (newestRevoked
            ? `; ${inactive.length === 1 ? 'one' : inactive.length} revoked one${inactive.length === 1 ? '' : 's'} (the newest: ${newestRevoked.id}) cannot be ${purpose === 'rotate' ? 'rotated (GitLab refuses revoked tokens)' : 'used'}.`
            : '.') +
        (owner.kind === 'personal' && owner.userId === undefined
            ? " Without user, token-name looks among the credential's own tokens: give user for another user's."
            : '') +
        ' Check token-name (it must match exactly) and whose tokens (user, project, group).');
}
/**
 * What a refused token list means once the credential has worked (GitLab answers 401, not 403, to a non-administrator
 * asking for another user's tokens, and to a non-Maintainer asking for a project's): who may list them.
 */
function listingAdvice(owner) {
    const who = owner.kind === 'personal'
        ? `Listing the tokens of ${owner.label} needs an administrator's credential (only administrators see other users' tokens), and gitlab-token's user is not one. Use an administrator's token, or leave out user to work on the credential's own tokens.`
        : `Listing the tokens of ${owner.label} needs ${tokenKindOf(owner).managers}, and gitlab-token's user is not. Use such a credential, or give that user the role.`;
    return { denied: who, 403: who };
}
async function callerToken(context) {
    return readCredential(context, { kind: 'personal', user: undefined });
}
function describeSelector(selector) {
    return selector.kind === 'self'
        ? 'token-id self'
        : selector.kind === 'id'
            ? `token-id ${selector.id}`
            : `token-name "${selector.name}"`;
}

;// CONCATENATED MODULE: ./core/tokens/token-view.ts
/** A token as the tool reports it (JSON, outputs, summaries): GitLab's fields plus what a reader wants at a glance. */

function tokenState(token) {
    if (token.revoked)
        return 'revoked';
    return token.active ? 'active' : 'expired';
}
/** `now`: an instant (GitLab's clock where known); days are counted in UTC calendar days. */
function toTokenView(token, now) {
    return {
        id: token.id,
        name: token.name,
        token_kind: token.kind,
        description: token.description,
        user_id: token.userId,
        scopes: token.scopes,
        state: tokenState(token),
        created_at: token.createdAt,
        last_used_at: token.lastUsedAt,
        expires_at: token.expiresAt,
        days_left: daysLeft(token.expiresAt, utcDate(now)),
        access_level: token.accessLevel,
        resource_type: token.resource?.kind ?? null,
        resource_id: token.resource?.id ?? null,
    };
}

;// CONCATENATED MODULE: ./core/operations/create.ts
/**
 * `create`: a new token of any kind, delivered to its destinations and verified. Who may create what is GitLab's
 * rule: where GitLab would answer, it answers (an administrator's endpoint refuses a non-administrator with 403),
 * and the message says what the answer means.
 */













/** A promise like expires-in: at least 30 days. */
const DEFAULT_CREATE_LIFETIME = {
    duration: { amount: 30, unit: 'd', text: '30d (the default)' },
    rule: 'at-least',
};
async function createToken(context) {
    const { options, api, log } = context;
    const request = options.create;
    if (!request)
        throw new Error('create needs its request (the option rules guarantee it)');
    const owner = await creatingOwner(context, await resolveOwner(context, options.address.owner), request.scopes);
    const kind = tokenKindOf(owner);
    await preflightDestinations(context, { tokenResource: create_resourceOf(owner), writerScopes: undefined });
    // After the checks: their answers carry GitLab's clock, which the expiry follows (a project token's create may
    // have made no request before).
    const expiry = chooseExpiry(options.expiry, DEFAULT_CREATE_LIFETIME, {
        now: context.clock.now(),
        maxLifetimeDays: options.maxLifetimeDays,
    });
    if (expiry.note)
        log.warn(`Expiry: ${expiry.note}.`);
    const what = `${kind.kind === 'personal' ? '' : `${kind.kind} `}token "${request.name}" for ${owner.label} (scopes ${request.scopes.join(', ')}, expires ${expiry.expiresAt})`;
    // When it really ends, from the clock at the moment of the change: GitLab's midnight, not the end of that day.
    const ends = () => describeEnd(expiry.endsAt, context.clock.now());
    if (options.dryRun)
        return { operation: 'create', dryRun: true, headline: `Dry run: would create ${what}, which ${ends()}.` };
    let created;
    try {
        created = await kind.create(api.client, owner, {
            name: request.name,
            scopes: request.scopes,
            description: request.description,
            expiresAt: expiry.expiresAt,
            accessLevel: request.accessLevel,
        });
    }
    catch (error) {
        throw createFailure(context, error, what, request, owner);
    }
    log.protectSecret(created.token);
    // The headline says it all once the token is stored; this line is for the request trail.
    log.debug(`Created ${describeToken(created)}, expires ${created.expiresAt ?? 'never'}.`);
    const storedIn = await deliverToken(context, created);
    await verifyNewToken(context, created, api.withCredential(created.token), storedIn);
    return {
        operation: 'create',
        dryRun: false,
        headline: `Created ${what}: id ${created.id}, ${ends()}.`,
        token: toTokenView(created, context.clock.now()),
        newToken: created,
        storedIn,
    };
}
/**
 * The caller's own personal token goes through the self-service endpoint, which GitLab allows only some scopes
 * (k8s_proxy, and self_rotate on newer versions); an administrator gets any scope through the administrators'
 * endpoint with their own id. A non-administrator asking for more is sent to the self-service endpoint anyway:
 * GitLab's answer is the rule (a refused create changes nothing), and createFailure explains it.
 */
async function creatingOwner(context, owner, scopes) {
    if (owner.kind !== 'personal' || owner.userId !== undefined)
        return owner;
    if (scopes.every((scope) => SELF_SERVICE_SCOPES.has(scope)))
        return owner;
    const caller = await callGitlab(context, "Reading the credential's user", () => context.api.currentUser(), {
        scope: 'Reading the caller needs the api, read_api or read_user scope on gitlab-token.',
    });
    if (caller.isAdmin !== true)
        return { ...owner, label: `user ${caller.username}` };
    return { kind: 'personal', userId: caller.id, label: `user ${caller.username}` };
}
function create_resourceOf(owner) {
    if (owner.kind === 'project' && typeof owner.project === 'number')
        return { kind: 'project', id: owner.project };
    if (owner.kind === 'group' && typeof owner.group === 'number')
        return { kind: 'group', id: owner.group };
    return null;
}
function createFailure(context, error, what, request, owner) {
    const kind = tokenKindOf(owner);
    const name = request.name;
    const explained = error instanceof GitlabHttpError
        ? kind.explainRefusal(owner, { action: 'create', accessLevel: context.options.create?.accessLevel }, error.status, gitlabText(error.answer))
        : undefined;
    // GitLab's 400 names the parameter, not the rule behind it: the kind knows the likely one.
    const selfService = owner.kind === 'personal' && owner.userId === undefined;
    const likely = kind.refusedScopes(request.scopes, { isAdmin: !selfService });
    const description = describeGitlabError(error, {
        doing: `Creating ${what}`,
        instanceUrl: context.api.instanceUrl,
        advice: {
            ...(owner.kind === 'personal'
                ? {
                    403: `Creating a token for ${owner.label} needs an administrator's credential, and gitlab-token's user is not one. Use an administrator's token, or omit user to create one for the credential's own user (with the scopes k8s_proxy or self_rotate).`,
                }
                : {
                    403: `Creating this token needs ${kind.creators}; the credential's user is not. Use such a credential.`,
                    401: `Creating this token needs ${kind.creators}. Check gitlab-token and its role.`,
                    denied: `Creating this token needs ${kind.creators}; the credential's user is not. Use such a credential.`,
                }),
            400: likely
                ? `${likely}${selfService ? `, and gitlab-token's user is not an administrator. Use an administrator's credential, or create the token once by hand and let this tool rotate it` : '; choose other scopes'}. Nothing was created.`
                : "GitLab refused the request as given (for project and group tokens: an access level above the caller's own, or a scope the kind cannot have): correct what GitLab names and run again.",
            ...(explained !== undefined && error instanceof GitlabHttpError
                ? { [error.status]: explained, denied: explained }
                : {}),
        },
    });
    if (postOutcome(error) === 'refused')
        return new UnchangedFailure(description);
    return new OutcomeUnknown(`${description} The token may or may not have been created; it was not sent again.`, [
        `List the tokens of ${owner.label} (operation: list, name: ${name}) to see whether a token named "${name}" was created just now.`,
        'If it was, revoke it (its value was never received) and run create again.',
    ]);
}

;// CONCATENATED MODULE: ./core/operations/get.ts
/** `get`: one token's metadata. One request for the credential itself. */



async function getToken(context) {
    const { token } = await resolveToken(context, context.options.address, 'read');
    const view = toTokenView(token, context.clock.now());
    return {
        operation: 'get',
        dryRun: context.options.dryRun,
        headline: `${describeToken(token)} is ${view.state}${view.expires_at ? `, expires ${view.expires_at} (${view.days_left} days left)` : ', never expires'}.`,
        token: view,
    };
}

;// CONCATENATED MODULE: ./core/operations/list.ts
/** `list`: the tokens of a user, project, group or service account (or the caller's), every page, never values. */





async function listTokens(context) {
    const { options } = context;
    let owner = await resolveOwner(context, options.address.owner);
    if (owner.kind === 'personal' && owner.userId === undefined) {
        // The caller's own: an administrator would otherwise get every token on the instance.
        const own = await readCredential(context, options.address.owner);
        owner = { ...owner, userId: own.userId };
    }
    const resolved = owner;
    const found = await callGitlab(context, `Listing the tokens of ${owner.label}`, () => tokenKindOf(resolved).list(context.api.client, resolved, {
        ...(options.state === 'all' ? {} : { state: options.state }),
        ...(options.nameFilter !== undefined ? { search: options.nameFilter } : {}),
    }), listingAdvice(owner));
    const now = context.clock.now();
    const today = utcDate(now);
    const window = options.expiresWithin;
    const tokens = found
        .filter((token) => window === undefined || expiresWithin(token.expiresAt, window, today))
        .map((token) => toTokenView(token, now))
        .sort(byExpiry);
    const filters = [
        options.state === 'all' ? undefined : options.state,
        options.nameFilter !== undefined ? `named like "${options.nameFilter}"` : undefined,
        window ? `expiring within ${window.text}` : undefined,
    ].filter(Boolean);
    return {
        operation: 'list',
        dryRun: options.dryRun,
        headline: `${tokens.length} token${tokens.length === 1 ? '' : 's'} of ${owner.label}${filters.length ? ` (${filters.join(', ')})` : ''}.`,
        tokens,
    };
}
/** Soonest expiry first: that is what a reader of the list is looking for. Tokens that never expire go last. */
function byExpiry(a, b) {
    if (a.expires_at === b.expires_at)
        return a.id - b.id;
    if (a.expires_at === null)
        return 1;
    if (b.expires_at === null)
        return -1;
    return a.expires_at < b.expires_at ? -1 : 1;
}

;// CONCATENATED MODULE: ./core/operations/revoke.ts
/**
 * `revoke`: idempotent from the user's point of view. A token that is already revoked is done; "done" is what
 * GitLab's state says after the call, never an assumption from an error status.
 */






async function revokeToken(context) {
    const { options, api, log } = context;
    const resolved = await resolveToken(context, options.address, 'revoke');
    const { token, owner } = resolved;
    const label = describeToken(token);
    const result = (headline, revoked) => ({
        operation: 'revoke',
        dryRun: options.dryRun,
        headline,
        token: toTokenView(revoked, context.clock.now()),
    });
    const revokedNow = { ...token, revoked: true, active: false };
    if (token.revoked)
        return result(`${label} was already revoked; nothing to do.`, token);
    if (options.dryRun)
        return result(`Dry run: would revoke ${label}.`, token);
    try {
        // The credential revokes itself through the self endpoint however it was selected: that one takes any scope.
        await tokenKindOf(owner).revoke(api.client, owner, resolved.isCredential ? 'self' : token.id);
    }
    catch (error) {
        // A lost 204 followed by a retry, or another run that revoked it first, answers 404 (or 401 "revoked" for the
        // credential itself): look at GitLab's state before calling it done.
        if (await isRevokedNow(context, resolved, error)) {
            return result(`${label} was already revoked; nothing to do.`, revokedNow);
        }
        const managers = `Revoking ${label} needs ${tokenKindOf(owner).managers}, and gitlab-token's user is not one. Use such a credential.`;
        throw new UnchangedFailure(describeGitlabError(error, {
            doing: `Revoking ${label}`,
            instanceUrl: api.instanceUrl,
            advice: { denied: managers, 403: managers },
        }));
    }
    log.info(`Revoked ${label}.`);
    return result(`Revoked ${label}.`, revokedNow);
}
async function isRevokedNow(context, resolved, error) {
    if (resolved.isCredential)
        return credentialProblem(error) === 'revoked';
    try {
        const now = await tokenKindOf(resolved.owner).read(context.api.client, resolved.owner, resolved.token.id);
        return now.revoked;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./core/rotation/recover-lost-rotation.ts
/**
 * When GitLab rotated a token but its answer was lost, the new token exists and works, and nobody has its value.
 * A second credential that may rotate it (`recovery-token`: an administrator's, or a project Maintainer's or group
 * Owner's for bot tokens) rotates that new token once, and the run continues with the value it gets.
 */



function recoveryApi(context) {
    return context.api.withCredential(context.options.recoveryToken ?? '');
}
/** Before any change: the recovery credential works, has `api`, and can see the managed token. */
async function preflightRecovery(context, plan) {
    const recovery = recoveryApi(context);
    const doing = `Checking recovery-token for ${plan.label}`;
    try {
        const own = await recovery.client.get('personal_access_tokens/self');
        if (!(own.scopes ?? []).includes('api')) {
            throw new UnchangedFailure(`${doing}: it needs the api scope to rotate tokens, and has ${(own.scopes ?? []).join(', ')}.`);
        }
        await tokenKindOf(plan.owner).read(recovery.client, plan.owner, plan.target.id);
    }
    catch (error) {
        if (error instanceof UnchangedFailure)
            throw error;
        throw new UnchangedFailure(describeGitlabError(error, {
            doing,
            instanceUrl: context.api.instanceUrl,
            advice: {
                401: `recovery-token cannot see ${plan.label}: use a token of ${tokenKindOf(plan.owner).managers} (or remove recovery-token).`,
                403: `recovery-token may not manage ${plan.label}: use a token of ${tokenKindOf(plan.owner).managers} (or remove recovery-token).`,
            },
        }));
    }
}
async function recoverLostRotation(context, plan, lostBecause) {
    const recovery = recoveryApi(context);
    const kind = tokenKindOf(plan.owner);
    const owner = plan.owner.kind === 'personal' && plan.owner.userId === undefined
        ? { ...plan.owner, userId: plan.target.userId }
        : plan.owner;
    const stuck = (why) => new OutcomeUnknown(`${lostBecause} GitLab rotated ${plan.label}, its answer was lost, and recovery failed: ${why}`, [
        `With a credential of ${kind.managers}, list the active tokens named "${plan.target.name}" of ${plan.owner.label}, rotate the newest by id, and store the value.`,
    ]);
    let candidates;
    try {
        candidates = (await kind.list(recovery.client, owner, { state: 'active', search: plan.target.name })).filter((token) => token.name === plan.target.name && token.id > plan.target.id && token.active);
    }
    catch (error) {
        throw stuck(describeGitlabError(error, { doing: 'Listing the new token', instanceUrl: context.api.instanceUrl }));
    }
    const [successor, ...others] = candidates;
    if (!successor || others.length > 0) {
        throw stuck(successor
            ? `several active tokens named "${plan.target.name}" are newer than ${plan.target.id} (ids ${candidates.map((token) => token.id).join(', ')}), so which one is the successor is unclear.`
            : `no active token named "${plan.target.name}" newer than ${plan.target.id} exists.`);
    }
    try {
        const recovered = await kind.rotate(recovery.client, owner, successor.id, plan.expiresAt);
        context.log.info(`Recovered: rotated the lost successor ${successor.id} with recovery-token into ${recovered.id}.`);
        return recovered;
    }
    catch (error) {
        throw stuck(describeGitlabError(error, {
            doing: `Rotating the successor ${successor.id}`,
            instanceUrl: context.api.instanceUrl,
        }));
    }
}

;// CONCATENATED MODULE: ./core/rotation/atomic-rotation.ts
/**
 * GitLab's rotate: one request that revokes the old token and returns the new one, once
 * (app/services/personal_access_tokens/rotate_service.rb). It is never resent: a second rotate with the old token
 * looks like theft to GitLab, which then revokes the new token too.
 */








async function rotateAtomically(context, plan) {
    const { api, log } = context;
    let rotated;
    try {
        rotated = await tokenKindOf(plan.owner).rotate(api.client, plan.owner, plan.selfRotation ? 'self' : plan.target.id, plan.expiresAt);
    }
    catch (error) {
        rotated = await handleRotateFailure(context, plan, error);
    }
    // Protect the value before anything else is written, then never send the old token again.
    log.protectSecret(rotated.token);
    if (plan.selfRotation)
        api.credential.replace(rotated.token);
    // The headline says it all once the token is stored; this line is for the request trail.
    log.debug(`Rotated ${plan.label}: new token ${rotated.id}, expires ${rotated.expiresAt ?? 'never'}.`);
    const storedIn = await deliverToken(context, rotated);
    await verifyNewToken(context, rotated, plan.selfRotation ? api : api.withCredential(rotated.token), storedIn);
    return { token: rotated, storedIn };
}
/**
 * A refusal changed nothing. Without an answer (timeout, reset, 5xx) the rotation may have happened: look at the old
 * token instead of asking again. Returns a token only when a recovery credential could rotate the lost one.
 */
async function handleRotateFailure(context, plan, error) {
    const { api, log } = context;
    const status = httpStatus(error);
    const explained = error instanceof GitlabHttpError
        ? tokenKindOf(plan.owner).explainRefusal(plan.owner, { action: 'rotate', id: plan.selfRotation ? 'self' : plan.target.id, token: plan.target }, error.status, gitlabText(error.answer))
        : undefined;
    const managers = `Rotating ${plan.label} needs ${tokenKindOf(plan.owner).managers}, and gitlab-token's user is not one. Use such a credential.`;
    const description = describeGitlabError(error, {
        doing: `Rotating ${plan.label}`,
        instanceUrl: api.instanceUrl,
        // The kind's reading of GitLab's answer is the most precise; who may rotate is the fallback.
        advice: {
            denied: explained ?? managers,
            403: managers,
            ...(explained !== undefined && status !== undefined ? { [status]: explained } : {}),
        },
    });
    if (postOutcome(error) === 'refused') {
        const alreadyRevoked = error instanceof GitlabHttpError && status === 400 && /revoked/i.test(gitlabText(error.answer));
        const hint = alreadyRevoked
            ? ` ${plan.label} was rotated or revoked after this run started, probably by another run: nothing was changed by this run, and the other run's token is the current one. Run rotations of one token one at a time (GitHub: concurrency; GitLab: resource_group).`
            : credentialProblem(error) === 'revoked'
                ? " If another run rotated this token at the same moment, GitLab may have revoked that run's new token too (reuse detection): check the token list."
                : status === 429
                    ? ' GitLab refused before rotating (rate limit): nothing changed. Run again later.'
                    : '';
        throw new UnchangedFailure(`${description}${hint}`);
    }
    log.warn(`${description} Not resending the rotate request; checking whether the old token still works.`);
    const oldState = await probeOldToken(context, plan);
    if (oldState === 'active') {
        throw new UnchangedFailure(`${description} The old ${plan.label} still works ${Math.round(PROBE_AGAIN_AFTER_MS.reduce((sum, ms) => sum + ms, 0) / 1000)} s later, so GitLab did not rotate it: nothing changed. Run again later.`);
    }
    if (oldState === 'revoked' && context.options.recoveryToken !== undefined) {
        log.warn(`GitLab rotated ${plan.label} but its answer was lost; recovering with recovery-token.`);
        return recoverLostRotation(context, plan, description);
    }
    const manager = tokenKindOf(plan.owner).managers;
    throw new OutcomeUnknown(oldState === 'revoked'
        ? `${description} The old ${plan.label} is now revoked: GitLab did rotate it, but its answer with the new value was lost. The new token works but its value is gone.`
        : `${description} Whether GitLab rotated ${plan.label} could not be determined (the check after the failure got no answer either).`, [
        `With a credential of ${manager}, list the active tokens named "${plan.target.name}" of ${plan.owner.label} (operation list${listInputs(plan)}, name "${plan.target.name}").`,
        `Rotate the newest of them by id (operation rotate, token-id <id>) to get a value you can store, or revoke it and create a new one. Setting recovery-token does this automatically next time.`,
        'Do not rerun this rotation with the old token: GitLab treats a rotated-away token sent to rotate as stolen and revokes the new token too.',
    ]);
}
function listInputs(plan) {
    const owner = plan.owner;
    switch (owner.kind) {
        case 'personal':
            return `, user ${plan.target.userId}`;
        case 'project':
            return `, token-kind project, project ${owner.project}`;
        case 'group':
            return `, token-kind group, group ${owner.group}`;
        case 'service-account':
            return `, token-kind service-account, group ${owner.group ?? '<its group>'}, user ${owner.userId}`;
    }
}
/**
 * A proxy may answer 502, or drop the connection, while GitLab is still working on the rotate: an old token that
 * still works a moment later may be revoked the next. So it is looked at again over about half a minute.
 */
const PROBE_AGAIN_AFTER_MS = [2_000, 5_000, 10_000, 20_000];
async function probeOldToken(context, plan) {
    let state = await probeOnce(context, plan);
    for (const waitMs of PROBE_AGAIN_AFTER_MS) {
        if (state !== 'active')
            break;
        await context.wait(waitMs);
        state = await probeOnce(context, plan);
    }
    return state;
}
/** GET only: a rotated-away token sent to a GET is refused but, unlike on a rotate path, revokes nothing. */
async function probeOnce(context, plan) {
    try {
        const old = plan.selfRotation
            ? await context.api.client.get('personal_access_tokens/self')
            : await tokenKindOf(plan.owner).read(context.api.client, plan.owner, plan.target.id);
        return old.active !== false && old.revoked !== true ? 'active' : 'revoked';
    }
    catch (probeError) {
        return credentialProblem(probeError) === 'revoked' ? 'revoked' : 'unknown';
    }
}

;// CONCATENATED MODULE: ./core/rotation/overlap-rotation.ts
/**
 * strategy: overlap. Create a new token beside the old one, store it, verify it, and only then revoke the old one.
 * Until the very end the old token keeps working, so a failed write can be undone by revoking the new token. A
 * project or group token made this way comes with a new bot user (the caller is warned when the options are read).
 */







async function rotateWithOverlap(context, plan) {
    const { api, log } = context;
    const { target } = plan;
    const kind = tokenKindOf(plan.owner);
    // A personal successor is created for the token's own user (the administrators' endpoint).
    const owner = plan.owner.kind === 'personal' ? { ...plan.owner, userId: target.userId } : plan.owner;
    let created;
    try {
        created = await kind.create(api.client, owner, {
            name: target.name,
            scopes: target.scopes,
            description: target.description ?? undefined,
            expiresAt: plan.expiresAt,
            accessLevel: target.accessLevel ?? undefined,
        });
    }
    catch (error) {
        const explained = error instanceof GitlabHttpError
            ? kind.explainRefusal(owner, { action: 'create', accessLevel: target.accessLevel ?? undefined }, error.status, gitlabText(error.answer))
            : undefined;
        const description = describeGitlabError(error, {
            doing: `Creating the successor of ${plan.label}`,
            instanceUrl: api.instanceUrl,
            advice: {
                403: `strategy overlap creates a new token, which needs ${kind.creators}; the credential's user is not. Use strategy rotate, or such a credential.`,
                401: `strategy overlap creates a new token, which needs ${kind.creators}. Use strategy rotate, or such a credential.`,
                ...(explained !== undefined && error instanceof GitlabHttpError
                    ? {
                        [error.status]: `${explained} (strategy overlap creates a new token; strategy rotate does not.)`,
                    }
                    : {}),
            },
        });
        if (postOutcome(error) === 'unknown') {
            throw new OutcomeUnknown(`${description} A new token may have been created; the old one still works.`, [
                `List the tokens named "${target.name}" of ${plan.owner.label} and revoke any newer than ${target.id} (its value was never received).`,
            ]);
        }
        throw new UnchangedFailure(`${description} Nothing changed; the old token still works.`);
    }
    log.protectSecret(created.token);
    // The headline says it all once the token is stored; this line is for the request trail.
    log.debug(`Created the successor of ${plan.label}: token ${created.id}, expires ${created.expiresAt ?? 'never'}.`);
    const delivery = await writeDestinations(context, created, context.destinations);
    if (delivery.failed.length > 0)
        await undoOrReport(context, plan, owner, created, delivery);
    const storedIn = descriptions(delivery.stored);
    await verifyNewToken(context, created, api.withCredential(created.token), storedIn);
    // Only now may the old token go. If it was the credential, revoke it as the new one.
    if (plan.selfRotation)
        api.credential.replace(created.token);
    try {
        await kind.revoke(api.client, owner, target.id);
        log.info(`Revoked the old ${plan.label}.`);
    }
    catch (error) {
        log.warn(`The new token is stored and works, but revoking the old ${plan.label} failed: ${describeGitlabError(error, { doing: 'Revoking the old token', instanceUrl: api.instanceUrl })} Revoke it by hand (operation revoke, token-id ${target.id}); it also stops at its expiry date.`);
    }
    return { token: created, storedIn };
}
/**
 * A write failed. If no durable destination holds the new token, revoking it restores the state before the run:
 * the old token still works everywhere. Otherwise the new token must stay, and the run fails saying where it is.
 */
async function undoOrReport(context, plan, owner, created, delivery) {
    const failures = delivery.failed
        .map(({ destination, why }) => `${destination.description}: ${why}`)
        .join('; ');
    if (delivery.stored.some((destination) => destination.durable)) {
        throw new DestinationFailure(`The new token ${created.id} is stored in ${descriptions(delivery.stored).join(' and ')}, but not in: ${failures}. The old ${plan.label} was left working.`, [
            'Fix what the message names, then copy the new token to the failed destination, and revoke the old token.',
        ], changedToken(created, descriptions(delivery.stored)));
    }
    try {
        await tokenKindOf(owner).revoke(context.api.client, owner, created.id);
    }
    catch (error) {
        throw new DestinationFailure(`Storing the new token ${created.id} failed (${failures}) and revoking it failed too: ${describeGitlabError(error, { doing: 'Revoking the new token', instanceUrl: context.api.instanceUrl })}. The old ${plan.label} still works.`, [`Revoke token ${created.id} by hand (operation revoke, token-id ${created.id}).`], changedToken(created, descriptions(delivery.stored)));
    }
    throw new UnchangedFailure(`Storing the new token failed (${failures}), so it was revoked again: the old ${plan.label} still works and is still where it was. Fix what the message names and run again.`);
}

;// CONCATENATED MODULE: ./core/operations/rotate.ts
/**
 * Rotation, following the protocol in the README ("Safety promises"): check everything before changing anything,
 * replace the token exactly once, protect the new value and use it at once, store it everywhere (or at least
 * somewhere safe, loudly), verify it. The same for every token kind; the kind modules know the endpoints.
 */












async function rotateToken(context) {
    const { options } = context;
    // 1. Preflight: nothing here changes anything. For token-id self the credential reads itself first: a run that
    //    finds it not due makes that one request and no other (not even to find its project or group).
    const credential = options.address.selector.kind === 'self'
        ? await readCredential(context, options.address.owner)
        : undefined;
    if (credential) {
        assertRotatable(context, credential, true, options.address.owner.kind);
        const skipped = notDue(context, credential);
        if (skipped)
            return skipped;
    }
    const resolved = await resolveToken(context, options.address, 'rotate', credential);
    const { token: target, owner } = resolved;
    const label = describeToken(target);
    if (!credential) {
        assertRotatable(context, target, resolved.isCredential, owner.kind);
        const skipped = notDue(context, target);
        if (skipped)
            return skipped;
    }
    const today = utcDate(context.clock.now());
    const expiry = chooseExpiry(options.expiry, lifetimeOf(target, options.maxLifetimeDays), {
        now: context.clock.now(),
        maxLifetimeDays: options.maxLifetimeDays,
    });
    if (expiry.note)
        context.log.warn(`Expiry: ${expiry.note}.`);
    if (options.rotateBefore && expiresWithin(expiry.expiresAt, options.rotateBefore, today)) {
        // Every scheduled run would rotate again, and each rotation is a chance for reuse detection to bite.
        throw new InputError(`The new token would expire on ${expiry.expiresAt}, within rotate-before ${options.rotateBefore.text} of today, so every run would rotate it again. Give expires-in (or expires-at) longer than rotate-before, or a shorter rotate-before.`);
    }
    const plan = {
        target,
        owner,
        label,
        // However it was selected: a project or group bot may not rotate tokens by id, and the self endpoint needs only
        // api or self_rotate.
        selfRotation: resolved.isCredential,
        expiresAt: expiry.expiresAt,
    };
    await preflightDestinations(context, {
        tokenResource: target.resource,
        // A self-rotation's successor writes with the same scopes; another credential's rotate already needs api.
        writerScopes: plan.selfRotation ? target.scopes : undefined,
    });
    if (options.recoveryToken !== undefined)
        await preflightRecovery(context, plan);
    const summary = `${label}${target.expiresAt ? ` (expires ${target.expiresAt})` : ''} into a new token expiring ${expiry.expiresAt}`;
    // When it really ends, from the clock at the moment of the change: GitLab's midnight, not the end of that day.
    const ends = () => describeEnd(expiry.endsAt, context.clock.now());
    if (options.dryRun) {
        const where = context.destinations.map((destination) => destination.description).join(', ');
        const how = options.strategy === 'overlap' ? ' by creating a new token and then revoking the old one' : '';
        return {
            ...unchanged(context, target, `Dry run: would rotate ${summary}${how}, stored in ${where}; it ${ends()}.`),
            rotatesCredential: plan.selfRotation,
        };
    }
    // 2-5. Replace exactly once, protect, store, verify.
    const outcome = options.strategy === 'overlap'
        ? await rotateWithOverlap(context, plan)
        : await rotateAtomically(context, plan);
    return {
        operation: 'rotate',
        dryRun: false,
        headline: `Rotated ${summary}: new id ${outcome.token.id}, stored in ${outcome.storedIn.join(', ')}; it ${ends()}.`,
        token: toTokenView(outcome.token, context.clock.now()),
        newToken: outcome.token,
        previousTokenId: target.id,
        rotated: true,
        rotatesCredential: plan.selfRotation,
        storedIn: outcome.storedIn,
    };
}
/** rotate-before: the result of a run that finds the token not yet due, or undefined when it is due. */
function notDue(context, target) {
    const window = context.options.rotateBefore;
    const today = utcDate(context.clock.now());
    if (!window || expiresWithin(target.expiresAt, window, today))
        return undefined;
    const when = target.expiresAt === null
        ? 'never expires'
        : `expires ${target.expiresAt} (${daysLeft(target.expiresAt, today)} days left)`;
    return unchanged(context, target, `${describeToken(target)} ${when}, not within ${window.text}: not rotated.`);
}
function unchanged(context, target, headline) {
    return {
        operation: 'rotate',
        dryRun: context.options.dryRun,
        headline,
        token: toTokenView(target, context.clock.now()),
        rotated: false,
    };
}
/**
 * Exactly the refusals GitLab gives, said before anything is sent, with what to do: rotating a revoked token
 * (PersonalAccessTokens::RotateService: "Token already revoked", the only state it refuses; an expired token is
 * rotated for a credential that may manage it), and a token rotating itself without api or self_rotate (the scopes
 * the self-rotation endpoints accept). Who may rotate someone else's token is left to GitLab's answer.
 */
function assertRotatable(context, target, isCredential, kind) {
    const label = describeToken(target);
    if (target.revoked) {
        throw new UnchangedFailure(`${label} is revoked, so it cannot be rotated. If an earlier run rotated it, its successor has the same name: select it with token-name "${target.name}".`);
    }
    if (!isCredential)
        return;
    // Rotating itself needs api or self_rotate; the overlap strategy creates a token, which needs api.
    const needed = context.options.strategy === 'rotate' ? SELF_ROTATE_SCOPES : ['api'];
    if (!hasAnyScope(target.scopes, needed)) {
        throw new UnchangedFailure(`Rotating ${label} on ${context.api.instanceUrl} needs the ${needed.join(' or ')} scope on gitlab-token, which has ${target.scopes.join(', ') || 'no scopes'}. Give the token one of these scopes or use a credential of ${tokenKindOf({ kind }).managers}.`);
    }
}

;// CONCATENATED MODULE: ./core/time/clock.ts
const systemClock = { now: () => new Date() };
class GitlabAlignedClock {
    local;
    #offsetMs;
    constructor(local) {
        this.local = local;
    }
    /** Feed every `Date` header GitLab sends. */
    observe(serverDate) {
        this.#offsetMs = serverDate.getTime() - this.local.now().getTime();
    }
    now() {
        return new Date(this.local.now().getTime() + (this.#offsetMs ?? 0));
    }
}

;// CONCATENATED MODULE: ./core/run-operation.ts










const run_operation_OPERATIONS = {
    create: createToken,
    list: listTokens,
    get: getToken,
    revoke: revokeToken,
    rotate: rotateToken,
};
const MAKES_TOKENS = new Set(['create', 'rotate']);
async function runOperation(options, environment) {
    const clock = new GitlabAlignedClock(environment.clock ?? systemClock);
    const wait = environment.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const api = createGitlabApi({
        instanceUrl: options.gitlabUrl,
        token: options.gitlabToken,
        environment: {
            policy: environment.retryPolicy ?? DEFAULT_RETRY_POLICY,
            sleep: wait,
            nowMs: environment.nowMs ?? (() => Date.now()),
            random: environment.random ?? Math.random,
            log: environment.log,
            onServerDate: (date) => clock.observe(date),
        },
    });
    const destinations = [...(environment.outputs ?? [])];
    const fallbacks = [];
    // The option rules allow variable-key only for operations that make tokens.
    if (options.variable) {
        const dependencies = { api, log: environment.log, wait, sampleToken: options.gitlabToken };
        destinations.push(gitlabVariableDestination(options.variable, dependencies));
        fallbacks.push(gitlabVariableDestination({ ...options.variable, key: options.variable.fallbackKey }, dependencies));
    }
    if (MAKES_TOKENS.has(options.operation) && destinations.length === 0) {
        throw new InputError(`Operation ${options.operation} makes a new token but was given nowhere to put it, so its value would be lost. Give variable-key (a masked CI/CD variable), github-secret, or on a terminal --print-token.`);
    }
    return run_operation_OPERATIONS[options.operation]({
        options,
        api,
        log: environment.log,
        clock,
        destinations,
        fallbacks,
        wait,
    });
}

;// CONCATENATED MODULE: ./core/logger.ts
function createLogger(sink, secrets) {
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

;// CONCATENATED MODULE: ./github/action-options.ts

const ACTION_OPTIONS = {
    'revoke-after-job': option_kit_option({
        description: "create: revoke the new token when the job ends (the Action's post step), for tokens that only this job needs.",
        operations: ['create'],
        defaultText: 'false',
    }, parseBoolean),
};
const actionOptions = {
    shape: ACTION_OPTIONS,
    parse(given, { operation, input: gitlab }) {
        const { input, problems } = parseShape(ACTION_OPTIONS, given);
        problems.push(...misappliedOptions(ACTION_OPTIONS, given, operation));
        const revokeAfterJob = input['revoke-after-job'] ?? false;
        if (revokeAfterJob && gitlab['variable-key'] !== undefined) {
            problems.push('Inputs variable-key and revoke-after-job contradict each other: the token is revoked when this job ends, so the variable would hold a revoked token for every later job. Give only one of them.');
        }
        if (revokeAfterJob && given['github-secret'] !== undefined) {
            problems.push('Inputs github-secret and revoke-after-job contradict each other: the token is revoked when this job ends, so github-secret would hold a revoked token for every later job. Give only one of them.');
        }
        return { value: { revokeAfterJob }, problems };
    },
};

;// CONCATENATED MODULE: ./github/github-secret-options.ts


const GITHUB_ACCOUNT = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})';
const GITHUB_REPOSITORY = new RegExp(`^(${GITHUB_ACCOUNT})/([A-Za-z0-9._-]{1,100})$`);
/** `owner/name`, as in `$GITHUB_REPOSITORY`; undefined when the text is not one. */
function parseGithubRepositoryText(text) {
    const match = GITHUB_REPOSITORY.exec(text.trim());
    const [, owner, name] = match ?? [];
    if (owner === undefined || name === undefined || name === '.' || name === '..')
        return undefined;
    return { owner, name: name.replace(/\.git$/, '') };
}
/** GitHub's rules for secret names; the GITHUB_ prefix is reserved for its own. */
function parseGithubSecretName(text) {
    const expected = 'a GitHub secret name: letters, digits and underscores, not starting with a digit, such as GITLAB_TOKEN';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text))
        return bad(expected);
    return /^GITHUB_/i.test(text)
        ? bad(expected, 'names starting with GITHUB_ are reserved by GitHub')
        : ok(text);
}
function parseGithubRepository(text) {
    const repository = parseGithubRepositoryText(text);
    return repository ? ok(repository) : bad('a GitHub repository as owner/name, such as octo-org/deployer');
}
function parseGithubOrg(text) {
    return new RegExp(`^${GITHUB_ACCOUNT}$`).test(text)
        ? ok(text)
        : bad('a GitHub organization name: letters, digits and hyphens, such as octo-org');
}
function parseGithubEnvironment(text) {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (/[\u0000-\u001f\u007f]/.test(text))
        return bad('an environment name on one line, such as production');
    return parseText(255)(text);
}
const GITHUB_SECRET_OPTIONS = {
    'github-secret': option_kit_option({
        description: 'Also store the new token in this GitHub Actions secret, created or updated, encrypted for GitHub on the runner. Needs github-token. A workflow that rotates its own gitlab-token names the secret it reads it from, so that the next run has the new token.',
        operations: TOKEN_MAKING_OPERATIONS,
    }, parseGithubSecretName),
    'github-secret-repository': option_kit_option({
        description: 'Repository (owner/name) that holds github-secret.',
        operations: TOKEN_MAKING_OPERATIONS,
        defaultText: 'the repository of the workflow',
    }, parseGithubRepository),
    'github-secret-environment': option_kit_option({
        description: 'Make github-secret a secret of this deployment environment of the repository (such as production) instead of a repository secret.',
        operations: TOKEN_MAKING_OPERATIONS,
    }, parseGithubEnvironment),
    'github-secret-org': option_kit_option({
        description: 'Make github-secret a secret of this organization instead. It must exist already; its visibility (all, private or selected repositories) is kept.',
        operations: TOKEN_MAKING_OPERATIONS,
    }, parseGithubOrg),
    'github-token': option_kit_option({
        description: "Credential that writes github-secret: a fine-grained personal access token or GitHub App token with the Secrets permission (read and write) on the repository, plus Environments for an environment secret, or the organization's Secrets permission for an organization secret; a classic token needs repo (admin:org for organization secrets). The workflow's GITHUB_TOKEN can never write secrets.",
        operations: TOKEN_MAKING_OPERATIONS,
        secret: true,
    }, parseSecretText('a GitHub token', 20)),
};
/** The GitHub-secret option set: its target (undefined when github-secret is not given) and its problems. */
const githubSecretOptions = {
    shape: GITHUB_SECRET_OPTIONS,
    parse(given, { operation }) {
        const { input, problems } = parseShape(GITHUB_SECRET_OPTIONS, given);
        problems.push(...misappliedOptions(GITHUB_SECRET_OPTIONS, given, operation));
        if (problems.length === 0)
            problems.push(...githubSecretProblems(input, given));
        return { value: problems.length === 0 ? githubSecretTarget(input) : undefined, problems };
    },
};
function githubSecretProblems(input, given) {
    const problems = [];
    if (input['github-secret-repository'] !== undefined && input['github-secret-org'] !== undefined) {
        problems.push('Inputs github-secret-repository and github-secret-org both say where github-secret lives (a repository secret or an organization secret); give only one of them.');
    }
    if (input['github-secret-environment'] !== undefined && input['github-secret-org'] !== undefined) {
        problems.push('Input github-secret-environment names an environment of a repository, but github-secret-org makes github-secret an organization secret, which has no environment; give only one of them.');
    }
    if (input['github-secret'] === undefined) {
        const orphans = ['github-secret-repository', 'github-secret-environment', 'github-secret-org', 'github-token'].filter((name) => given[name] !== undefined);
        const problem = orphanProblem(orphans, 'github-secret', 'the GitHub secret to store the token in');
        if (problem)
            problems.push(problem);
    }
    else if (input['github-token'] === undefined) {
        problems.push("Input github-secret needs github-token: a credential that may write Actions secrets (a fine-grained personal access token or GitHub App token with the Secrets permission, read and write). The workflow's GITHUB_TOKEN cannot write secrets. If you passed ${{ secrets.NAME }}, that secret is empty or not available to this workflow.");
    }
    return problems;
}
function githubSecretTarget(input) {
    const name = input['github-secret'];
    const token = input['github-token'];
    if (name === undefined || token === undefined)
        return undefined;
    const org = input['github-secret-org'];
    const environment = input['github-secret-environment'];
    const repository = input['github-secret-repository'];
    const scope = org !== undefined
        ? { kind: 'organization', org }
        : environment !== undefined
            ? { kind: 'environment', repository, environment }
            : { kind: 'repository', repository };
    return { name, scope, token };
}

// EXTERNAL MODULE: ./github/revoke-state.ts
var revoke_state = __webpack_require__(630);
;// CONCATENATED MODULE: ./github/action-io.ts






/** The option sets the Action reads besides the GitLab options. */
const ACTION_OPTION_SETS = [githubSecretOptions, actionOptions];
/** Every Action input's name, in action.yml order. */
const ACTION_INPUT_NAMES = optionNames(ACTION_OPTION_SETS);
function readActionInputs(core) {
    return Object.fromEntries(ACTION_INPUT_NAMES.map((name) => [name, core.getInput(name)]));
}
function createActionLogger(core, secrets) {
    const sink = {
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
function failureText(error, log) {
    if (error instanceof PatError) {
        const steps = error.steps.map((step, index) => `\n  ${index + 1}. ${step}`).join('');
        return log.redact(`${error.message}${steps ? `\nTo recover:${steps}` : ''}`);
    }
    // Never the error object itself: only its message, redacted.
    const message = error instanceof Error ? error.message : String(error);
    return log.redact(`Unexpected failure: ${message}`);
}

;// CONCATENATED MODULE: ./github/revoke-after-job.ts





async function revokeAfterJob(core, secrets = new redact.SecretRegistry()) {
    const tokenId = core.getState(revoke_state/* REVOKE_STATE */.Z);
    if (!tokenId)
        return;
    const log = createActionLogger(core, secrets);
    try {
        const raw = readActionInputs(core);
        for (const secret of secretValues(raw))
            log.protectSecret(secret);
        const { options } = parseOptions({
            'gitlab-url': raw['gitlab-url'],
            'gitlab-token': raw['gitlab-token'],
            'allow-insecure-http': raw['allow-insecure-http'],
            operation: 'revoke',
            'token-id': tokenId,
        }, { today: utcDate(new Date()) });
        const result = await runOperation(options, { log });
        log.info(`revoke-after-job: ${result.headline}`);
    }
    catch (error) {
        core.warning(`revoke-after-job could not revoke token ${tokenId}: ${failureText(error, log)} Revoke it by hand (operation: revoke, token-id: ${tokenId}); it expires on its own at its expiry date.`);
    }
}

;// CONCATENATED MODULE: ./github/post.ts
/**
 * The Action's post step, shaped like actions/typescript-action: this module exports `run()` and does nothing when
 * imported. The runner starts src/github/entry/post.ts (bundled into dist/post), which calls it;
 * `npx @github/local-action run . src/github/main.ts .env --post src/github/post.ts` calls `run()` itself.
 */




/**
 * Runs the post step: revokes the token that the main step created with revoke-after-job, if any. Never fails the
 * job: a failed revoke is a warning that says how to clean up. Output is redacted as in the main step.
 * @param secrets the run's secret registry; the runner entry shares it with its crash guard.
 */
async function run(secrets = new redact.SecretRegistry()) {
    (0,guard_output.guardProcessOutput)(secrets);
    await revokeAfterJob(core, secrets);
}


/***/ }),

/***/ 17:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   guardCrashes: () => (/* binding */ guardCrashes),
/* harmony export */   guardProcessOutput: () => (/* binding */ guardProcessOutput)
/* harmony export */ });
function guardProcessOutput(secrets, streams = [process.stdout, process.stderr]) {
    for (const stream of streams) {
        const original = stream.write.bind(stream);
        const guarded = (chunk, ...rest) => {
            const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
            return original(redactLines(text, secrets), ...rest);
        };
        stream.write = guarded;
    }
}
function redactLines(text, secrets) {
    return text
        .split('\n')
        .map((line) => (line.startsWith('::add-mask::') ? line : secrets.redact(line)))
        .join('\n');
}
/**
 * A crash must not print an error object (gitbeaker's carry the private-token header): only its redacted message.
 */
function guardCrashes(secrets, exitCode = 1) {
    const report = (error) => {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        process.stderr.write(`gitlab-pat crashed: ${secrets.redact(message)}\n`);
        process.exit(exitCode);
    };
    process.on('uncaughtException', report);
    process.on('unhandledRejection', report);
}


/***/ })

};
