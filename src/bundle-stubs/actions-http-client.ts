/**
 * Bundling stub. @actions/core imports @actions/http-client (and with it a whole copy of undici) at load time for
 * `getIDToken`, which gitlab-pat never calls. src/tsconfig.json maps the package here for the bundler only, which
 * halves the Action's bundle and its cold start. Anything that did reach it fails loudly instead of silently.
 */
function notBundled(): never {
  throw new Error('gitlab-pat does not bundle @actions/http-client (OIDC tokens are not used).');
}

export class HttpClient {
  constructor() {
    notBundled();
  }
}

export class BearerCredentialHandler {
  constructor() {
    notBundled();
  }
}
