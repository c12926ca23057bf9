/**
 * Everything the emulated GitLab knows: users and personal access tokens, with the rules that change them
 * (create, revoke, rotate, token families), plus the groups and projects (namespaces.ts) and their CI/CD
 * variables (ci-variables.ts). Route modules read and change state only through this module.
 *
 * Project and group access tokens are personal access tokens of a bot user (`botOf` names its project or
 * group; its one membership there carries the token's access level), and service accounts are users whose
 * tokens are ordinary personal access tokens (`provisionedBy` names the group or project that owns them; null
 * for an instance service account). So one token store serves every token kind, as in GitLab.
 */
import { randomBytes } from 'node:crypto';
import { CiVariableStore } from './ci-variables.js';
import { addDays, utcDate } from './clock.js';
import { ACCESS_LEVELS, NamespaceDirectory, type DeletedNamespaces, type ResourceRef } from './namespaces.js';

export type UserState = 'active' | 'blocked';

/**
 * The instance's license. `free` has no service accounts (their endpoints answer 403); `premium` and
 * `ultimate` have them. Project and group access tokens work on every tier (self-managed rules).
 */
export type Tier = 'free' | 'premium' | 'ultimate';

export interface EmuUser {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly admin: boolean;
  /** Project/group bots and service accounts: GitLab shows them with `bot: true`. */
  readonly bot: boolean;
  readonly serviceAccount: boolean;
  readonly state: UserState;
  readonly createdAt: string;
  readonly createdById: number | null;
  readonly note: string | null;
  /** `YYYY-MM-DD` of the last authenticated API use, or null if never used. */
  readonly lastActivityOn: string | null;
  readonly namespaceId: number;
  /** The project or group whose access-token bot this user is (GitLab's `bot_namespace`); null otherwise. */
  readonly botOf: ResourceRef | null;
  /** The group or project a service account belongs to; null for humans and instance service accounts. */
  readonly provisionedBy: ResourceRef | null;
}

export interface EmuToken {
  readonly id: number;
  readonly userId: number;
  readonly name: string;
  readonly description: string | null;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  /** `YYYY-MM-DD`; the token stops working at 00:00 UTC on this day. Null: never expires. */
  readonly expiresAt: string | null;
  readonly revoked: boolean;
  readonly value: string;
  /** Id of the first token of the rotation chain this token belongs to (its own id when never rotated). */
  readonly familyId: number;
  readonly previousTokenId: number | null;
  /** Id of the token this one was rotated into, once rotated. */
  readonly rotatedToId: number | null;
  readonly lastUsedIps: readonly string[];
}

export interface AddUserSpec {
  username: string;
  name?: string;
  admin?: boolean;
  bot?: boolean;
  serviceAccount?: boolean;
  state?: UserState;
  /** Explicit id (e.g. to mirror a recorded instance); later automatic ids continue after the highest one. */
  id?: number;
  email?: string;
  createdAt?: string;
  /** Who created the account (id or username); shown as `created_by` to admins. */
  createdBy?: string | number | null;
  note?: string | null;
  lastActivityOn?: string | null;
}

export interface IssueTokenSpec {
  user: string | number;
  name: string;
  scopes: readonly string[];
  /** Default: the maximum lifetime from today, like GitLab's create endpoint. Null: never expires. */
  expiresAt?: string | null;
  description?: string | null;
  createdAt?: string;
  lastUsedAt?: string | null;
  revoked?: boolean;
  /** Explicit id; later automatic ids continue after the highest one. */
  id?: number;
}

/** Many tokens of one user at once; see EmulatorState.issueTokens. */
export interface IssueTokensSpec {
  user: string | number;
  count: number;
  /** A fixed name, or one per token from its 0-based index; default `token-1`, `token-2`, ... */
  name?: string | ((index: number) => string);
  scopes: readonly string[];
  /** As in IssueTokenSpec: default the maximum lifetime from today; null never expires. */
  expiresAt?: string | null;
  createdAt?: string;
  revoked?: boolean;
}

/** A project or group access token with its bot user; see EmulatorState.issueResourceToken. */
export interface ResourceTokenSpec {
  resource: ResourceRef;
  name: string;
  scopes: readonly string[];
  description?: string | null;
  /** `YYYY-MM-DD`; default the maximum lifetime from today; null never expires. */
  expiresAt?: string | null;
  /** Gitlab::Access level of the bot's membership; default 40 (Maintainer). */
  accessLevel?: number;
  createdById?: number | null;
  createdAt?: string;
}

/** A new bot or service-account user, before GitLab's generated username and no-reply address. */
interface GeneratedUserSpec {
  /** e.g. `project_7_bot` or `service_account_group_3`; a random 32-hex suffix is added. */
  usernamePrefix: string;
  username?: string;
  name: string;
  email?: string;
  botOf?: ResourceRef;
  provisionedBy?: ResourceRef;
  serviceAccount: boolean;
  createdById: number | null;
}

/** GitLab lets the last-used timestamp lag by up to 10 minutes and the IP list by a minute (LastUsedService). */
const LAST_USED_AT_INTERVAL_MS = 10 * 60_000;
const LAST_USED_IP_INTERVAL_MS = 60_000;
const LAST_USED_IPS_KEPT = 5;

type MutableUser = { -readonly [K in keyof EmuUser]: EmuUser[K] };

type MutableToken = {
  -readonly [K in keyof EmuToken]: EmuToken[K] extends readonly (infer T)[] ? T[] : EmuToken[K];
};

export class EmulatorState {
  private readonly users = new Map<number, MutableUser>();
  private readonly tokens = new Map<number, MutableToken>();
  private readonly tokensByValue = new Map<string, MutableToken>();
  private readonly lastIpRecordedAt = new Map<number, number>();
  private readonly issuedValues: string[] = [];
  /** Values of tokens destroyed with their user, so the request log can still name them. */
  private readonly destroyedTokenIds = new Map<string, number>();
  private nextUserId = 1;
  private nextTokenId = 1;
  readonly namespaces: NamespaceDirectory;
  readonly variables = new CiVariableStore();
  tier: Tier;
  /** `noreply.<host>`: the domain of generated bot and service-account addresses; set once the server listens. */
  noreplyDomain = 'noreply.gitlab.example.com';

  constructor(
    private readonly now: () => Date,
    readonly maxTokenLifetimeDays: number,
    tier: Tier = 'ultimate',
  ) {
    this.tier = tier;
    this.namespaces = new NamespaceDirectory(now, {
      findUser: (idOrUsername) => this.findUser(idOrUsername),
      namespaceIdOf: (userId) => this.users.get(userId)?.namespaceId,
    });
  }

  addUser(spec: AddUserSpec): EmuUser {
    if (!spec.username) throw new Error('addUser needs a username');
    if (this.findUser(spec.username)) throw new Error(`A user named ${spec.username} already exists`);
    if (!/^\d+$/.test(spec.username) && this.namespaces.findGroup(spec.username)) {
      throw new Error(`addUser: ${spec.username} is the path of a group; namespaces share one path space`);
    }
    const id = this.claimId(spec.id, this.users, 'user');
    this.nextUserId = Math.max(this.nextUserId, id + 1);
    const createdBy =
      spec.createdBy === undefined || spec.createdBy === null ? undefined : this.findUser(spec.createdBy);
    if (spec.createdBy !== undefined && spec.createdBy !== null && !createdBy) {
      throw new Error(`addUser: no user ${String(spec.createdBy)} to be the creator of ${spec.username}`);
    }
    const user: MutableUser = {
      id,
      username: spec.username,
      name: spec.name ?? spec.username,
      email: spec.email ?? `${spec.username}@example.com`,
      admin: spec.admin ?? false,
      bot: (spec.bot ?? false) || (spec.serviceAccount ?? false),
      serviceAccount: spec.serviceAccount ?? false,
      state: spec.state ?? 'active',
      createdAt: spec.createdAt ?? this.now().toISOString(),
      createdById: createdBy?.id ?? null,
      note: spec.note === undefined ? null : spec.note,
      lastActivityOn: spec.lastActivityOn ?? null,
      namespaceId: this.namespaces.claimNamespaceId(),
      botOf: null,
      provisionedBy: null,
    };
    this.users.set(id, user);
    return { ...user };
  }

  /**
   * A project or group access token's bot user (ResourceAccessTokens::CreateService): username
   * `project_<id>_bot_<32 hex>` or `group_<id>_bot_<32 hex>`, named after the token, with a no-reply address.
   * The caller adds its membership.
   */
  createBotUser(resource: ResourceRef, name: string, createdById: number | null): EmuUser {
    return this.createGeneratedUser({
      usernamePrefix: `${resource.kind}_${resource.id}_bot`,
      name,
      botOf: resource,
      serviceAccount: false,
      createdById,
    });
  }

  /**
   * ResourceAccessTokens::CreateService once allowed: a bot user named after the token, its membership of the
   * project or group at the token's access level, and the token itself.
   */
  issueResourceToken(spec: ResourceTokenSpec): EmuToken {
    const { resource } = spec;
    const exists =
      resource.kind === 'project'
        ? this.namespaces.findProject(resource.id)
        : this.namespaces.findGroup(resource.id);
    if (!exists) throw new Error(`issueResourceToken: no ${resource.kind} ${resource.id}`);
    const bot = this.createBotUser(resource, spec.name, spec.createdById ?? null);
    const target = resource.kind === 'project' ? { project: resource.id } : { group: resource.id };
    this.namespaces.addMember(target, bot.id, spec.accessLevel ?? ACCESS_LEVELS.maintainer);
    return this.issueToken({
      user: bot.id,
      name: spec.name,
      scopes: spec.scopes,
      description: spec.description ?? null,
      ...(spec.expiresAt === undefined ? {} : { expiresAt: spec.expiresAt }),
      ...(spec.createdAt === undefined ? {} : { createdAt: spec.createdAt }),
    });
  }

  /**
   * A service account (Users::ServiceAccounts::CreateService, Namespaces::ServiceAccounts::CreateService):
   * username `service_account_<32 hex>` for the instance, `service_account_group_<id>_<32 hex>` or
   * `service_account_project_<id>_<32 hex>` for a namespace; name "Service account user" unless given.
   * Throws a sentence like "Username has already been taken" when a given username or email is in use.
   */
  createServiceAccount(spec: {
    provisionedBy?: ResourceRef;
    username?: string;
    name?: string;
    email?: string;
    createdById: number | null;
  }): EmuUser {
    const owner = spec.provisionedBy;
    return this.createGeneratedUser({
      usernamePrefix: owner ? `service_account_${owner.kind}_${owner.id}` : 'service_account',
      ...(spec.username === undefined ? {} : { username: spec.username }),
      ...(spec.email === undefined ? {} : { email: spec.email }),
      name: spec.name ?? 'Service account user',
      ...(owner ? { provisionedBy: owner } : {}),
      serviceAccount: true,
      createdById: spec.createdById,
    });
  }

  /** Users::DestroyService: the user, their tokens and memberships go; their tokens stop authenticating (401). */
  deleteUser(idOrUsername: string | number): void {
    const user = this.liveUser(idOrUsername);
    if (!user) throw new Error(`deleteUser: no user ${String(idOrUsername)}`);
    for (const token of [...this.tokens.values()]) {
      if (token.userId !== user.id) continue;
      this.tokens.delete(token.id);
      this.tokensByValue.delete(token.value);
      this.destroyedTokenIds.set(token.value, token.id);
    }
    this.namespaces.removeMemberships(user.id);
    this.users.delete(user.id);
  }

  setUserState(idOrUsername: string | number, state: UserState): void {
    const user = this.liveUser(idOrUsername);
    if (!user) throw new Error(`setUserState: no user ${String(idOrUsername)}`);
    user.state = state;
  }

  /** The bot users of a project or group, by id. */
  botsOf(resource: ResourceRef): EmuUser[] {
    return this.allUsers().filter(
      (user) => user.botOf?.kind === resource.kind && user.botOf.id === resource.id,
    );
  }

  /** The service accounts a group or project owns, by id. */
  serviceAccountsOf(owner: ResourceRef): EmuUser[] {
    return this.allUsers().filter(
      (user) => user.provisionedBy?.kind === owner.kind && user.provisionedBy.id === owner.id,
    );
  }

  /**
   * Projects::DestroyService: the project, its CI/CD variables and its bot users (with their tokens) are
   * destroyed (`destroy_project_bots!`), so its access tokens answer 401 "401 Unauthorized" from then on.
   */
  deleteProject(idOrPath: string | number): void {
    const project = this.namespaces.deleteProject(idOrPath);
    this.dropResource({ kind: 'project', id: project.id });
  }

  /** Groups::DestroyService: the group, its subgroups and projects, their variables and their bots' tokens. */
  deleteGroup(idOrPath: string | number): DeletedNamespaces {
    const deleted = this.namespaces.deleteGroup(idOrPath);
    for (const project of deleted.projects) this.dropResource({ kind: 'project', id: project.id });
    for (const group of deleted.groups) this.dropResource({ kind: 'group', id: group.id });
    return deleted;
  }

  findUser(idOrUsername: string | number): EmuUser | undefined {
    return this.liveUser(idOrUsername);
  }

  allUsers(): EmuUser[] {
    return [...this.users.values()].sort((a, b) => a.id - b.id);
  }

  issueToken(spec: IssueTokenSpec): EmuToken {
    const user = this.liveUser(spec.user);
    if (!user) throw new Error(`issueToken: no user ${String(spec.user)}`);
    if (!spec.name) throw new Error('issueToken needs a name');
    const id = this.claimId(spec.id, this.tokens, 'token');
    return this.storeToken({
      id,
      userId: user.id,
      name: spec.name,
      description: spec.description ?? null,
      scopes: [...spec.scopes],
      createdAt: spec.createdAt ?? this.now().toISOString(),
      lastUsedAt: spec.lastUsedAt ?? null,
      expiresAt: spec.expiresAt === undefined ? this.maxExpiryDate() : spec.expiresAt,
      revoked: spec.revoked ?? false,
      value: this.freshValue(),
      familyId: id,
      previousTokenId: null,
      rotatedToId: null,
      lastUsedIps: [],
    });
  }

  /**
   * Issues `count` tokens of one user in one go, without a request per token: for pagination at GitLab's
   * scale (10,000 rows and more). Returns their ids, in order.
   */
  issueTokens(spec: IssueTokensSpec): number[] {
    const user = this.liveUser(spec.user);
    if (!user) throw new Error(`issueTokens: no user ${String(spec.user)}`);
    if (!Number.isInteger(spec.count) || spec.count < 0) throw new Error('issueTokens needs a count >= 0');
    const nameOf = (index: number): string =>
      typeof spec.name === 'function' ? spec.name(index) : (spec.name ?? `token-${index + 1}`);
    const expiresAt = spec.expiresAt === undefined ? this.maxExpiryDate() : spec.expiresAt;
    const createdAt = spec.createdAt ?? this.now().toISOString();
    const ids: number[] = [];
    for (let index = 0; index < spec.count; index++) {
      const id = this.nextTokenId;
      this.storeToken({
        id,
        userId: user.id,
        name: nameOf(index),
        description: null,
        scopes: [...spec.scopes],
        createdAt,
        lastUsedAt: null,
        expiresAt,
        revoked: spec.revoked ?? false,
        value: this.freshValue(),
        familyId: id,
        previousTokenId: null,
        rotatedToId: null,
        lastUsedIps: [],
      });
      ids.push(id);
    }
    return ids;
  }

  findToken(id: number): EmuToken | undefined {
    return this.tokens.get(id);
  }

  findTokenByValue(value: string): EmuToken | undefined {
    return this.tokensByValue.get(value);
  }

  /** The id of the token with this value, also when it was destroyed with its user: for the request log. */
  tokenIdForLog(value: string): number | undefined {
    return this.tokensByValue.get(value)?.id ?? this.destroyedTokenIds.get(value);
  }

  /** Every token of these users, by id. */
  tokensOfUsers(userIds: ReadonlySet<number>): EmuToken[] {
    return this.allTokens().filter((token) => userIds.has(token.userId));
  }

  allTokens(): EmuToken[] {
    return [...this.tokens.values()].sort((a, b) => a.id - b.id);
  }

  issuedTokenValues(): string[] {
    return [...this.issuedValues];
  }

  /** GitLab's `expired?`: the token stops working at 00:00 UTC on its `expires_at` day. */
  /** The emulated clock's UTC date, `YYYY-MM-DD`. */
  today(): string {
    return utcDate(this.now());
  }

  /** `today`: given by callers that ask about many tokens at once (a page of a 10,000-token list). */
  isExpired(token: EmuToken, today = this.today()): boolean {
    return token.expiresAt !== null && token.expiresAt <= today;
  }

  isActive(token: EmuToken, today = this.today()): boolean {
    return !token.revoked && !this.isExpired(token, today);
  }

  /** The last day a new token may expire on: today plus the instance's maximum lifetime. */
  maxExpiryDate(): string {
    return addDays(utcDate(this.now()), this.maxTokenLifetimeDays);
  }

  revoke(tokenId: number): void {
    const token = this.tokens.get(tokenId);
    if (token) token.revoked = true;
  }

  /**
   * GitLab's RotateService in one step: revoke the old token and create its successor (same name, description,
   * scopes and user; new id and value) in the same family.
   */
  rotate(tokenId: number, expiresAt: string | null): EmuToken {
    const old = this.tokens.get(tokenId);
    if (!old) throw new Error(`rotate: no token ${tokenId}`);
    old.revoked = true;
    const id = this.claimId(undefined, this.tokens, 'token');
    const successor = this.storeToken({
      id,
      userId: old.userId,
      name: old.name,
      description: old.description,
      scopes: [...old.scopes],
      createdAt: this.now().toISOString(),
      lastUsedAt: null,
      expiresAt,
      revoked: false,
      value: this.freshValue(),
      familyId: old.familyId,
      previousTokenId: old.id,
      rotatedToId: null,
      lastUsedIps: [],
    });
    old.rotatedToId = successor.id;
    return successor;
  }

  /**
   * PersonalAccessTokens::RevokeTokenFamilyService: revoke every active token rotated (directly or transitively)
   * from this one. Returns the ids it revoked.
   */
  revokeDescendants(tokenId: number): number[] {
    const revoked: number[] = [];
    const queue = [tokenId];
    while (queue.length > 0) {
      const parent = queue.shift();
      for (const token of this.tokens.values()) {
        if (token.previousTokenId !== parent) continue;
        queue.push(token.id);
        if (this.isActive(token)) {
          token.revoked = true;
          revoked.push(token.id);
        }
      }
    }
    return revoked;
  }

  /** PersonalAccessTokens::LastUsedService: runs once the token itself is valid, before user and scope checks. */
  recordTokenUse(tokenId: number, ip: string): void {
    const token = this.tokens.get(tokenId);
    if (!token) return;
    const now = this.now();
    const lastUsed = token.lastUsedAt === null ? undefined : Date.parse(token.lastUsedAt);
    if (lastUsed === undefined || now.getTime() - lastUsed >= LAST_USED_AT_INTERVAL_MS) {
      token.lastUsedAt = now.toISOString();
    }
    const lastIp = this.lastIpRecordedAt.get(tokenId);
    if (lastIp === undefined || now.getTime() - lastIp >= LAST_USED_IP_INTERVAL_MS) {
      token.lastUsedIps = [ip, ...token.lastUsedIps.filter((known) => known !== ip)].slice(
        0,
        LAST_USED_IPS_KEPT,
      );
      this.lastIpRecordedAt.set(tokenId, now.getTime());
    }
  }

  /** Users::ActivityService: the day of the user's last authenticated request. */
  recordUserActivity(userId: number): void {
    const user = this.users.get(userId);
    if (user) user.lastActivityOn = utcDate(this.now());
  }

  private createGeneratedUser(spec: GeneratedUserSpec): EmuUser {
    const username = spec.username ?? `${spec.usernamePrefix}_${randomBytes(16).toString('hex')}`;
    const email = spec.email ?? `${username}@${this.noreplyDomain}`;
    // Usernames and top-level group paths share one namespace space, as in GitLab.
    if (this.findUser(username) || this.namespaces.findGroup(username))
      throw new Error('Username has already been taken');
    if (this.allUsers().some((user) => user.email.toLowerCase() === email.toLowerCase()))
      throw new Error('Email has already been taken');
    const id = this.claimId(undefined, this.users, 'user');
    this.nextUserId = id + 1;
    const user: MutableUser = {
      id,
      username,
      name: spec.name,
      email,
      admin: false,
      bot: true,
      serviceAccount: spec.serviceAccount,
      state: 'active',
      createdAt: this.now().toISOString(),
      createdById: spec.createdById,
      note: null,
      lastActivityOn: null,
      namespaceId: this.namespaces.claimNamespaceId(),
      botOf: spec.botOf ?? null,
      provisionedBy: spec.provisionedBy ?? null,
    };
    this.users.set(id, user);
    return { ...user };
  }

  /**
   * What goes with a deleted project or group: its variables and its bots (with their tokens). Service
   * accounts it provisioned are left alone: GitLab's source shows no rule for them.
   */
  private dropResource(resource: ResourceRef): void {
    this.variables.dropOwner(resource);
    for (const bot of this.botsOf(resource)) this.deleteUser(bot.id);
  }

  private liveUser(idOrUsername: string | number): MutableUser | undefined {
    if (typeof idOrUsername === 'number') return this.users.get(idOrUsername);
    if (/^\d+$/.test(idOrUsername)) return this.users.get(Number(idOrUsername));
    const wanted = idOrUsername.toLowerCase();
    for (const user of this.users.values()) if (user.username.toLowerCase() === wanted) return user;
    return undefined;
  }

  private storeToken(token: MutableToken): EmuToken {
    this.tokens.set(token.id, token);
    this.tokensByValue.set(token.value, token);
    this.nextTokenId = Math.max(this.nextTokenId, token.id + 1);
    return token;
  }

  private claimId(explicit: number | undefined, taken: Map<number, unknown>, what: string): number {
    if (explicit === undefined) return what === 'user' ? this.nextUserId : this.nextTokenId;
    if (!Number.isInteger(explicit) || explicit < 1)
      throw new Error(`A ${what} id must be a positive integer`);
    if (taken.has(explicit)) throw new Error(`A ${what} with id ${explicit} already exists`);
    return explicit;
  }

  /** `glpat-` and 20 random URL-safe characters, never issued before. */
  private freshValue(): string {
    for (;;) {
      const value = `glpat-${randomBytes(15).toString('base64url')}`;
      if (!this.tokensByValue.has(value)) {
        this.issuedValues.push(value);
        return value;
      }
    }
  }
}
