/**
 * Bundling stub for rate-limiter-flexible and picomatch-browser, which @gitbeaker/requester-utils loads for
 * gitbeaker's client-side rate limiting. gitlab-pat passes `rateLimits: {}` and its own request handler (see
 * src/core/gitlab-request.ts), so neither is ever called; see actions-http-client.ts for why stubs exist.
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
