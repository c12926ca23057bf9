/**
 * The GitLab emulator: an in-process HTTP server on 127.0.0.1 that answers the REST API v4 calls the product
 * makes, plus the control API tests use to seed state, move the clock, inject faults and read the request log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmuVariable, VariableOwnerRef, VariableType } from './ci-variables.js';
import { createClock, type EmulatedClock } from './clock.js';
import { FaultInjector, type FaultSpec } from './faults.js';
import { authenticate, presentedToken } from './http/authentication.js';
import { GitlabError, malformedBody, unknownRoute } from './http/gitlab-errors.js';
import { formParams, parseBody } from './http/request-body.js';
import type { InstanceInfo, Reply, RequestContext } from './http/route.js';
import { Router } from './http/router.js';
import {
  describeTarget,
  type AddGroupSpec,
  type AddProjectSpec,
  type EmuGroup,
  type EmuProject,
  type MembershipTarget,
} from './namespaces.js';
import { RequestLog, type RecordedRequest } from './request-log.js';
import { ciVariableRoutes } from './routes/ci-variables.js';
import { groupRoutes } from './routes/groups.js';
import { memberRoutes } from './routes/members.js';
import { metadataRoutes } from './routes/metadata.js';
import { personalAccessTokenRoutes } from './routes/personal-access-tokens.js';
import { projectRoutes } from './routes/projects.js';
import { userRoutes } from './routes/users.js';
import {
  EmulatorState,
  type AddUserSpec,
  type EmuToken,
  type EmuUser,
  type IssueTokenSpec,
} from './state.js';

export interface EmulatorOptions {
  /** Initial emulated clock; default: the real time now. The clock then stands still until moved. */
  now?: Date | string;
  /** 365 by default; 400 emulates a self-managed instance with `buffered_token_expiration_limit`. */
  maxTokenLifetimeDays?: number;
}

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

export interface GitlabEmulator extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`, without a trailing slash or `/api/v4`. */
  readonly url: string;
  readonly clock: EmulatedClock;
  addUser(spec: AddUserSpec): EmuUser;
  /** A personal access token with a fresh value. */
  issueToken(spec: IssueTokenSpec): { id: number; token: string };
  user(idOrUsername: string | number): EmuUser | undefined;
  token(id: number): EmuToken | undefined;
  tokenByValue(value: string): EmuToken | undefined;
  /** Tokens neither revoked nor expired, of one user or of everyone. */
  activeTokens(user?: string | number): EmuToken[];
  /** Every token value the emulator ever issued, in order. */
  issuedTokenValues(): string[];
  /** A group; its full path is the parent's full path, a slash and `path`. */
  addGroup(spec: AddGroupSpec): EmuGroup;
  /** A project at a full path; a missing namespace is created as groups (or is a user's personal namespace). */
  addProject(spec: AddProjectSpec): EmuProject;
  /** A direct membership (or a new level for an existing one); access levels 5 to 50 (Gitlab::Access). */
  addMember(target: MembershipTarget, user: string | number, accessLevel: number): void;
  group(idOrPath: string | number): EmuGroup | undefined;
  project(idOrPath: string | number): EmuProject | undefined;
  /** The CI/CD variables of a project or group, in creation order, with hidden values in clear. */
  variables(owner: VariableOwner): EmuVariable[];
  /** Creates or replaces (by key and environment scope) a variable directly, without GitLab's validations. */
  setVariable(owner: VariableOwner, variable: SetVariableSpec): void;
  /** The request log: a fresh copy on every read. */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  readonly faults: {
    inject(fault: FaultSpec): void;
    clear(): void;
    pending(): number;
  };
  close(): Promise<void>;
}

/** A request as read off the wire, before routing. */
interface Incoming {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Record<string, unknown>;
  readonly malformedBody: boolean;
  readonly req: IncomingMessage;
}

const INSTANCE: InstanceInfo = { version: '19.0.2-ee', revision: '86c99d562e4', enterprise: true };

export async function startEmulator(options: EmulatorOptions = {}): Promise<GitlabEmulator> {
  const clock = createClock(options.now);
  const state = new EmulatorState(() => clock.now(), options.maxTokenLifetimeDays ?? 365);
  const router = new Router();
  router.add(
    ...metadataRoutes,
    ...userRoutes,
    ...personalAccessTokenRoutes,
    ...projectRoutes,
    ...groupRoutes,
    ...memberRoutes,
    ...ciVariableRoutes,
  );
  const faults = new FaultInjector();
  const log = new RequestLog();
  const hanging = new Set<ServerResponse>();
  let baseUrl = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only the route and the stack: request bodies hold token values and never reach the console.
      const where = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0] ?? '/'}`;
      console.error(
        `GitLab emulator: ${where} failed: ${error instanceof Error ? error.stack : 'non-Error thrown'}`,
      );
      if (!res.headersSent && !res.destroyed)
        send(res, clock, { status: 500, body: { message: '500 Internal Server Error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = parseBody(raw, req.headers['content-type']);
    const params = mergeParams(url.searchParams, body.value);
    const presented = presentedToken(req.headers, params);
    const presentedId = presented === undefined ? undefined : state.findTokenByValue(presented)?.id;
    const entry = log.open({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: clock.now().toISOString(),
      ...(presentedId === undefined ? {} : { authTokenId: presentedId }),
      ...(body.value === undefined ? {} : { body: body.value }),
    });

    const fault = faults.take(method, url.pathname);
    if (fault) entry.faulted = true;
    if (fault?.delayMs !== undefined) await sleep(fault.delayMs);
    if (res.destroyed) return;

    if (fault?.respond) {
      entry.status = send(res, clock, fault.respond);
      return;
    }

    const reply = await dispatch({
      method,
      path: url.pathname,
      query: url.searchParams,
      params,
      malformedBody: body.malformed,
      req,
    });

    const after = fault?.afterCommit;
    if (after === 'drop') {
      req.socket.destroy();
      return;
    }
    if (after === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (after === 'truncate') {
      entry.status = sendTruncated(res, clock, reply);
      return;
    }
    entry.status = send(res, clock, after ?? reply);
  }

  async function dispatch(incoming: Incoming): Promise<Reply> {
    try {
      const match = router.match(incoming.method, incoming.path);
      if (!match) throw unknownRoute();
      if (incoming.malformedBody) throw malformedBody();
      const params = { ...incoming.params, ...match.pathParams };
      const remoteAddress = (incoming.req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      const caller = authenticate(state, match.route, {
        method: incoming.method,
        path: incoming.path,
        headers: incoming.req.headers,
        params,
        remoteAddress,
      });
      const ctx: RequestContext = {
        method: incoming.method,
        path: incoming.path,
        pathParams: match.pathParams,
        query: incoming.query,
        params,
        headers: incoming.req.headers,
        baseUrl,
        remoteAddress,
        state,
        clock,
        instance: INSTANCE,
        caller,
      };
      return await match.route.handle(ctx);
    } catch (error) {
      if (error instanceof GitlabError)
        return { status: error.status, body: error.body, headers: error.headers };
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  const snapshot = <T extends object>(value: T | undefined): T | undefined =>
    value === undefined ? undefined : structuredClone(value);

  const variableOwner = (owner: VariableOwner): VariableOwnerRef => {
    const found =
      'project' in owner
        ? state.namespaces.findProject(owner.project)
        : state.namespaces.findGroup(owner.group);
    if (!found) throw new Error(`No ${describeTarget(owner)}`);
    return { kind: 'project' in owner ? 'project' : 'group', id: found.id };
  };

  return {
    url: baseUrl,
    clock,
    addUser: (spec) => state.addUser(spec),
    issueToken(spec) {
      const token = state.issueToken(spec);
      return { id: token.id, token: token.value };
    },
    user: (idOrUsername) => snapshot(state.findUser(idOrUsername)),
    token: (id) => snapshot(state.findToken(id)),
    tokenByValue: (value) => snapshot(state.findTokenByValue(value)),
    activeTokens(user) {
      const owner = user === undefined ? undefined : state.findUser(user);
      if (user !== undefined && !owner) throw new Error(`activeTokens: no user ${String(user)}`);
      return state
        .allTokens()
        .filter((token) => state.isActive(token) && (owner === undefined || token.userId === owner.id))
        .map((token) => structuredClone(token));
    },
    issuedTokenValues: () => state.issuedTokenValues(),
    addGroup: (spec) => state.namespaces.addGroup(spec),
    addProject: (spec) => state.namespaces.addProject(spec),
    addMember: (target, user, accessLevel) => state.namespaces.addMember(target, user, accessLevel),
    group: (idOrPath) => state.namespaces.findGroup(idOrPath),
    project: (idOrPath) => state.namespaces.findProject(idOrPath),
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
    get requests() {
      return log.snapshot();
    },
    clearRequests: () => log.clear(),
    faults: {
      inject: (fault) => faults.inject(fault),
      clear: () => faults.clear(),
      pending: () => faults.pending(),
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Writes a reply; the `Date` header comes from the emulated clock. Returns the status sent. */
/** The real status and headers, a Content-Length for the whole body, half the body, then a dropped socket. */
function sendTruncated(res: ServerResponse, clock: EmulatedClock, reply: Reply): number {
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
  res.sendDate = false;
  res.statusCode = reply.status;
  res.setHeader('date', clock.now().toUTCString());
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', String(Buffer.byteLength(body)));
  res.write(body.slice(0, Math.floor(body.length / 2)));
  setTimeout(() => res.socket?.destroy(), 20);
  return reply.status;
}

function send(res: ServerResponse, clock: EmulatedClock, reply: Reply): number {
  if (res.destroyed || res.writableEnded) return 0;
  res.sendDate = false;
  res.statusCode = reply.status;
  res.setHeader('date', clock.now().toUTCString());
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined || reply.status === 204) {
    res.end();
  } else if (typeof reply.body === 'string') {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(reply.body);
  } else {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(reply.body));
  }
  return reply.status;
}

function mergeParams(query: URLSearchParams, body: unknown): Record<string, unknown> {
  const params = formParams(query);
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) Object.assign(params, body);
  return params;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
