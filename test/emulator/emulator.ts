/**
 * The GitLab emulator: an in-process HTTP (or HTTPS) server on 127.0.0.1 that answers the REST API v4 calls the
 * product makes, plus the control API (control-api.ts) tests use to seed state, move the clock, inject faults
 * and read the request log.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createClock } from './clock.js';
import { createControlApi, type GitlabEmulator } from './control-api.js';
import { FaultInjector } from './faults.js';
import { authenticate, presentedToken } from './http/authentication.js';
import { GitlabError, malformedBody, unknownRoute } from './http/gitlab-errors.js';
import { formParams, parseBody } from './http/request-body.js';
import type { InstanceInfo, Reply, RequestContext } from './http/route.js';
import { Router } from './http/router.js';
import { RequestLog } from './request-log.js';
import { ciVariableRoutes } from './routes/ci-variables.js';
import { groupDescendantRoutes } from './routes/group-descendants.js';
import { groupRoutes } from './routes/groups.js';
import { memberRoutes } from './routes/members.js';
import { metadataRoutes } from './routes/metadata.js';
import { personalAccessTokenRoutes } from './routes/personal-access-tokens.js';
import { projectRoutes } from './routes/projects.js';
import { resourceAccessTokenRoutes } from './routes/resource-access-tokens.js';
import { serviceAccountRoutes } from './routes/service-accounts.js';
import { userRoutes } from './routes/users.js';
import { EmulatorState, type Tier } from './state.js';

export interface EmulatorOptions {
  /** Initial emulated clock; default: the real time now. The clock then stands still until moved. */
  now?: Date | string;
  /** 365 by default; 400 emulates a self-managed instance with `buffered_token_expiration_limit`. */
  maxTokenLifetimeDays?: number;
  /** The license: `free` has no service accounts (403); `premium` and `ultimate` have them. Default `ultimate`. */
  tier?: Tier;
  /** Real milliseconds every answer waits before it is handled; default 0. See GitlabEmulator.setLatency. */
  latencyMs?: number;
  /**
   * Serve HTTPS with this PEM private key and certificate (chain): `url` then starts with `https://`, and a
   * client must trust the certificate's CA (see loadTestCertificates for a private CA made for 127.0.0.1).
   */
  tls?: { key: string; cert: string };
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
  const state = new EmulatorState(() => clock.now(), options.maxTokenLifetimeDays ?? 365, options.tier);
  const router = new Router();
  router.add(
    ...metadataRoutes,
    ...userRoutes,
    ...personalAccessTokenRoutes,
    ...resourceAccessTokenRoutes,
    ...serviceAccountRoutes,
    ...projectRoutes,
    ...groupRoutes,
    ...groupDescendantRoutes,
    ...memberRoutes,
    ...ciVariableRoutes,
  );
  const faults = new FaultInjector();
  const log = new RequestLog();
  const hanging = new Set<ServerResponse>();
  let baseUrl = '';
  let latencyMs = checkedLatency(options.latencyMs ?? 0);
  /** The `Date` header when a test set one; otherwise the emulated clock's time. */
  let serverDate: string | undefined;
  const answerDate = () => serverDate ?? clock.now().toUTCString();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // Only the route and the stack: request bodies hold token values and never reach the console.
      const where = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0] ?? '/'}`;
      console.error(
        `GitLab emulator: ${where} failed: ${error instanceof Error ? error.stack : 'non-Error thrown'}`,
      );
      if (!res.headersSent && !res.destroyed)
        send(res, answerDate(), { status: 500, body: { message: '500 Internal Server Error' } });
    });
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
    : createHttpServer(onRequest);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = parseBody(raw, req.headers['content-type']);
    const params = mergeParams(url.searchParams, body.value);
    const presented = presentedToken(req.headers, params);
    const presentedId = presented === undefined ? undefined : state.tokenIdForLog(presented);
    const entry = log.open({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: clock.now().toISOString(),
      ...(presentedId === undefined ? {} : { authTokenId: presentedId }),
      ...(body.value === undefined ? {} : { body: body.value }),
    });

    const fault = faults.take(method, url.pathname, url.searchParams);
    if (fault) entry.faulted = true;
    if (latencyMs > 0) await sleep(latencyMs);
    if (fault?.delayMs !== undefined) await sleep(fault.delayMs);
    if (res.destroyed) return;
    const extraHeaders = fault?.headers;

    const answer = fault?.respondWith
      ? fault.respondWith({ method, url: req.url ?? '/', body: raw })
      : fault?.respond;
    if (answer) {
      entry.status = send(res, answerDate(), answer, extraHeaders);
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
      entry.status = sendTruncated(res, answerDate(), reply, extraHeaders);
      return;
    }
    entry.status = send(res, answerDate(), after ?? reply, extraHeaders);
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
  const { port } = server.address() as AddressInfo;
  baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.noreplyDomain = 'noreply.127.0.0.1';

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

  return createControlApi(state, {
    url: baseUrl,
    clock,
    faults,
    log,
    setLatency(ms) {
      latencyMs = checkedLatency(ms);
    },
    setServerDate(date) {
      if (date === null) {
        serverDate = undefined;
        return;
      }
      const instant = date instanceof Date ? date : new Date(date);
      if (Number.isNaN(instant.getTime())) throw new Error(`setServerDate: ${String(date)} is not a date`);
      serverDate = instant.toUTCString();
    },
    close,
  });
}

function checkedLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw new Error(`A latency is a number of milliseconds >= 0, not ${ms}`);
  return ms;
}

/**
 * The real status and headers, a Content-Length for the whole body, half the body, then a dropped socket.
 * Returns the status sent.
 */
function sendTruncated(
  res: ServerResponse,
  date: string,
  reply: Reply,
  extraHeaders: Record<string, string> | undefined,
): number {
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
  res.sendDate = false;
  res.statusCode = reply.status;
  res.setHeader('date', date);
  for (const [name, value] of Object.entries({ ...reply.headers, ...extraHeaders }))
    res.setHeader(name, value);
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', String(Buffer.byteLength(body)));
  res.write(body.slice(0, Math.floor(body.length / 2)));
  setTimeout(() => res.socket?.destroy(), 20);
  return reply.status;
}

/**
 * Writes a reply: a string body as is (text/plain unless the reply names a type), anything else as JSON. The
 * `Date` header is the emulated clock's (or the test's override); `extraHeaders` replace the reply's. Returns
 * the status sent.
 */
function send(
  res: ServerResponse,
  date: string,
  reply: Reply,
  extraHeaders?: Record<string, string>,
): number {
  if (res.destroyed || res.writableEnded) return 0;
  res.sendDate = false;
  res.statusCode = reply.status;
  res.setHeader('date', date);
  for (const [name, value] of Object.entries({ ...reply.headers, ...extraHeaders }))
    res.setHeader(name, value);
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
