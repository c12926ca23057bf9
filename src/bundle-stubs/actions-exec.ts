/**
 * Bundling stub. @actions/core imports @actions/exec at load time for `platform.getDetails`, which gitlab-pat never
 * calls; see actions-http-client.ts for why it is mapped here for the bundler. With it, every cold start loaded
 * node:child_process, node:assert (and through them dgram, tty and more) for nothing: about 2 ms of CPU of a
 * `get self` once the rest of the start-up had been slimmed down (issue 12; it had measured as noise beside zod).
 */
export function getExecOutput(): never {
  throw new Error('gitlab-pat does not bundle @actions/exec (platform details are not used).');
}
