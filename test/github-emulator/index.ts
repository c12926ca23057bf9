/** The GitHub REST emulator for the github-secret destination, and a forward proxy: what unit and end-to-end tests use. */
export {
  startGithubEmulator,
  type EmuGithubSecret,
  type GithubEmulator,
  type GithubGrant,
  type GithubPermission,
  type GithubPlaceSpec,
  type IssueGithubTokenSpec,
  type OrgVisibility,
  type RecordedGithubRequest,
} from './emulator.js';
export { generateBoxKeyPair, openSealedBox, type BoxKeyPair } from './sealed-box-open.js';
export { startForwardProxy, type ForwardProxy, type ProxiedRequest } from './forward-proxy.js';
