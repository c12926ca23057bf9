/**
 * A GitHub Actions secret (of a repository, of one of its environments, or of an organization) as a destination for
 * the new token. A workflow that rotates the GitLab token it keeps in a secret must write the new value back there,
 * or its next run holds a revoked token.
 *
 * Preflight reads everything the write needs (the public key, an organization secret's visibility) and loads the
 * client and the encryption, so that after the token changed only one PUT remains. The value is sealed for GitHub on
 * the runner; neither it, its sealed form nor github-token appear in any message.
 */
import type { Destination } from '../core/destinations/destination.js';
import { DestinationFailure, InputError, UnchangedFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  parseGithubRepositoryText,
  type GithubRepositoryRef,
  type GithubSecretScope,
  type GithubSecretTarget,
} from './github-secret-options.js';
import type { DescribeGithubContext, GithubAdviceKey } from './github-request-error.js';
import type { RetryPolicy } from '../core/retry-policy.js';
import type {
  GithubPublicKey,
  GithubSecretPlace,
  GithubSecretsApi,
  OrgSecretAccess,
  SealBox,
} from '../github-secrets/index.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GithubSecretDependencies {
  /** GITHUB_API_URL, or https://api.github.com. */
  readonly apiUrl: string;
  /** `owner/name` of the workflow's repository (GITHUB_REPOSITORY), the default place of the secret. */
  readonly defaultRepository: string | undefined;
  readonly log: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly nowMs?: () => number;
  readonly random?: () => number;
  readonly retryPolicy?: RetryPolicy;
}

/** The REST root from the runner's GITHUB_API_URL (GitHub Enterprise Server sets its own), without a trailing slash. */
export function githubApiUrl(env: NodeJS.ProcessEnv): string {
  const given = env.GITHUB_API_URL?.trim();
  return given ? given.replace(/\/+$/, '') : DEFAULT_GITHUB_API_URL;
}

/** Where the secret lives, with the default repository filled in. Throws an InputError before any request. */
export function resolveGithubSecretPlace(
  scope: GithubSecretScope,
  defaultRepository: string | undefined,
): GithubSecretPlace {
  if (scope.kind === 'organization') return scope;
  const repository = scope.repository ?? defaultRepositoryRef(defaultRepository);
  return scope.kind === 'environment'
    ? { kind: 'environment', repository, environment: scope.environment }
    : { kind: 'repository', repository };
}

function defaultRepositoryRef(defaultRepository: string | undefined): GithubRepositoryRef {
  const parsed = defaultRepository === undefined ? undefined : parseGithubRepositoryText(defaultRepository);
  if (parsed) return parsed;
  throw new InputError(
    defaultRepository === undefined || defaultRepository.trim() === ''
      ? 'Input github-secret needs github-secret-repository (owner/name) or github-secret-org: GITHUB_REPOSITORY, the default, is not set (is this running outside GitHub Actions?).'
      : `Input github-secret needs github-secret-repository (owner/name) or github-secret-org: GITHUB_REPOSITORY, the default, is ${JSON.stringify(defaultRepository)}, which is not owner/name.`,
  );
}

const repositoryText = (repository: GithubRepositoryRef) => `${repository.owner}/${repository.name}`;

export function describePlace(place: GithubSecretPlace): string {
  switch (place.kind) {
    case 'repository':
      return `repository ${repositoryText(place.repository)}`;
    case 'environment':
      return `environment ${JSON.stringify(place.environment)} of repository ${repositoryText(place.repository)}`;
    case 'organization':
      return `organization ${place.org}`;
  }
}

export function describeGithubSecret(name: string, place: GithubSecretPlace): string {
  return `GitHub Actions secret ${name} in ${describePlace(place)}`;
}

/** What github-token needs, in the words of GitHub's settings pages. */
function neededPermission(place: GithubSecretPlace): string {
  switch (place.kind) {
    case 'repository':
      return `a fine-grained personal access token or GitHub App token with the repository permission "Secrets: Read and write" on ${repositoryText(place.repository)}, or a classic token with the repo scope`;
    case 'environment':
      return `a fine-grained personal access token or GitHub App token with the repository permissions "Secrets: Read and write" and "Environments: Read and write" on ${repositoryText(place.repository)}, or a classic token with the repo scope`;
    case 'organization':
      return `a fine-grained personal access token or GitHub App token with the organization permission "Secrets: Read and write" on ${place.org}, or a classic token with the admin:org scope`;
  }
}

const GITHUB_TOKEN_NOTE =
  "The workflow's own GITHUB_TOKEN can never write secrets, whatever its permissions: use another token.";

function advice(place: GithubSecretPlace, name: string): Partial<Record<GithubAdviceKey, string>> {
  const notFound =
    place.kind === 'organization'
      ? `Organization ${place.org} does not exist or github-token cannot see it: check github-secret-org, and that the token belongs to a member of it.`
      : place.kind === 'environment'
        ? `Repository ${repositoryText(place.repository)} or its environment ${JSON.stringify(place.environment)} does not exist, or github-token cannot see the repository: check github-secret-repository and github-secret-environment (create the environment under the repository's Settings → Environments), and the repositories the token may access.`
        : `Repository ${repositoryText(place.repository)} does not exist or github-token cannot see it: check github-secret-repository and the repositories the token may access.`;
  return {
    403: `Writing ${name} needs ${neededPermission(place)}. ${GITHUB_TOKEN_NOTE}`,
    404: notFound,
    // GitHub redirects the old name of a renamed or transferred repository (or organization) to its new place.
    redirect:
      place.kind === 'organization'
        ? `Organization ${place.org} may have been renamed: set github-secret-org to its current name.`
        : `Repository ${repositoryText(place.repository)} was renamed or transferred: set github-secret-repository to its current owner/name.`,
  };
}

/** Classic tokens announce their scopes; one without the needed scope fails here instead of after the change. */
function missingClassicScope(place: GithubSecretPlace, key: GithubPublicKey): string | undefined {
  if (key.classicScopes === undefined) return undefined;
  const needed = place.kind === 'organization' ? 'admin:org' : 'repo';
  return key.classicScopes.includes(needed) ? undefined : needed;
}

interface Prepared {
  readonly api: GithubSecretsApi;
  /** From the same bundle as `api`: its errors are that bundle's GithubRequestError, which `instanceof` checks. */
  readonly describe: (error: unknown, context: DescribeGithubContext) => string;
  readonly seal: SealBox;
  readonly keyId: string;
  readonly key: Uint8Array;
  readonly access: OrgSecretAccess | undefined;
}

export function githubSecretDestination(
  target: GithubSecretTarget,
  deps: GithubSecretDependencies,
): Destination {
  const place = resolveGithubSecretPlace(target.scope, deps.defaultRepository);
  const description = describeGithubSecret(target.name, place);
  const { apiUrl, log } = deps;
  let prepared: Prepared | undefined;

  async function prepare(): Promise<Prepared> {
    // Loaded here, not at start: only runs that write a GitHub secret pay for Octokit and libsodium. The bundler
    // leaves this import as it is: from dist/main/ (or dist/cli/) it reaches dist/github-secrets/index.js, a bundle
    // built apart (scripts/build.mjs), as from here it reaches src/github-secrets/index.ts.
    const { createGithubSecretsApi, DEFAULT_GITHUB_RETRY_POLICY, describeGithubError, loadSealBox } =
      await import(/* webpackIgnore: true */ '../github-secrets/index.js');
    const api = createGithubSecretsApi({
      apiUrl,
      token: target.token,
      log,
      sleep: deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
      nowMs: deps.nowMs ?? (() => Date.now()),
      random: deps.random ?? Math.random,
      policy: deps.retryPolicy ?? DEFAULT_GITHUB_RETRY_POLICY,
    });
    const doing = `Checking that github-token may write ${description}`;
    const read = async <T>(call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (error) {
        throw new UnchangedFailure(
          describeGithubError(error, { doing, apiUrl, advice: advice(place, target.name) }),
        );
      }
    };

    const [seal, publicKey] = await Promise.all([loadSealBox(), read(() => api.publicKey(place))]);
    const missing = missingClassicScope(place, publicKey);
    if (missing !== undefined) {
      throw new UnchangedFailure(
        `${doing}: github-token is a classic token with the scopes ${publicKey.classicScopes?.join(', ') || '(none)'}, but writing ${place.kind === 'organization' ? 'organization' : 'repository'} secrets needs the ${missing} scope. Give the token that scope, or use ${neededPermission(place)}.`,
      );
    }
    const key = Buffer.from(publicKey.key, 'base64');
    if (key.length !== 32) {
      throw new UnchangedFailure(
        `${doing}: the public key GitHub sent (key id ${publicKey.keyId}) is ${key.length} bytes long, not the 32 bytes of a sealed-box key, so the token could not be encrypted for it. Nothing was changed.`,
      );
    }

    let access: OrgSecretAccess | undefined;
    if (place.kind === 'organization') {
      access = await read(() => api.orgSecretAccess(place.org, target.name));
      if (!access) {
        throw new UnchangedFailure(
          `${doing}: organization ${place.org} has no secret ${target.name}. An organization secret's visibility decides which repositories can read the token, so gitlab-pat keeps the visibility of an existing secret and never chooses one: create ${target.name} once (organization Settings → Secrets and variables → Actions, with any value and the visibility you want), then run again.`,
        );
      }
      log.debug(
        `${description}: visibility ${access.visibility}${access.visibility === 'selected' ? ` (${access.selectedRepositoryIds?.length ?? 0} repositories)` : ''}, kept.`,
      );
    }
    log.debug(`${description}: public key ${publicKey.keyId}.`);
    return { api, describe: describeGithubError, seal, keyId: publicKey.keyId, key, access };
  }

  return {
    description,
    durable: true,

    async preflight() {
      prepared = await prepare();
    },

    async write(token) {
      let ready: Prepared;
      try {
        ready = prepared ?? (await prepare());
      } catch (error) {
        throw new DestinationFailure(error instanceof Error ? error.message : String(error));
      }
      const encryptedValue = Buffer.from(
        ready.seal(new TextEncoder().encode(token.token), ready.key),
      ).toString('base64');
      try {
        const outcome = await ready.api.putSecret(
          place,
          target.name,
          { encryptedValue, keyId: ready.keyId },
          ready.access,
        );
        log.debug(`${description}: ${outcome}.`);
      } catch (error) {
        throw new DestinationFailure(
          ready.describe(error, {
            doing: `Writing ${description}`,
            apiUrl,
            advice: {
              ...advice(place, target.name),
              422: `GitHub refused the encrypted value; its public key for ${describePlace(place)} may have changed since the check. Run again.`,
            },
          }),
        );
      }
    },
  };
}
