/**
 * The GitLab emulator: an in-process HTTP server on 127.0.0.1 that answers the REST API v4 calls the product
 * makes, plus the control API tests use to seed state, move the clock, inject faults and read the request log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock, type EmulatedClock } from './clock.js';
import { FaultInjector, type FaultSpec } from './faults.js';
import { authenticate, presentedToken } from './http/authentication.js';
import { GitlabError, malformedBody, unknownRoute } from './http/gitlab-errors.js';
import { formParams, parseBody } from './http/request-body.js';
import type { InstanceInfo, Reply, RequestContext } from './http/route.js';
import { Router } from './http/router.js';
import { RequestLog, type RecordedRequest } from './request-log.js';
import { metadataRoutes } from './routes/metadata.js';
import { personalAccessTokenRoutes } from './routes/personal-access-tokens.js';
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
  router.add(...metadataRoutes, ...userRoutes, ...personalAccessTokenRoutes);
  const faults = new FaultInjector();
  const log = new RequestLog();
  const hanging = new Set<ServerResponse>();
  let baseUrl = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('GitLab emulator: request handling failed', error);
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
