/**
 * Bundling stub. @actions/core imports @actions/exec at load time for `platform.getDetails`, which gitlab-pat never
 * calls; see actions-http-client.ts for why it is mapped here for the bundler.
 */
export function getExecOutput(): never {
  throw new Error('gitlab-pat does not bundle @actions/exec (platform details are not used).');
}
