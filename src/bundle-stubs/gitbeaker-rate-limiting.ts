/**
 * Bundling stub for rate-limiter-flexible and picomatch-browser, which @gitbeaker/requester-utils loads for
 * gitbeaker's client-side rate limiting. gitlab-pat passes `rateLimits: {}` and its own request handler (see
 * src/core/gitlab-request.ts), so neither is ever called; see actions-http-client.ts for why stubs exist.
 * Measured on dist/main: without this stub the entry grows by 112 kB (and 3 chunks), and a cold `get self` takes
 * about 5 ms more CPU and 4 MB more memory (medians of 61 interleaved runs).
 */
function notBundled(): never {
  throw new Error("gitlab-pat does not bundle gitbeaker's client-side rate limiter.");
}

export class RateLimiterMemory {
  constructor() {
    notBundled();
  }
}

export class RateLimiterQueue {
  constructor() {
    notBundled();
  }
}

const picomatch = {
  isMatch(): boolean {
    return notBundled();
  },
};
export default picomatch;
