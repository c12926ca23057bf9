/**
 * Bundling stub. @actions/core imports @actions/http-client (and with it a whole copy of undici) at load time for
 * `getIDToken` (OIDC), which gitlab-pat never calls. src/tsconfig.json maps the package here for the builds of the
 * entries (dist/main, dist/post, dist/cli) only, which halves their bundles and their cold start; dist/github-secrets,
 * which talks to GitHub through @actions/github, is built without the mapping and has the real package. Anything that
 * did reach this stub fails loudly instead of silently.
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
