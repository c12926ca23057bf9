export const id = 77;
export const ids = [77,458];
export const modules = {

/***/ 5458:
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
 * Measured on dist/main: without this stub the entry grows by 112 kB (and 3 chunks), and a cold `get self` takes
 * about 5 ms more CPU and 4 MB more memory (medians of 61 interleaved runs).
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
