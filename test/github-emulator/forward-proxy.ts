/**
 * A real forward HTTP proxy on 127.0.0.1 (the `proxy` package by TooTallNate) for tests of HTTP_PROXY / HTTPS_PROXY,
 * recording what reached it.
 *
 * Runners never send loopback addresses through a proxy (@actions/http-client's rule), so a test names the GitHub
 * emulator by a host of its own, such as `api.github.test`, which only this proxy knows: it resolves the names in
 * `hosts` the way a corporate proxy resolves api.github.com. undici's ProxyAgent, which the runner's clients use,
 * tunnels every request with CONNECT, plain http included; a tunnel to any other host is refused, so that nothing
 * a test sends can leave the machine.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

export interface ProxiedRequest {
  readonly method: string;
  /** As the client sent it: an absolute URL for plain HTTP, `host:port` for CONNECT. */
  readonly target: string;
  /** Whether it carried a Proxy-Authorization header (never its value). */
  readonly proxyAuthorization: boolean;
}

export interface ForwardProxy extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: what HTTP_PROXY / HTTPS_PROXY are set to. */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

/** `hosts`: names the proxy resolves itself, such as `{ 'api.github.test': '127.0.0.1' }`. */
export async function startForwardProxy(hosts: Record<string, string> = {}): Promise<ForwardProxy> {
  const requests: ProxiedRequest[] = [];
  const record = (req: IncomingMessage) =>
    requests.push({
      method: req.method ?? 'GET',
      target: req.url ?? '',
      proxyAuthorization: req.headers['proxy-authorization'] !== undefined,
    });
  const server = createServer();
  // Registered before the proxy's own handler, which reads req.url after this has run.
  server.on('request', (req: IncomingMessage) => {
    record(req);
    const target = absoluteUrl(req.url);
    const address = target ? hosts[target.hostname] : undefined;
    if (target && address !== undefined) {
      target.hostname = address;
      req.url = target.href;
    }
  });
  createProxy(server);
  // The proxy's own CONNECT handler opens the tunnel, but only to the names in `hosts`.
  const [tunnel] = server.listeners('connect') as ((
    req: IncomingMessage,
    socket: Socket,
    head: Buffer,
  ) => void)[];
  server.removeAllListeners('connect');
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    record(req);
    const [host, port] = (req.url ?? '').split(':');
    const address = host === undefined ? undefined : hosts[host];
    if (address === undefined || tunnel === undefined) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    req.url = `${address}:${port ?? ''}`;
    tunnel.call(server, req, socket, head);
  });
  // Tunnels leave the HTTP server's bookkeeping, so closeAllConnections alone would not end them.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function absoluteUrl(text: string | undefined): URL | undefined {
  try {
    return new URL(text ?? '');
  } catch {
    return undefined;
  }
}
