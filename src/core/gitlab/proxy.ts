/**
 * Which proxy, if any, a request goes through: `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and `NO_PROXY`, upper or
 * lower case, decided by proxy-from-env (the rules of curl and wget: `*`, host names, `.domain` or `*.domain`
 * suffixes, `host:port`). The libraries are imported only when a proxy variable is set, so that a run without a
 * proxy never loads them.
 */
import type { Agent } from 'node:http';
import { HttpTransportError, showableUrl } from './http-transport-error.js';

/** Every variable proxy-from-env reads for http and https URLs, in both cases it accepts. */
const PROXY_VARIABLES = ['https_proxy', 'http_proxy', 'all_proxy'].flatMap((name) => [
  name,
  name.toUpperCase(),
]);

/** A proxy to use, split so that its credentials never travel with anything that might be shown or logged. */
export interface ProxyRoute {
  /** Scheme, host and port only: what a message may name. */
  readonly shown: string;
  /** The proxy URL without user name and password (the agents log it when DEBUG is set). */
  readonly url: URL;
  /** `Basic ...` for the `Proxy-Authorization` header when the proxy URL carried credentials. */
  readonly authorization: string | undefined;
}

/**
 * The proxy for `target` under `env`, or undefined for a direct connection.
 *
 * @throws HttpTransportError (reason `proxy`) when the proxy variable is not a URL or names a scheme other than
 *   http or https (a SOCKS proxy, say); the message never repeats the variable's value.
 */
export async function proxyFor(target: URL, env: NodeJS.ProcessEnv): Promise<ProxyRoute | undefined> {
  if (!PROXY_VARIABLES.some((name) => env[name])) return undefined;
  const { getProxyForUrl } = await import('proxy-from-env');
  const chosen = withEnvironment(env, () => getProxyForUrl(target));
  if (chosen === '') return undefined;
  let url: URL;
  try {
    url = new URL(chosen);
  } catch {
    throw new HttpTransportError('proxy', {
      detail: `the proxy setting for ${target.protocol.slice(0, -1)} URLs (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) is not a URL`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpTransportError('proxy', {
      detail: `${url.protocol.slice(0, -1)} proxies are not supported, only http:// and https:// ones`,
      proxy: showableUrl(url, false),
    });
  }
  const authorization =
    url.username || url.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
      : undefined;
  url.username = '';
  url.password = '';
  return { shown: showableUrl(url, false), url, authorization };
}

/**
 * proxy-from-env reads `process.env` and takes no environment of its own; lend it ours for the one synchronous
 * call, so that the transport honours exactly the environment it was given.
 */
function withEnvironment<T>(env: NodeJS.ProcessEnv, decide: () => T): T {
  if (env === process.env) return decide();
  const own = process.env;
  process.env = env;
  try {
    return decide();
  } finally {
    process.env = own;
  }
}

/**
 * An agent that sends requests for `targetProtocol` URLs through `proxy`: a CONNECT tunnel for https, absolute-URL
 * requests for http. `keepAlive` false gives every request a connection of its own.
 */
export async function createProxyAgent(
  targetProtocol: string,
  proxy: ProxyRoute,
  keepAlive: boolean,
): Promise<Agent> {
  const { createTunnelAgent, createForwardAgent } = await import('./proxy-agents.js');
  return targetProtocol === 'https:'
    ? createTunnelAgent(proxy.url, proxy.authorization, keepAlive)
    : createForwardAgent(proxy.url, proxy.authorization, keepAlive);
}
