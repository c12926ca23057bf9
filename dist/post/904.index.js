export const id = 904;
export const ids = [904,523];
export const modules = {

/***/ 2523:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ay: () => (__WEBPACK_DEFAULT_EXPORT__),
/* harmony export */   a$: () => (/* binding */ RateLimiterMemory),
/* harmony export */   wR: () => (/* binding */ RateLimiterQueue)
/* harmony export */ });
/**
 * Bundling stub for rate-limiter-flexible and picomatch-browser, which @gitbeaker/requester-utils loads for
 * gitbeaker's client-side rate limiting. gitlab-pat passes `rateLimits: {}` and its own request handler (see
 * src/core/gitlab-request.ts), so neither is ever called; see actions-http-client.ts for why stubs exist.
 */
function notBundled() {
    throw new Error("gitlab-pat does not bundle gitbeaker's client-side rate limiter.");
}
class RateLimiterMemory {
    constructor() {
        notBundled();
    }
}
class RateLimiterQueue {
    constructor() {
        notBundled();
    }
}
const picomatch = {
    isMatch() {
        return notBundled();
    },
};
/* harmony default export */ const __WEBPACK_DEFAULT_EXPORT__ = (picomatch);


/***/ })

};
