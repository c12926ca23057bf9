/**
 * The GitLab API surface the core uses, and its only implementation: gitbeaker resources wired to our own request
 * handler (no retried POSTs, no error objects carrying headers). The credential is read through a function on every
 * request, so after a self-rotation the very next request already carries the new token.
 */
import { createRequesterFn, type RequesterType } from '@gitbeaker/requester-utils';
import {
  GroupVariables,
  Groups,
  PersonalAccessTokens,
  ProjectVariables,
  Projects,
  Users,
} from '@gitbeaker/rest';
import { createRequestHandler, GitlabHttpError, type RequestEnvironment } from './gitlab-request.js';

export interface PersonalAccessToken {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly revoked: boolean;
  readonly active: boolean;
  readonly scopes: readonly string[];
  readonly userId: number;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
}

/** A token as returned by create or rotate: the only time GitLab hands out its value. */
export interface NewPersonalAccessToken extends PersonalAccessToken {
  readonly token: string;
}

export interface GitlabUser {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  /** Only present when the caller may see it (admins, or the user themself). */
  readonly isAdmin: boolean | undefined;
  readonly bot: boolean;
}

export interface TokenListFilter {
  readonly userId?: number;
  readonly state?: 'active' | 'inactive';
  readonly search?: string;
}

export interface CreateTokenRequest {
  /** Whose token (POST /users/:id/personal_access_tokens, admins only); omit for the caller's own self-service token. */
  readonly userId: number | undefined;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly description: string | undefined;
  readonly expiresAt: string;
}

/** Where a CI/CD variable lives. */
export interface VariableOwner {
  readonly kind: 'project' | 'group';
  /** Numeric id or full path. */
  readonly ref: number | string;
}

export interface Namespace {
  readonly id: number;
  readonly fullPath: string;
}

export interface CiVariable {
  readonly key: string;
  readonly environmentScope: string;
  readonly protected: boolean;
  readonly masked: boolean;
  readonly hidden: boolean;
  readonly raw: boolean;
  readonly variableType: string;
}

export interface VariableWrite {
  readonly key: string;
  readonly value: string;
  readonly environmentScope: string;
  readonly protected: boolean;
  readonly description?: string;
}

export interface GitlabApi {
  /** The instance URL, for messages. */
  readonly instanceUrl: string;
  currentToken(): Promise<PersonalAccessToken>;
  currentUser(): Promise<GitlabUser>;
  user(idOrUsername: number | string): Promise<GitlabUser | undefined>;
  personalAccessToken(id: number): Promise<PersonalAccessToken>;
  personalAccessTokens(filter: TokenListFilter): Promise<PersonalAccessToken[]>;
  /** Sent once: never retried, whatever the answer. */
  createPersonalAccessToken(request: CreateTokenRequest): Promise<NewPersonalAccessToken>;
  /** Sent once: never retried, whatever the answer. */
  rotatePersonalAccessToken(id: number | 'self', expiresAt: string): Promise<NewPersonalAccessToken>;
  revokePersonalAccessToken(id: number | 'self'): Promise<void>;
  /** The project or group that holds CI/CD variables; undefined when it does not exist or is not visible. */
  namespace(owner: VariableOwner): Promise<Namespace | undefined>;
  /** All variables of a project or group (needs the role that may also write them). */
  variables(owner: VariableOwner): Promise<CiVariable[]>;
  /**
   * Sent once (a POST): creates the variable masked and hidden, so its value can never be shown again. Returns
   * whether GitLab made it hidden (before 17.4 it ignores the request and makes it masked only).
   */
  createHiddenVariable(owner: VariableOwner, variable: VariableWrite): Promise<{ hidden: boolean }>;
  /** Updates value and protection in place (a PUT, retried), always masked, in exactly this environment scope. */
  updateVariable(owner: VariableOwner, variable: VariableWrite): Promise<void>;
  /** From now on, authenticate with this token (after the credential itself was rotated). */
  switchCredential(token: string): void;
  /** A second client on the same instance with another credential (verification, recovery). */
  withCredential(token: string): GitlabApi;
}

export interface GitlabApiConfig {
  readonly instanceUrl: string;
  readonly token: string;
  readonly environment: RequestEnvironment;
}

/** Bounds a listing: 50 pages of 100 tokens is far beyond any real user. */
const MAX_PAGES = 50;

interface RawToken {
  id: number;
  name: string;
  description?: string | null;
  revoked: boolean;
  active: boolean;
  scopes?: string[];
  user_id: number;
  created_at: string;
  last_used_at?: string | null;
  expires_at?: string | null;
  token?: string;
}

interface RawVariable {
  key: string;
  environment_scope?: string;
  protected?: boolean;
  masked?: boolean;
  hidden?: boolean;
  raw?: boolean;
  variable_type?: string;
}

function toVariable(raw: RawVariable): CiVariable {
  return {
    key: raw.key,
    environmentScope: raw.environment_scope ?? '*',
    protected: raw.protected === true,
    masked: raw.masked === true,
    hidden: raw.hidden === true,
    raw: raw.raw === true,
    variableType: raw.variable_type ?? 'env_var',
  };
}

interface RawUser {
  id: number;
  username: string;
  name: string;
  is_admin?: boolean;
  bot?: boolean;
}

function toToken(raw: RawToken): PersonalAccessToken {
  return {
    id: raw.id,
    name: raw.name,
    description: raw.description ?? null,
    revoked: raw.revoked,
    active: raw.active,
    scopes: raw.scopes ?? [],
    userId: raw.user_id,
    createdAt: raw.created_at,
    lastUsedAt: raw.last_used_at ?? null,
    expiresAt: raw.expires_at ?? null,
  };
}

function toNewToken(raw: RawToken): NewPersonalAccessToken {
  if (typeof raw.token !== 'string' || raw.token === '') {
    throw new Error('GitLab answered without a token value');
  }
  return { ...toToken(raw), token: raw.token };
}

function toUser(raw: RawUser): GitlabUser {
  return {
    id: raw.id,
    username: raw.username,
    name: raw.name,
    isAdmin: typeof raw.is_admin === 'boolean' ? raw.is_admin : undefined,
    bot: raw.bot === true,
  };
}

export function createGitlabApi(config: GitlabApiConfig): GitlabApi {
  let credential = config.token;
  const requesterFn = createRequesterFn(
    (_serviceOptions, requestOptions) => Promise.resolve(requestOptions),
    createRequestHandler(config.environment) as Parameters<typeof createRequesterFn>[1],
  );
  const resourceOptions = {
    host: config.instanceUrl,
    token: () => Promise.resolve(credential),
    requesterFn,
    // Timeouts are per attempt, in our request handler; gitbeaker's is one signal for all pages and retries.
    queryTimeout: null,
    rateLimits: {},
  };
  const tokens = new PersonalAccessTokens(resourceOptions);
  const users = new Users(resourceOptions);
  const projects = new Projects(resourceOptions);
  const groups = new Groups(resourceOptions);
  const projectVariables = new ProjectVariables(resourceOptions);
  const groupVariables = new GroupVariables(resourceOptions);
  const requester: RequesterType = tokens.requester;
  const variablesOf = (owner: VariableOwner) =>
    owner.kind === 'project' ? projectVariables : groupVariables;

  return {
    instanceUrl: config.instanceUrl,
    async currentToken() {
      return toToken(await tokens.show());
    },
    async currentUser() {
      return toUser((await users.showCurrentUser()) as unknown as RawUser);
    },
    async user(idOrUsername) {
      if (typeof idOrUsername === 'number') {
        return toUser((await users.show(idOrUsername)) as unknown as RawUser);
      }
      const found = (await users.all({ username: idOrUsername, maxPages: 1 })) as unknown as RawUser[];
      const exact = found.find((user) => user.username.toLowerCase() === idOrUsername.toLowerCase());
      return exact ? toUser(exact) : undefined;
    },
    async personalAccessToken(id) {
      return toToken(await tokens.show({ tokenId: id }));
    },
    async personalAccessTokens(filter) {
      const raw = (await tokens.all({
        ...(filter.userId !== undefined ? { userId: filter.userId } : {}),
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.search ? { search: filter.search } : {}),
        perPage: 100,
        maxPages: MAX_PAGES,
      })) as unknown as RawToken[];
      return raw.map(toToken);
    },
    async createPersonalAccessToken(request) {
      const body = {
        name: request.name,
        scopes: [...request.scopes],
        expires_at: request.expiresAt,
        ...(request.description !== undefined ? { description: request.description } : {}),
      };
      const endpoint =
        request.userId === undefined
          ? 'user/personal_access_tokens'
          : `users/${request.userId}/personal_access_tokens`;
      const response = await requester.post<Record<string, unknown>>(endpoint, { body });
      return toNewToken(response.body as unknown as RawToken);
    },
    async rotatePersonalAccessToken(id, expiresAt) {
      return toNewToken(await tokens.rotate(id, { expiresAt }));
    },
    async revokePersonalAccessToken(id) {
      await tokens.remove(id === 'self' ? {} : { tokenId: id });
    },
    async namespace(owner) {
      try {
        if (owner.kind === 'project') {
          const project = (await projects.show(owner.ref)) as unknown as {
            id: number;
            path_with_namespace: string;
          };
          return { id: project.id, fullPath: project.path_with_namespace };
        }
        const group = (await groups.show(owner.ref)) as unknown as { id: number; full_path: string };
        return { id: group.id, fullPath: group.full_path };
      } catch (error) {
        if (error instanceof GitlabHttpError && error.status === 404) return undefined;
        throw error;
      }
    },
    async variables(owner) {
      const raw = (await variablesOf(owner).all(owner.ref, {
        perPage: 100,
        maxPages: MAX_PAGES,
      })) as unknown as RawVariable[];
      return raw.map(toVariable);
    },
    async createHiddenVariable(owner, variable) {
      // gitbeaker's create does not know masked_and_hidden (GitLab 17.4+); the requester sends any body.
      const response = await variablesOf(owner).requester.post<Record<string, unknown>>(
        `${encodeURIComponent(String(owner.ref))}/variables`,
        {
          body: {
            key: variable.key,
            value: variable.value,
            masked_and_hidden: true,
            masked: true,
            protected: variable.protected,
            environment_scope: variable.environmentScope,
            ...(variable.description !== undefined ? { description: variable.description } : {}),
          },
        },
      );
      return { hidden: (response.body as { hidden?: unknown }).hidden === true };
    },
    async updateVariable(owner, variable) {
      await variablesOf(owner).edit(owner.ref, variable.key, variable.value, {
        masked: true,
        protected: variable.protected,
        filter: { environment_scope: variable.environmentScope },
      });
    },
    switchCredential(token) {
      credential = token;
    },
    withCredential(token) {
      return createGitlabApi({ ...config, token });
    },
  };
}
