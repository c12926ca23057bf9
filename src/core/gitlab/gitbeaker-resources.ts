/**
 * The only gitbeaker import: its resource for users (GET /user, /users/:id, /users?username=), wired to the run's own
 * request handler (request.ts: no retried POSTs, no error objects carrying headers) and credential. Loaded on first
 * use, chunks of their own in dist/: loading gitbeaker (~380 kB with its client-side rate limiter, which
 * `rateLimits: {}` leaves unused) costs a run that names a user about 40 ms of wall time and 5 MB (list --user,
 * median of 21 paired runs), which runs that only read their own token (`get`, a rotation, not due or due) never pay.
 */
import type { Users } from '@gitbeaker/rest';
import type { RunCredential } from './gitlab-client.js';
import type { RequestHandler } from './request.js';

export interface GitbeakerResources {
  readonly users: InstanceType<typeof Users>;
}

export interface GitbeakerConfig {
  readonly instanceUrl: string;
  readonly credential: RunCredential;
  readonly handler: RequestHandler;
}

/** A loader that imports gitbeaker and builds the resources once, on the first call. */
export function gitbeakerResources(config: GitbeakerConfig): () => Promise<GitbeakerResources> {
  let loaded: Promise<GitbeakerResources> | undefined;
  return () => (loaded ??= load(config));
}

async function load(config: GitbeakerConfig): Promise<GitbeakerResources> {
  const [{ createRequesterFn }, { Users }] = await Promise.all([
    import('@gitbeaker/requester-utils'),
    import('@gitbeaker/rest'),
  ]);
  const requesterFn = createRequesterFn(
    (_serviceOptions, requestOptions) => Promise.resolve(requestOptions),
    config.handler as Parameters<typeof createRequesterFn>[1],
  );
  const options = {
    host: config.instanceUrl,
    token: () => Promise.resolve(config.credential.token),
    requesterFn,
    // Timeouts are per attempt, in our request handler; gitbeaker's is one signal for all pages and retries.
    queryTimeout: null,
    rateLimits: {},
  };
  return { users: new Users(options) };
}
