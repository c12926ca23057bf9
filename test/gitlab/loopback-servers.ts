/**
 * Bare servers on 127.0.0.1 for the transport tests: one that records every request and connection that reaches it
 * (the "other host" of a redirect, a server whose answers misbehave), a TLS front that puts HTTPS before any of
 * them, and a forward proxy (the `proxy` package) that records what it was asked to do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createProxy } from 'proxy';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface LoopbackServer {
  readonly url: string;
  readonly port: number;
  /** Every request that reached the server, whole. */
  readonly requests: SeenRequest[];
  /** TCP connections accepted. */
  connections(): number;
  /** TCP connections still open. */
  openConnections(): number;
  close(): Promise<void>;
}

export type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** An HTTP server that answers with `answer` (default: 200 `{"ok":true}`) and records everything it receives. */
export async function startRecordingServer(
  answer: Answer = (_req, res) => sendJson(res, 200, { ok: true }),
  options: { keepAliveTimeoutMs?: number } = {},
): Promise<LoopbackServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(req, res, body);
    });
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => accepted,
    openConnections: () => sockets.size,
    close: () => closeServer(server, sockets),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export interface TestCertificates {
  readonly dir: string;
  /** PEM of the private CA, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly key: string;
  /** Issued by the CA for DNS:localhost only (so https://127.0.0.1 fails the host-name check). */
  readonly cert: string;
  remove(): void;
}

/** A private CA and a server certificate for `localhost`, made with the openssl command line. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(
    file('san.ext'),
    'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=gitlab-pat test CA',
  );
  openssl(
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  return {
    dir,
    caFile: file('ca.pem'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsFront {
  /** `https://localhost:<port>`. */
  readonly url: string;
  readonly port: number;
  /** TLS handshakes that completed. */
  handshakes(): number;
  close(): Promise<void>;
}

/** HTTPS in front of a plain HTTP server on loopback: TLS ends here, the bytes go on to `targetPort`. */
export async function startTlsFront(certificates: TestCertificates, targetPort: number): Promise<TlsFront> {
  const sockets = new Set<Socket>();
  let completed = 0;
  const server = createTlsServer({ key: certificates.key, cert: certificates.cert }, (client: TLSSocket) => {
    completed += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that rejects our certificate hangs up mid-handshake; that is the point of some tests.
  server.on('tlsClientError', () => undefined);
  const port = await listen(server);
  return {
    url: `https://localhost:${port}`,
    port,
    handshakes: () => completed,
    close: () => closeServer(server, sockets),
  };
}

export interface ForwardProxy {
  readonly url: string;
  readonly port: number;
  /** What clients asked: `CONNECT host:port` for tunnels, `GET http://...` for plain requests. */
  readonly asked: string[];
  close(): Promise<void>;
}

/**
 * The `proxy` package's forward proxy (plain requests and CONNECT tunnels). With `credentials`, it answers 407
 * unless the client sends them as Basic proxy authentication.
 */
export async function startForwardProxy(credentials?: {
  user: string;
  password: string;
}): Promise<ForwardProxy> {
  const asked: string[] = [];
  const sockets = new Set<Socket>();
  const server = createProxy(createServer());
  if (credentials) {
    const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
    server.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  // Listeners added before the package's own see every request first.
  server.prependListener('request', (req: IncomingMessage) => asked.push(`${req.method} ${req.url}`));
  server.prependListener('connect', (req: IncomingMessage) => asked.push(`CONNECT ${req.url}`));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, asked, close: () => closeServer(server, sockets) };
}

function listen(server: Server | ReturnType<typeof createTlsServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(
  server: Server | ReturnType<typeof createTlsServer>,
  sockets: Set<Socket>,
): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}
