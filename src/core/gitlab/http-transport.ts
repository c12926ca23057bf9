/**
 * HTTP exchanges over node:http and node:https, for any JSON API (GitLab's today). What it guarantees, and fetch
 * did not:
 * - Redirects are never followed: a 3xx fails with reason `redirect`, naming where it pointed (origin and path
 *   only). Following one would hand the credential header, or a request body holding a new token, to whatever the
 *   Location names, and would send a POST twice.
 * - Nothing is ever re-sent: one `send` is at most one request on the wire.
 * - A response counts only when read whole within the attempt's time: the timeout covers connecting, the proxy
 *   tunnel, TLS, the headers and the whole body; a body that breaks off fails with reason `connection`.
 * - One keep-alive agent per transport, so the requests of a run share connections; idle sockets do not keep the
 *   process alive (Node unreferences them), and `close()` ends them at once. Requests that are not idempotent go on
 *   a connection of their own: a reused idle connection that the server closes at that moment would fail a rotate
 *   with an unknown outcome.
 * - Proxies from the environment (see proxy.ts); certificates checked against Node's CA store, which
 *   NODE_EXTRA_CA_CERTS extends.
 * - Errors carry no header, no body and no proxy credentials (see HttpTransportError).
 */
import http, { type Agent, type ClientRequest, type IncomingMessage } from 'node:http';
import { HttpTransportError, showableUrl, tlsProblemOf } from './http-transport-error.js';
import { CONNECT_SIGNAL, createProxyAgent, proxyFor, type ProxyRoute } from './proxy.js';

export interface HttpRequest {
  /** Upper case: GET, POST, PUT, DELETE ... */
  readonly method: string;
  /** http: or https:. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as is (UTF-8) with its Content-Length. */
  readonly body?: string;
  /** Milliseconds for the whole exchange: connect, proxy, TLS, headers and body. */
  readonly timeoutMs: number;
}

export interface HttpResponse {
  /** 1xx and 3xx never arrive here (3xx fails with reason `redirect`). */
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The whole body, decoded from gzip, deflate or br if the server compressed it, as UTF-8 text. */
  readonly body: string;
}

export interface HttpTransport {
  /**
   * One request, sent once. Resolves with any non-3xx answer read whole (a 4xx or 5xx is an answer, not an error).
   *
   * @throws HttpTransportError: `timeout`, `connection`, `tls`, `proxy` or `redirect`.
   */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Ends every connection, idle or busy; the transport cannot be used afterwards. */
  close(): void;
}

export interface HttpTransportOptions {
  /** Where HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (either case) are read; usually `process.env`. */
  readonly env: NodeJS.ProcessEnv;
}

/** Methods that may share a connection with earlier requests (RFC 9110 idempotent methods). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

type HttpsModule = typeof import('node:https');
let httpsModule: Promise<HttpsModule> | undefined;

/** node:https (and with it node:tls), loaded by the first https request: a run against http:// never needs it. */
function loadHttps(): Promise<HttpsModule> {
  return (httpsModule ??= import('node:https'));
}

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const agents = new Map<string, Promise<Agent>>();
  let closed = false;

  function agentFor(url: URL, proxy: ProxyRoute | undefined, reuse: boolean): Promise<Agent> {
    const key = `${url.protocol} ${proxy?.url.href ?? 'direct'} ${proxy?.authorization ?? ''} ${reuse}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = proxy
        ? createProxyAgent(url.protocol, proxy, reuse)
        : url.protocol === 'https:'
          ? loadHttps().then((https) => new https.Agent({ keepAlive: reuse }))
          : Promise.resolve(new http.Agent({ keepAlive: reuse }));
      agents.set(key, agent);
    }
    return agent;
  }

  return {
    async send(request) {
      if (closed) throw new Error('This HTTP transport was closed');
      if (request.url.protocol !== 'http:' && request.url.protocol !== 'https:') {
        throw new Error(`Only http and https URLs can be requested, not ${request.url.protocol}`);
      }
      const proxy = await proxyFor(request.url, options.env);
      const agent = await agentFor(request.url, proxy, IDEMPOTENT.has(request.method));
      const client = request.url.protocol === 'https:' ? await loadHttps() : http;
      return exchange(request, client, agent, proxy);
    },
    close() {
      closed = true;
      for (const agent of agents.values()) {
        void agent.then(
          (created) => created.destroy(),
          // An agent that could not be made has nothing to end; its error was reported by the send that asked.
          () => undefined,
        );
      }
      agents.clear();
    },
  };
}

function exchange(
  request: HttpRequest,
  client: Pick<typeof http, 'request'>,
  agent: Agent,
  proxy: ProxyRoute | undefined,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (
      request.body !== undefined &&
      !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')
    ) {
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    // Ends a connection to a proxy that is still being opened, which the request itself cannot reach.
    const abort = new AbortController();
    const req: ClientRequest = client.request(request.url, {
      method: request.method,
      headers,
      agent,
      ...(proxy ? { [CONNECT_SIGNAL]: abort.signal } : {}),
    });
    const via = proxy ? { proxy: proxy.shown } : {};
    let settled = false;
    // Through a proxy, a failure before the proxy has opened the way is the proxy's.
    let proxyOpened = proxy === undefined;
    let proxyRefused: number | undefined;

    const fail = (error: HttpTransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      abort.abort();
      reject(error);
    };
    const succeed = (response: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    const timer = setTimeout(() => {
      fail(
        new HttpTransportError(proxyOpened ? 'timeout' : 'proxy', {
          detail: proxyOpened
            ? `no complete answer within ${request.timeoutMs} ms`
            : `the proxy did not open a connection within ${request.timeoutMs} ms`,
          ...via,
        }),
      );
    }, request.timeoutMs);

    req.on('proxyConnect', (connect: { statusCode?: number }) => {
      // https-proxy-agent replays a refused CONNECT's answer as if the server had sent it; it must not count as one.
      if (connect.statusCode === undefined || connect.statusCode === 200) proxyOpened = true;
      else proxyRefused = connect.statusCode;
    });
    req.on('error', (error: Error & { code?: unknown }) => {
      if (proxyRefused !== undefined) return fail(proxyRefusal(proxyRefused, via));
      fail(classifyError(error, proxyOpened, via));
    });
    req.on('response', (res: IncomingMessage) => {
      // Errors after a failure are expected (the request is destroyed); the first one has already been reported.
      res.on('error', () => undefined);
      const status = res.statusCode ?? 0;
      // A forward proxy (http targets) answers 407 itself: no server sends it.
      if (proxyRefused !== undefined || (proxy && status === 407)) {
        res.resume();
        return fail(proxyRefusal(proxyRefused ?? status, via));
      }
      proxyOpened = true;
      readBody(res).then(
        (body) => {
          if (status >= 300 && status < 400 && status !== 304) {
            return fail(
              new HttpTransportError('redirect', {
                detail: `answered ${status}, a redirect, which is not followed`,
                status,
                location: describeLocation(res.headers.location, request.url),
                ...via,
              }),
            );
          }
          succeed({ status, headers: flattenHeaders(res), body });
        },
        (error: HttpTransportError) => fail(error),
      );
    });

    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}

function proxyRefusal(status: number, via: { proxy?: string }): HttpTransportError {
  return new HttpTransportError('proxy', {
    detail:
      status === 407
        ? 'the proxy answered 407: it wants credentials it did not get or did not accept'
        : `the proxy refused to connect to the server (it answered ${status})`,
    proxyStatus: status,
    ...via,
  });
}

function classifyError(
  error: Error & { code?: unknown },
  proxyOpened: boolean,
  via: { proxy?: string },
): HttpTransportError {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const tlsProblem = code === undefined ? undefined : tlsProblemOf(code);
  if (!proxyOpened) {
    return new HttpTransportError('proxy', {
      detail: code ?? 'connection failed',
      ...(code ? { code } : {}),
      ...via,
    });
  }
  if (tlsProblem !== undefined && code !== undefined) {
    return new HttpTransportError('tls', { detail: code, code, tlsProblem, ...via });
  }
  return new HttpTransportError('connection', {
    detail: code ?? 'connection failed',
    ...(code ? { code } : {}),
    ...via,
  });
}

/** The whole body, or an error when the connection ends before it is complete. */
function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    const brokenOff = () =>
      reject(new HttpTransportError('connection', { detail: 'the answer broke off before its end' }));
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', () => {
      if (!ended) brokenOff();
    });
    res.on('close', () => {
      if (!ended) brokenOff();
    });
    res.on('end', () => {
      ended = true;
      if (!res.complete) return brokenOff();
      decode(Buffer.concat(chunks), res.headers['content-encoding']).then(resolve, reject);
    });
  });
}

async function decode(raw: Buffer, encoding: string | undefined): Promise<string> {
  const coding = (encoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '' || raw.length === 0) return raw.toString('utf8');
  // Not asked for (no Accept-Encoding is sent), but proxies compress anyway; zlib is loaded only then.
  const zlib = await import('node:zlib');
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return zlib.gunzipSync(raw).toString('utf8');
    if (coding === 'deflate') return zlib.inflateSync(raw).toString('utf8');
    if (coding === 'br') return zlib.brotliDecompressSync(raw).toString('utf8');
  } catch {
    throw new HttpTransportError('connection', {
      detail: `the ${coding}-compressed answer could not be decoded`,
    });
  }
  throw new HttpTransportError('connection', {
    detail: `the answer is encoded with ${coding}, which is not supported`,
  });
}

function flattenHeaders(res: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * A Location header as it may be shown: resolved against the request, origin and path only, not shortened (the
 * request layer redacts it first).
 */
function describeLocation(location: string | undefined, base: URL): string | undefined {
  if (location === undefined || location.trim() === '') return undefined;
  try {
    return showableUrl(new URL(location, base), true, Number.POSITIVE_INFINITY);
  } catch {
    return undefined;
  }
}
