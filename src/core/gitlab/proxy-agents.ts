/**
 * The proxy agents, in a module of their own so that they (and `debug`, which they log through) are bundled into a
 * chunk that only a run through a proxy loads.
 */
import type { Agent, ClientRequest } from 'node:http';
import debug from 'debug';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { CONNECT_SIGNAL } from './proxy.js';

const AGENT_NAMESPACES = ['http-proxy-agent', 'https-proxy-agent'];

// With DEBUG=* the agents would log whole requests, PRIVATE-TOKEN header and body included (http-proxy-agent's
// "Output buffer"), past every redaction. Keep whatever else the user enabled; silence these two.
if (AGENT_NAMESPACES.some((namespace) => debug.enabled(namespace))) {
  const enabled = debug.disable();
  debug.enable([enabled, ...AGENT_NAMESPACES.map((namespace) => `-${namespace}`)].filter(Boolean).join(','));
}

/** agent-base's connect options (its types are not a dependency of ours). */
type AgentConnectOpts = Parameters<HttpsProxyAgent<string>['connect']>[1];

function proxyHeaders(authorization: string | undefined): Record<string, string> {
  return authorization === undefined ? {} : { 'Proxy-Authorization': authorization };
}

/**
 * The agents open the socket to the proxy with their own options, out of reach of the request: a request that
 * times out while the proxy is silent would leave that socket open, keeping the process alive. A request passes
 * its AbortSignal as the `connectSignal` option; it becomes the socket's own for the synchronous start of
 * `connect`, where the socket is made, so that aborting the request destroys it.
 */
function withConnectSignal<T>(
  agent: { connectOpts: object },
  options: AgentConnectOpts,
  connect: () => T,
): T {
  const signal = (options as { [CONNECT_SIGNAL]?: AbortSignal })[CONNECT_SIGNAL];
  if (signal === undefined) return connect();
  const own = agent.connectOpts;
  agent.connectOpts = { ...own, signal };
  try {
    return connect();
  } finally {
    agent.connectOpts = own;
  }
}

class TunnelAgent extends HttpsProxyAgent<string> {
  override connect(req: ClientRequest, options: AgentConnectOpts) {
    return withConnectSignal(this, options, () => super.connect(req, options));
  }
}

class ForwardAgent extends HttpProxyAgent<string> {
  override connect(req: Parameters<HttpProxyAgent<string>['connect']>[0], options: AgentConnectOpts) {
    return withConnectSignal(this, options, () => super.connect(req, options));
  }
}

/** For https targets: a CONNECT tunnel through the proxy, then TLS with the server inside it. */
export function createTunnelAgent(proxy: URL, authorization: string | undefined, keepAlive: boolean): Agent {
  return new TunnelAgent(proxy, { keepAlive, headers: proxyHeaders(authorization) });
}

/** For http targets: the request goes to the proxy with the absolute URL. */
export function createForwardAgent(proxy: URL, authorization: string | undefined, keepAlive: boolean): Agent {
  return new ForwardAgent(proxy, { keepAlive, headers: proxyHeaders(authorization) });
}
