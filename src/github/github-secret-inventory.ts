/**
 * `github-secrets:` in an inventory entry: GitHub Actions secrets that receive the entry's new token. Each item key
 * is the github-secret option of that name (name -> github-secret, repository -> github-secret-repository, ...), with
 * its description and parse; the credential that writes them is the run's github-token, never the file's. Added to
 * the inventory by the front doors that can write GitHub secrets (the Action and the CLI); the core knows only the
 * list's shape and the destination it builds.
 */
import type { InventoryList } from '../core/fleet/read-inventory.js';
import type { InventoryListShape } from '../core/fleet/inventory-schema.js';
import type { Logger } from '../core/logger.js';
import type { GithubSecretPlace } from './github-secrets-api.js';
import {
  describeGithubSecret,
  githubSecretDestination,
  resolveGithubSecretPlace,
  type GithubSecretDependencies,
} from './github-secret-destination.js';
import {
  GITHUB_SECRET_OPTIONS,
  githubSecretScope,
  type GithubRepositoryRef,
} from './github-secret-options.js';

export const GITHUB_SECRETS_LIST: InventoryListShape = {
  key: 'github-secrets',
  description:
    "GitHub Actions secrets that receive the new token, encrypted on the runner; written with the run's github-token. Each key is the github-secret option of that name.",
  items: {
    name: GITHUB_SECRET_OPTIONS['github-secret'],
    repository: GITHUB_SECRET_OPTIONS['github-secret-repository'],
    environment: GITHUB_SECRET_OPTIONS['github-secret-environment'],
    org: GITHUB_SECRET_OPTIONS['github-secret-org'],
  },
  required: ['name'],
};

/** The list with what its destinations need: the run's github-token (undefined: not given) and GitHub's API. */
export function githubSecretsList(
  token: string | undefined,
  deps: Omit<GithubSecretDependencies, 'log'> & { readonly log: Logger },
): InventoryList {
  return {
    shape: GITHUB_SECRETS_LIST,
    build(values, label) {
      const name = values.name as string | undefined;
      const repository = values.repository as GithubRepositoryRef | undefined;
      const environment = values.environment as string | undefined;
      const org = values.org as string | undefined;
      const problems: string[] = [];
      if (token === undefined) {
        problems.push(
          `${label}: needs github-token, given to the run (CLI: GITLAB_PAT_GITHUB_TOKEN or github-token-variable; components: github_token_variable): a credential that may write Actions secrets. The workflow's GITHUB_TOKEN cannot.`,
        );
      }
      if (name === undefined) problems.push(`${label}: needs name: the secret's name.`);
      if (org !== undefined && (repository !== undefined || environment !== undefined)) {
        problems.push(
          `${label}: org makes it an organization secret, which has no repository or environment; give org alone, or repository (and environment).`,
        );
      }
      if (problems.length > 0 || token === undefined || name === undefined) return { problems };
      const scope = githubSecretScope({ org, environment, repository });
      let place: GithubSecretPlace;
      try {
        place = resolveGithubSecretPlace(scope, deps.defaultRepository);
      } catch (error) {
        return {
          problems: [
            `${label}: needs repository (owner/name) or org: ${error instanceof Error ? error.message : String(error)}`,
          ],
        };
      }
      const target = { name, scope, token };
      return {
        problems: [],
        destination: () => githubSecretDestination(target, deps),
        place: { identity: placeIdentity(name, place), description: describeGithubSecret(name, place) },
      };
    },
  };
}

/** GitHub compares secret, repository, organization and environment names without case. */
function placeIdentity(name: string, place: GithubSecretPlace): string {
  const where =
    place.kind === 'organization'
      ? `organization ${place.org}`
      : `repository ${place.repository.owner}/${place.repository.name}${place.kind === 'environment' ? ` environment ${place.environment}` : ''}`;
  return `github-secret|${where.toLowerCase()}|${name.toUpperCase()}`;
}
