/**
 * The entry of dist/github-secrets/index.js: everything the github-secret destination needs from GitHub's side, the
 * REST client (@actions/github, with the real @actions/http-client for the runner's proxy) and the sealed box
 * (libsodium), as a bundle of its own. src/github/github-secret-destination.ts imports it dynamically, so that only
 * runs that write a GitHub secret load it and every other run keeps its cold start; see scripts/build.mjs for why
 * it is a separate build rather than a chunk.
 */
export {
  createGithubSecretsApi,
  DEFAULT_GITHUB_RETRY_POLICY,
  type GithubApiEnvironment,
  type GithubPublicKey,
  type GithubSecretPlace,
  type GithubSecretsApi,
  type OrgSecretAccess,
} from '../github/github-secrets-api.js';
export { describeGithubError } from '../github/github-request-error.js';
export { loadSealBox, SEALED_BOX_OVERHEAD, type SealBox } from '../github/sealed-box.js';
