/**
 * The proxy agents, in a module of their own so that they (and `debug`, which they log through) are bundled into a
 * chunk that only a run through a proxy loads.
 */
import type { Agent } from 'node:http';
import debug from 'debug';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';

const AGENT_NAMESPACES = ['http-proxy-agent', 'https-proxy-agent'];

// With DEBUG=* the agents would log whole requests, PRIVATE-TOKEN header and body included (http-proxy-agent's
// "Output buffer"), past every redaction. Keep whatever else the user enabled; silence these two.
if (AGENT_NAMESPACES.some((namespace) => debug.enabled(namespace))) {
  const enabled = debug.disable();
  debug.enable([enabled, ...AGENT_NAMESPACES.map((namespace) => `-${namespace}`)].filter(Boolean).join(','));
}

function proxyHeaders(authorization: string | undefined): Record<string, string> {
  return authorization === undefined ? {} : { 'Proxy-Authorization': authorization };
}

/** For https targets: a CONNECT tunnel through the proxy, then TLS with the server inside it. */
export function createTunnelAgent(proxy: URL, authorization: string | undefined, keepAlive: boolean): Agent {
  return new HttpsProxyAgent(proxy, { keepAlive, headers: proxyHeaders(authorization) });
}

/** For http targets: the request goes to the proxy with the absolute URL. */
export function createForwardAgent(proxy: URL, authorization: string | undefined, keepAlive: boolean): Agent {
  return new HttpProxyAgent(proxy, { keepAlive, headers: proxyHeaders(authorization) });
}
