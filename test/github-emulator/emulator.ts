/**
 * The GitHub REST emulator: an in-process HTTP server on 127.0.0.1 that answers the Actions-secrets calls the
 * github-secret destination makes (public keys and secrets of repositories, environments and organizations), plus
 * the control API tests use to seed repositories, issue tokens, inject faults and read the secrets and the request
 * log. It holds each place's secret key, so a test can open a stored secret as GitHub would.
 *
 * Paths are served at the root (as on api.github.com) and under /api/v3 (as on GitHub Enterprise Server).
 * Tokens carry what GitHub checks: a fine-grained or app token its grants, a classic token its scopes (sent back in
 * `X-OAuth-Scopes`), the workflow's GITHUB_TOKEN nothing that reaches secrets.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type FaultSpec } from '../emulator/faults.js';
import { generateBoxKeyPair, openSealedBox, sealForTest, type BoxKeyPair } from './sealed-box-open.js';

export type GithubPermission = 'read' | 'write';

/** What a fine-grained personal access token or GitHub App token may do, on one repository or organization. */
export type GithubGrant =
  | {
      readonly repository: string;
      readonly secrets?: GithubPermission;
      readonly environments?: GithubPermission;
    }
  | { readonly org: string; readonly secrets?: GithubPermission };

export interface IssueGithubTokenSpec {
  /** fine-grained (default): its grants only. classic: every place, by scope. actions: the workflow's GITHUB_TOKEN. */
  readonly kind?: 'fine-grained' | 'classic' | 'actions';
  readonly grants?: readonly GithubGrant[];
  /** classic: such as repo, admin:org. */
  readonly scopes?: readonly string[];
}

/** Where a secret lives, as tests name it. */
export type GithubPlaceSpec =
  { readonly repository: string; readonly environment?: string } | { readonly org: string };

export type OrgVisibility = 'all' | 'private' | 'selected';

export interface EmuGithubSecret {
  /** Upper case, as GitHub stores names. */
  readonly name: string;
  readonly encryptedValue: string;
  readonly keyId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly visibility?: OrgVisibility;
  readonly selectedRepositoryIds?: readonly number[];
}

export interface RecordedGithubRequest {
  readonly method: string;
  /** Without the /api/v3 prefix and the query, still URL-encoded. */
  readonly path: string;
  readonly query: Record<string, string>;
  status: number;
  /** How the request authenticated: `Bearer`, `token`, or none. */
  readonly scheme?: string;
  /** Which issued token it presented (its index in issue order), never the value. */
  readonly tokenIndex?: number;
  readonly body?: unknown;
  faulted?: boolean;
}

export interface GithubEmulator extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: what GITHUB_API_URL is set to. */
  readonly url: string;
  /** Private unless said otherwise. */
  addRepository(
    fullName: string,
    options?: { environments?: readonly string[]; visibility?: 'public' | 'private' },
  ): { id: number };
  addOrganization(org: string): void;
  /** A token that GitHub accepts, with what it may do. */
  issueToken(spec?: IssueGithubTokenSpec): string;
  /** Every token value issued, for leak scans. */
  issuedTokenValues(): string[];
  /** A secret stored directly (encrypted with the place's key); organization secrets need a visibility. */
  setSecret(
    place: GithubPlaceSpec,
    name: string,
    value: string,
    access?: { visibility: OrgVisibility; selectedRepositories?: readonly string[] },
  ): void;
  secret(place: GithubPlaceSpec, name: string): EmuGithubSecret | undefined;
  /** The stored secret opened with the place's secret key, as GitHub hands it to a workflow. */
  secretValue(place: GithubPlaceSpec, name: string): string | undefined;
  /** The place's public key, as the API serves it. */
  publicKey(place: GithubPlaceSpec): { keyId: string; key: string };
  /** Replaces the place's key pair, as GitHub may at any time. */
  rotateKey(place: GithubPlaceSpec): void;
  repositoryId(fullName: string): number;
  /**
   * Renames a repository, as its owner may: GitHub then answers calls to the old name with 301 Moved Permanently,
   * pointing at /repositories/ID/... on the same host.
   */
  renameRepository(fullName: string, newFullName: string): void;
  readonly requests: RecordedGithubRequest[];
  clearRequests(): void;
  readonly faults: { inject(fault: FaultSpec): void; clear(): void; pending(): number };
  close(): Promise<void>;
}

interface Place {
  readonly key: string;
  keyPair: BoxKeyPair;
  keyId: string;
  readonly secrets: Map<string, EmuGithubSecret>;
}

interface Repository {
  readonly id: number;
  readonly fullName: string;
  readonly public: boolean;
  readonly place: Place;
  readonly environments: Map<string, Place>;
}

interface Token {
  readonly index: number;
  readonly value: string;
  readonly kind: 'fine-grained' | 'classic' | 'actions';
  readonly grants: readonly GithubGrant[];
  readonly scopes: readonly string[];
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

class GithubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DOCS = 'https://docs.github.com/rest/actions/secrets';
const notFound = () => new GithubError(404, 'Not Found');

export async function startGithubEmulator(): Promise<GithubEmulator> {
  const repositories = new Map<string, Repository>();
  /** Old names of renamed repositories, lower-case. */
  const moved = new Map<string, Repository>();
  const organizations = new Map<string, Place>();
  const tokens: Token[] = [];
  const faults = new FaultInjector();
  let log: RecordedGithubRequest[] = [];
  let nextRepositoryId = 700_001;
  let nextKeyId = 3_380_204_578_043_523_000n;
  let now = Date.parse('2026-11-27T06:00:00Z');

  const newPlace = (key: string): Place => ({
    key,
    keyPair: generateBoxKeyPair(),
    keyId: String((nextKeyId += 7n)),
    secrets: new Map(),
  });
  const timestamp = () => new Date((now += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');

  function repository(fullName: string): Repository | undefined {
    return repositories.get(fullName.toLowerCase());
  }

  function repositoryId(fullName: string): number {
    const repo = repository(fullName);
    if (!repo) throw new Error(`GitHub emulator: no repository ${fullName}`);
    return repo.id;
  }

  function placeOf(spec: GithubPlaceSpec): Place {
    if ('org' in spec) {
      const org = organizations.get(spec.org.toLowerCase());
      if (!org) throw new Error(`GitHub emulator: no organization ${spec.org}`);
      return org;
    }
    const repo = repository(spec.repository);
    if (!repo) throw new Error(`GitHub emulator: no repository ${spec.repository}`);
    if (spec.environment === undefined) return repo.place;
    const environment = repo.environments.get(spec.environment.toLowerCase());
    if (!environment)
      throw new Error(`GitHub emulator: no environment ${spec.environment} in ${spec.repository}`);
    return environment;
  }

  function seal(place: Place, value: string): string {
    return Buffer.from(sealForTest(new TextEncoder().encode(value), place.keyPair.publicKey)).toString(
      'base64',
    );
  }

  // --- Authorization, as GitHub decides it for these endpoints --------------------------------------------------

  function authenticate(req: IncomingMessage): { token: Token | undefined; scheme: string | undefined } {
    const header = req.headers.authorization;
    if (header === undefined) return { token: undefined, scheme: undefined };
    const match = /^(Bearer|token)\s+(\S+)$/i.exec(header.trim());
    if (!match) return { token: undefined, scheme: 'unknown' };
    return { token: tokens.find((token) => token.value === match[2]), scheme: match[1] };
  }

  /**
   * A repository the token cannot see is a 404, as on GitHub; one it sees without the permission is a 403 with
   * GitHub's wording for the kind of token.
   */
  function authorizeRepository(
    token: Token,
    repo: Repository,
    needs: { secrets: GithubPermission; environments?: GithubPermission },
  ): void {
    if (token.kind === 'actions') {
      throw new GithubError(403, 'Resource not accessible by integration');
    }
    if (token.kind === 'classic') {
      if (token.scopes.includes('repo')) return;
      // Without repo, a classic token sees public repositories only, and may read but not write their secrets.
      if (!repo.public) throw notFound();
      if (needs.secrets === 'write') throw new GithubError(403, 'Must have admin rights to Repository.');
      return;
    }
    const grant = token.grants.find(
      (candidate) =>
        'repository' in candidate && candidate.repository.toLowerCase() === repo.fullName.toLowerCase(),
    ) as Extract<GithubGrant, { repository: string }> | undefined;
    if (!grant) throw notFound();
    const denied =
      !allows(grant.secrets, needs.secrets) ||
      (needs.environments !== undefined && !allows(grant.environments, needs.environments));
    if (denied) throw new GithubError(403, 'Resource not accessible by personal access token');
  }

  function authorizeOrganization(token: Token, org: string, needs: GithubPermission): void {
    if (token.kind === 'actions') throw new GithubError(403, 'Resource not accessible by integration');
    if (token.kind === 'classic') {
      if (!token.scopes.includes('admin:org')) {
        throw new GithubError(
          403,
          'You need at least admin:org scope or fine-grained permissions to access this resource.',
        );
      }
      return;
    }
    const grant = token.grants.find(
      (candidate) => 'org' in candidate && candidate.org.toLowerCase() === org.toLowerCase(),
    );
    if (!grant) throw notFound();
    if (!allows(grant.secrets, needs))
      throw new GithubError(403, 'Resource not accessible by personal access token');
  }

  // --- Routes --------------------------------------------------------------------------------------------------

  interface Context {
    readonly method: string;
    readonly segments: readonly string[];
    readonly query: URLSearchParams;
    readonly body: unknown;
    readonly token: Token;
  }

  function route(context: Context): Reply {
    const { method, segments } = context;
    const [root, a, b, c, d, e, f] = segments;
    if (root === 'repos' && a !== undefined && b !== undefined) {
      const renamed = moved.get(`${a}/${b}`.toLowerCase());
      if (renamed && !repository(`${a}/${b}`)) {
        const rest = segments.slice(3).map((segment) => encodeURIComponent(segment));
        const url = [`${baseUrl}/repositories/${renamed.id}`, ...rest].join('/');
        return {
          status: 301,
          headers: { location: url },
          body: { message: 'Moved Permanently', url, documentation_url: DOCS },
        };
      }
      const repo = repository(`${a}/${b}`);
      if (c === 'actions' && d === 'secrets' && e !== undefined && segments.length === 6) {
        if (!repo) throw notFound();
        return secretRoute(context, repo.place, e, (needs) =>
          authorizeRepository(context.token, repo, { secrets: needs }),
        );
      }
      if (
        c === 'environments' &&
        d !== undefined &&
        e === 'secrets' &&
        f !== undefined &&
        segments.length === 7
      ) {
        if (!repo) throw notFound();
        // Visibility of the repository first, then whether the environment exists.
        authorizeRepository(context.token, repo, { secrets: 'read' });
        const environment = repo.environments.get(d.toLowerCase());
        if (!environment) throw notFound();
        return secretRoute(context, environment, f, (needs) =>
          authorizeRepository(context.token, repo, {
            secrets: needs,
            ...(needs === 'write' ? { environments: 'write' as const } : {}),
          }),
        );
      }
    }
    if (root === 'orgs' && a !== undefined && b === 'actions' && c === 'secrets' && d !== undefined) {
      const org = organizations.get(a.toLowerCase());
      if (!org) throw notFound();
      const authorize = (needs: GithubPermission) => authorizeOrganization(context.token, a, needs);
      if (segments.length === 5) return secretRoute(context, org, d, authorize, true);
      if (segments.length === 6 && e === 'repositories' && method === 'GET') {
        authorize('read');
        const secret = org.secrets.get(d.toUpperCase());
        if (!secret) throw notFound();
        if (secret.visibility !== 'selected') {
          throw new GithubError(409, "The visibility of the secret is not 'selected'");
        }
        const perPage = Math.min(100, Number(context.query.get('per_page') ?? '30') || 30);
        const page = Math.max(1, Number(context.query.get('page') ?? '1') || 1);
        const ids = secret.selectedRepositoryIds ?? [];
        const slice = ids.slice((page - 1) * perPage, page * perPage);
        return {
          status: 200,
          body: {
            total_count: ids.length,
            repositories: slice.map((id) => {
              const repo = [...repositories.values()].find((candidate) => candidate.id === id);
              return {
                id,
                full_name: repo?.fullName ?? `unknown/${id}`,
                name: repo?.fullName.split('/')[1] ?? '',
              };
            }),
          },
        };
      }
    }
    throw notFound();
  }

  /** `.../secrets/public-key`, `GET .../secrets/NAME`, `PUT .../secrets/NAME` of one place. */
  function secretRoute(
    context: Context,
    place: Place,
    segment: string,
    authorize: (needs: GithubPermission) => void,
    organization = false,
  ): Reply {
    const { method } = context;
    if (segment === 'public-key') {
      if (method !== 'GET') throw notFound();
      authorize('read');
      return {
        status: 200,
        body: { key_id: place.keyId, key: Buffer.from(place.keyPair.publicKey).toString('base64') },
      };
    }
    const name = segment.toUpperCase();
    if (method === 'GET') {
      authorize('read');
      const secret = place.secrets.get(name);
      if (!secret) throw notFound();
      return { status: 200, body: secretView(secret, organization, place) };
    }
    if (method !== 'PUT') throw notFound();
    authorize('write');
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || name.startsWith('GITHUB_')) {
      throw new GithubError(
        422,
        'Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), must not start with a number, and must not start with GITHUB_.',
      );
    }
    const body = (context.body ?? {}) as Record<string, unknown>;
    const encrypted = body.encrypted_value;
    const keyId = body.key_id;
    if (typeof encrypted !== 'string' || typeof keyId !== 'string') {
      throw new GithubError(422, 'Invalid request.\n\n"encrypted_value" and "key_id" are required.');
    }
    if (keyId !== place.keyId)
      throw new GithubError(422, 'Bad request: key_id is not the current public key.');
    if (openSealedBox(Buffer.from(encrypted, 'base64'), place.keyPair) === undefined) {
      throw new GithubError(422, 'Bad request: encrypted_value could not be decrypted with the public key.');
    }
    let access: { visibility?: OrgVisibility; selectedRepositoryIds?: number[] } = {};
    if (organization) {
      const visibility = body.visibility;
      if (visibility !== 'all' && visibility !== 'private' && visibility !== 'selected') {
        throw new GithubError(422, 'Invalid request.\n\n"visibility" wasn\'t supplied.');
      }
      const ids = body.selected_repository_ids;
      if (ids !== undefined && visibility !== 'selected') {
        throw new GithubError(
          422,
          "You cannot set selected repositories when the visibility is not 'selected'",
        );
      }
      // As on GitHub: a PUT without selected_repository_ids leaves a selected secret with no repository at all.
      access =
        visibility === 'selected'
          ? { visibility, selectedRepositoryIds: Array.isArray(ids) ? ids.map(Number) : [] }
          : { visibility };
    }
    const existing = place.secrets.get(name);
    const at = timestamp();
    place.secrets.set(name, {
      name,
      encryptedValue: encrypted,
      keyId,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
      ...access,
    });
    return existing ? { status: 204 } : { status: 201, body: {} };
  }

  function secretView(secret: EmuGithubSecret, organization: boolean, place: Place): unknown {
    const view: Record<string, unknown> = {
      name: secret.name,
      created_at: secret.createdAt,
      updated_at: secret.updatedAt,
    };
    if (organization) {
      view.visibility = secret.visibility;
      if (secret.visibility === 'selected') {
        view.selected_repositories_url = `${baseUrl}/orgs/${place.key}/actions/secrets/${secret.name}/repositories`;
      }
    }
    return view;
  }

  // --- Server --------------------------------------------------------------------------------------------------

  let baseUrl = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only the route: request bodies hold sealed secrets and headers hold tokens.
      console.error(
        `GitHub emulator: ${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0] ?? '/'} failed: ${error instanceof Error ? error.message : 'non-Error thrown'}`,
      );
      if (!res.headersSent && !res.destroyed) send(res, { status: 500, body: { message: 'Server Error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '');
    const method = (req.method ?? 'GET').toUpperCase();
    let body: unknown;
    let malformed = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        malformed = true;
      }
    }
    const { token, scheme } = authenticate(req);
    const entry: RecordedGithubRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      ...(scheme === undefined ? {} : { scheme }),
      ...(token === undefined ? {} : { tokenIndex: token.index }),
      ...(body === undefined ? {} : { body }),
    };
    log.push(entry);

    const fault = faults.take(method, path);
    if (fault) entry.faulted = true;
    if (fault?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (res.destroyed) return;
    if (fault?.respond) {
      entry.status = send(res, fault.respond);
      return;
    }

    let reply: Reply;
    if (!token) {
      reply = { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    } else if (malformed) {
      reply = {
        status: 400,
        body: { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' },
      };
    } else {
      try {
        reply = route({
          method,
          segments: path
            .split('/')
            .filter((segment) => segment !== '')
            .map((segment) => decodeURIComponent(segment)),
          query: url.searchParams,
          body,
          token,
        });
      } catch (error) {
        if (!(error instanceof GithubError)) throw error;
        reply = {
          status: error.status,
          body: { message: error.message, documentation_url: DOCS, status: String(error.status) },
        };
      }
      if (token.kind === 'classic') {
        reply = { ...reply, headers: { ...reply.headers, 'x-oauth-scopes': token.scopes.join(', ') } };
      }
    }
    const after = fault?.afterCommit;
    if (after === 'drop') {
      req.socket.destroy();
      return;
    }
    if (after === 'hang') return;
    if (after === 'truncate') {
      // Half the answer, then the socket drops.
      const text = JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': String(text.length),
      });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => res.socket?.destroy(), 20);
      entry.status = reply.status;
      return;
    }
    entry.status = send(res, after ?? reply);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  return {
    url: baseUrl,
    addRepository(fullName, options = {}) {
      if (!/^[^/]+\/[^/]+$/.test(fullName)) throw new Error(`GitHub emulator: ${fullName} is not owner/name`);
      const repo: Repository = {
        id: nextRepositoryId++,
        fullName,
        public: options.visibility === 'public',
        place: newPlace(fullName),
        environments: new Map(
          (options.environments ?? []).map((name) => [name.toLowerCase(), newPlace(`${fullName}:${name}`)]),
        ),
      };
      repositories.set(fullName.toLowerCase(), repo);
      return { id: repo.id };
    },
    addOrganization(org) {
      organizations.set(org.toLowerCase(), newPlace(org));
    },
    issueToken(spec = {}) {
      const kind = spec.kind ?? 'fine-grained';
      const prefix = kind === 'classic' ? 'ghp_' : kind === 'actions' ? 'ghs_' : 'github_pat_';
      const value = `${prefix}${randomBytes(30).toString('base64url')}`;
      tokens.push({
        index: tokens.length,
        value,
        kind,
        grants: spec.grants ?? [],
        scopes: spec.scopes ?? [],
      });
      return value;
    },
    issuedTokenValues: () => tokens.map((token) => token.value),
    setSecret(place, name, value, access) {
      const target = placeOf(place);
      const at = timestamp();
      const upper = name.toUpperCase();
      const organization = 'org' in place;
      if (organization && !access)
        throw new Error('GitHub emulator: an organization secret needs a visibility');
      target.secrets.set(upper, {
        name: upper,
        encryptedValue: seal(target, value),
        keyId: target.keyId,
        createdAt: target.secrets.get(upper)?.createdAt ?? at,
        updatedAt: at,
        ...(organization && access
          ? {
              visibility: access.visibility,
              ...(access.visibility === 'selected'
                ? { selectedRepositoryIds: (access.selectedRepositories ?? []).map(repositoryId) }
                : {}),
            }
          : {}),
      });
    },
    secret: (place, name) => placeOf(place).secrets.get(name.toUpperCase()),
    secretValue(place, name) {
      const target = placeOf(place);
      const secret = target.secrets.get(name.toUpperCase());
      if (!secret) return undefined;
      const opened = openSealedBox(Buffer.from(secret.encryptedValue, 'base64'), target.keyPair);
      return opened === undefined ? undefined : new TextDecoder().decode(opened);
    },
    publicKey(place) {
      const target = placeOf(place);
      return { keyId: target.keyId, key: Buffer.from(target.keyPair.publicKey).toString('base64') };
    },
    rotateKey(place) {
      const target = placeOf(place);
      target.keyPair = generateBoxKeyPair();
      target.keyId = String((nextKeyId += 7n));
    },
    repositoryId,
    renameRepository(fullName, newFullName) {
      const repo = repository(fullName);
      if (!repo) throw new Error(`GitHub emulator: no repository ${fullName}`);
      repositories.delete(fullName.toLowerCase());
      const renamed = { ...repo, fullName: newFullName };
      repositories.set(newFullName.toLowerCase(), renamed);
      moved.set(fullName.toLowerCase(), renamed);
    },
    get requests() {
      return log.map((entry) => ({ ...entry }));
    },
    clearRequests() {
      log = [];
    },
    faults: {
      inject: (fault) => faults.inject(fault),
      clear: () => faults.clear(),
      pending: () => faults.pending(),
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function allows(granted: GithubPermission | undefined, needed: GithubPermission): boolean {
  return granted === 'write' || (granted === 'read' && needed === 'read');
}

function send(res: ServerResponse, reply: Reply): number {
  const headers: Record<string, string> = {
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    ...reply.headers,
  };
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers).end();
  } else {
    res
      .writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      .end(JSON.stringify(reply.body));
  }
  return reply.status;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
