/**
 * The control API: what tests use to seed the emulated GitLab, look into it, move its clock, shape its answers
 * (faults, latency, server date, license tier) and read its request log. Nothing here goes over HTTP, and
 * nothing here applies GitLab's permission rules: a test may set up any state it needs.
 */
import type { EmuVariable, VariableOwnerRef, VariableType } from './ci-variables.js';
import type { EmulatedClock } from './clock.js';
import type { FaultInjector, FaultSpec } from './faults.js';
import {
  describeTarget,
  type AddGroupSpec,
  type AddProjectSpec,
  type EmuGroup,
  type EmuProject,
  type MembershipTarget,
  type ResourceRef,
} from './namespaces.js';
import type { RecordedRequest, RequestLog } from './request-log.js';
import type {
  AddUserSpec,
  EmulatorState,
  EmuToken,
  EmuUser,
  IssueTokenSpec,
  IssueTokensSpec,
  Tier,
} from './state.js';

/** A project or a group, by id or full path. */
export type VariableOwner = MembershipTarget;

export interface SetVariableSpec {
  key: string;
  value: string;
  masked?: boolean;
  /** Hidden implies masked. */
  hidden?: boolean;
  protected?: boolean;
  /** Default `*`. */
  environmentScope?: string;
  raw?: boolean;
  variableType?: VariableType;
  description?: string | null;
}

/** A project or group access token, made directly: `{ project: 'acme/app', name: 'deploy', scopes: ['api'] }`. */
export type IssueResourceTokenSpec = MembershipTarget & {
  name: string;
  scopes: readonly string[];
  /** Gitlab::Access level of the bot's membership (10, 15, 20, 30, 40, 50); default 40. */
  accessLevel?: number;
  /** `YYYY-MM-DD`; default the maximum lifetime from today; null never expires. */
  expiresAt?: string | null;
  description?: string | null;
  createdAt?: string;
  /** Who made it (id or username); shown as the bot's `created_by` to admins. */
  createdBy?: string | number;
};

/** What issueResourceToken made: the token and its bot user. */
export interface IssuedResourceToken {
  id: number;
  token: string;
  /** The bot user's id (the token's `user_id`). */
  userId: number;
  username: string;
}

/**
 * A service account: of a group (`{ group: 'acme' }`), of a project (`{ project: 'acme/app' }`), or of the
 * instance (neither). Username, name and email are generated as GitLab does unless given.
 */
export interface AddServiceAccountSpec {
  /** The owning group, by id or full path. */
  group?: string | number;
  /** The owning project, by id or full path. */
  project?: string | number;
  username?: string;
  name?: string;
  email?: string;
}

export interface GitlabEmulator extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` (or `https://` with `tls`), without a trailing slash or `/api/v4`. */
  readonly url: string;
  readonly clock: EmulatedClock;

  // --- Users and personal access tokens ---------------------------------------------------------------
  addUser(spec: AddUserSpec): EmuUser;
  /** A personal access token with a fresh value. */
  issueToken(spec: IssueTokenSpec): { id: number; token: string };
  /**
   * Many personal access tokens of one user at once, e.g. `issueTokens({ user: 'svc', count: 10_051, scopes:
   * ['api'] })` for pagination beyond GitLab's 10,000-row count limit (well under a second). Returns their ids in
   * order; read a value with `token(id)?.value`.
   */
  issueTokens(spec: IssueTokensSpec): number[];
  user(idOrUsername: string | number): EmuUser | undefined;
  token(id: number): EmuToken | undefined;
  tokenByValue(value: string): EmuToken | undefined;
  /** Tokens neither revoked nor expired, of one user or of everyone. */
  activeTokens(user?: string | number): EmuToken[];
  /** Every token value the emulator ever issued, in order. */
  issuedTokenValues(): string[];
  /** Blocks a user: their tokens then answer 403 "403 Forbidden - Your account has been blocked.". */
  blockUser(idOrUsername: string | number): void;
  unblockUser(idOrUsername: string | number): void;
  /** Deletes a user with their tokens and memberships: their tokens then answer 401 "401 Unauthorized". */
  deleteUser(idOrUsername: string | number): void;

  // --- Project and group access tokens, service accounts ----------------------------------------------
  /**
   * A project or group access token as `POST /projects/:id/access_tokens` would make it, without permission
   * checks: a bot user (`project_<id>_bot_<hex>` / `group_<id>_bot_<hex>`, named after the token), its
   * membership at `accessLevel`, and the token.
   */
  issueResourceToken(spec: IssueResourceTokenSpec): IssuedResourceToken;
  /** The bot users of a project or group (one per access token ever created there), by id. */
  bots(target: MembershipTarget): EmuUser[];
  /** Every token (active or not) of a project's or group's bots, by id. */
  resourceTokens(target: MembershipTarget): EmuToken[];
  /** A service account of a group or project, or of the instance; see AddServiceAccountSpec. */
  addServiceAccount(spec?: AddServiceAccountSpec): EmuUser;
  /** Service accounts owned by a group or project, or (no argument) every service account, by id. */
  serviceAccounts(owner?: MembershipTarget): EmuUser[];

  // --- Groups, projects, memberships, CI/CD variables -------------------------------------------------
  /** A group; its full path is the parent's full path, a slash and `path`. */
  addGroup(spec: AddGroupSpec): EmuGroup;
  /** A project at a full path; a missing namespace is created as groups (or is a user's personal namespace). */
  addProject(spec: AddProjectSpec): EmuProject;
  /** A direct membership (or a new level for an existing one); access levels 5 to 50 (Gitlab::Access). */
  addMember(target: MembershipTarget, user: string | number, accessLevel: number): void;
  group(idOrPath: string | number): EmuGroup | undefined;
  project(idOrPath: string | number): EmuProject | undefined;
  /**
   * Deletes a project for good (as when GitLab's delayed deletion has run): its variables and its bot users go
   * with it, so its access tokens then answer 401 "401 Unauthorized".
   */
  deleteProject(idOrPath: string | number): void;
  /** Deletes a group with its subgroups and projects, their variables and bots (their tokens then answer 401). */
  deleteGroup(idOrPath: string | number): void;
  /** The CI/CD variables of a project or group, in creation order, with hidden values in clear. */
  variables(owner: VariableOwner): EmuVariable[];
  /** Creates or replaces (by key and environment scope) a variable directly, without GitLab's validations. */
  setVariable(owner: VariableOwner, variable: SetVariableSpec): void;

  // --- The instance ------------------------------------------------------------------------------------
  /** The license tier: `free` has no service accounts (their endpoints answer 403). Default `ultimate`. */
  readonly tier: Tier;
  setTier(tier: Tier): void;
  /** Real milliseconds every answer waits before it is handled (0: none), e.g. to measure concurrent paging. */
  setLatency(ms: number): void;
  /**
   * The `Date` header of every answer from now on, e.g. `'1999-12-31T23:59:59Z'` for a server whose clock is
   * wrong, while expiry still follows `clock`; null: follow `clock` again (the default).
   */
  setServerDate(date: Date | string | null): void;

  // --- Evidence and faults ------------------------------------------------------------------------------
  /** The request log: a fresh copy on every read. */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  readonly faults: {
    /** Arms a fault; see FaultSpec (and htmlErrorPage, redirectAnswer for ready-made answers). */
    inject(fault: FaultSpec): void;
    clear(): void;
    /** Requests still to be faulted, over all armed faults. */
    pending(): number;
  };
  close(): Promise<void>;
}

/** What the control API needs of the running server. */
export interface ServerControls {
  readonly url: string;
  readonly clock: EmulatedClock;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  setLatency(ms: number): void;
  setServerDate(date: Date | string | null): void;
  close(): Promise<void>;
}

export function createControlApi(state: EmulatorState, server: ServerControls): GitlabEmulator {
  const snapshot = <T extends object>(value: T | undefined): T | undefined =>
    value === undefined ? undefined : structuredClone(value);

  const resourceOf = (target: MembershipTarget, what: string): ResourceRef => {
    const found =
      'project' in target
        ? state.namespaces.findProject(target.project)
        : state.namespaces.findGroup(target.group);
    if (!found) throw new Error(`No ${describeTarget(target)} (${what})`);
    return { kind: 'project' in target ? 'project' : 'group', id: found.id };
  };

  const variableOwner = (owner: VariableOwner): VariableOwnerRef => resourceOf(owner, 'variables');

  const userOf = (idOrUsername: string | number, what: string): EmuUser => {
    const user = state.findUser(idOrUsername);
    if (!user) throw new Error(`${what}: no user ${String(idOrUsername)}`);
    return user;
  };

  return {
    url: server.url,
    clock: server.clock,

    addUser: (spec) => state.addUser(spec),
    issueToken(spec) {
      const token = state.issueToken(spec);
      return { id: token.id, token: token.value };
    },
    issueTokens: (spec) => state.issueTokens(spec),
    user: (idOrUsername) => snapshot(state.findUser(idOrUsername)),
    token: (id) => snapshot(state.findToken(id)),
    tokenByValue: (value) => snapshot(state.findTokenByValue(value)),
    activeTokens(user) {
      const owner = user === undefined ? undefined : userOf(user, 'activeTokens');
      return state
        .allTokens()
        .filter((token) => state.isActive(token) && (owner === undefined || token.userId === owner.id))
        .map((token) => structuredClone(token));
    },
    issuedTokenValues: () => state.issuedTokenValues(),
    blockUser: (idOrUsername) => state.setUserState(idOrUsername, 'blocked'),
    unblockUser: (idOrUsername) => state.setUserState(idOrUsername, 'active'),
    deleteUser: (idOrUsername) => state.deleteUser(idOrUsername),

    issueResourceToken(spec) {
      const createdBy =
        spec.createdBy === undefined ? undefined : userOf(spec.createdBy, 'issueResourceToken');
      const token = state.issueResourceToken({
        resource: resourceOf(spec, 'issueResourceToken'),
        name: spec.name,
        scopes: spec.scopes,
        ...(spec.accessLevel === undefined ? {} : { accessLevel: spec.accessLevel }),
        ...(spec.expiresAt === undefined ? {} : { expiresAt: spec.expiresAt }),
        ...(spec.description === undefined ? {} : { description: spec.description }),
        ...(spec.createdAt === undefined ? {} : { createdAt: spec.createdAt }),
        createdById: createdBy?.id ?? null,
      });
      const bot = userOf(token.userId, 'issueResourceToken');
      return { id: token.id, token: token.value, userId: bot.id, username: bot.username };
    },
    bots: (target) => state.botsOf(resourceOf(target, 'bots')).map((user) => structuredClone(user)),
    resourceTokens(target) {
      const bots = new Set(state.botsOf(resourceOf(target, 'resourceTokens')).map((bot) => bot.id));
      return state.tokensOfUsers(bots).map((token) => structuredClone(token));
    },
    addServiceAccount(spec = {}) {
      const { group, project, username, name, email } = spec;
      if (group !== undefined && project !== undefined)
        throw new Error('addServiceAccount: a service account belongs to a group or a project, not both');
      const target = group !== undefined ? { group } : project !== undefined ? { project } : undefined;
      const owner = target && resourceOf(target, 'addServiceAccount');
      return state.createServiceAccount({
        ...(owner ? { provisionedBy: owner } : {}),
        ...(username === undefined ? {} : { username }),
        ...(name === undefined ? {} : { name }),
        ...(email === undefined ? {} : { email }),
        createdById: null,
      });
    },
    serviceAccounts(owner) {
      const accounts =
        owner === undefined
          ? state.allUsers().filter((user) => user.serviceAccount)
          : state.serviceAccountsOf(resourceOf(owner, 'serviceAccounts'));
      return accounts.map((user) => structuredClone(user));
    },

    addGroup: (spec) => state.namespaces.addGroup(spec),
    addProject: (spec) => state.namespaces.addProject(spec),
    addMember: (target, user, accessLevel) => state.namespaces.addMember(target, user, accessLevel),
    group: (idOrPath) => state.namespaces.findGroup(idOrPath),
    project: (idOrPath) => state.namespaces.findProject(idOrPath),
    deleteProject: (idOrPath) => state.deleteProject(idOrPath),
    deleteGroup(idOrPath) {
      state.deleteGroup(idOrPath);
    },
    variables: (owner) =>
      state.variables.list(variableOwner(owner)).map(({ id: _id, ...variable }) => variable),
    setVariable(owner, spec) {
      if (!spec.key) throw new Error('setVariable needs a key');
      if (spec.hidden && spec.masked === false) throw new Error('setVariable: a hidden variable is masked');
      state.variables.put(variableOwner(owner), {
        key: spec.key,
        value: spec.value,
        masked: spec.masked ?? spec.hidden ?? false,
        hidden: spec.hidden ?? false,
        protected: spec.protected ?? false,
        environmentScope: spec.environmentScope ?? '*',
        raw: spec.raw ?? false,
        variableType: spec.variableType ?? 'env_var',
        description: spec.description ?? null,
      });
    },

    get tier() {
      return state.tier;
    },
    setTier(tier) {
      state.tier = tier;
    },
    setLatency: (ms) => server.setLatency(ms),
    setServerDate: (date) => server.setServerDate(date),

    get requests() {
      return server.log.snapshot();
    },
    clearRequests: () => server.log.clear(),
    faults: {
      inject: (fault) => server.faults.inject(fault),
      clear: () => server.faults.clear(),
      pending: () => server.faults.pending(),
    },
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}
