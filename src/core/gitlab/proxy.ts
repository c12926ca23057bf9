/**
 * Which proxy, if any, a request goes through: `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and `NO_PROXY`, upper or
 * lower case (lower case wins), decided by proxy-from-env with NO_PROXY read as curl reads it: `*`, host names that
 * also cover their subdomains, `.domain` or `*.domain` suffixes, `host:port`, IP addresses (IPv6 with or without
 * brackets). As with curl, a loopback host goes through the proxy unless NO_PROXY names it (`localhost,127.0.0.1`).
 * The libraries are imported only when a proxy variable is set, so that a run without a proxy never loads them.
 */
import type { Agent } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { HttpTransportError, showableUrl } from './http-transport-error.js';

/** The request option that carries a request's AbortSignal to the proxy agents (see proxy-agents.ts). */
export const CONNECT_SIGNAL = 'connectSignal';

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
 * proxy-from-env reads `process.env` and takes no environment of its own; lend it ours (in curl's reading, see
 * below) for the one synchronous call, so that the transport honours exactly the environment it was given.
 */
function withEnvironment<T>(env: NodeJS.ProcessEnv, decide: () => T): T {
  const lent: NodeJS.ProcessEnv = { ...env };
  // curl and Go take a proxy without a scheme as http://; proxy-from-env would take the target's (TLS to the proxy).
  for (const name of PROXY_VARIABLES) {
    const value = lent[name];
    if (value && !value.includes('://')) lent[name] = `http://${value}`;
  }
  const noProxy = env.no_proxy || env.NO_PROXY;
  if (noProxy) {
    lent.no_proxy = curlNoProxy(noProxy);
    delete lent.NO_PROXY;
  }
  const own = process.env;
  process.env = lent;
  try {
    return decide();
  } finally {
    process.env = own;
  }
}

/**
 * NO_PROXY as curl (and Go, which the GitLab runner is written in) read it, rewritten into proxy-from-env's
 * stricter syntax: a plain domain also covers its subdomains (`example.com` matches `www.example.com`), and an IPv6
 * address may be written without brackets (`::1`).
 */
export function curlNoProxy(value: string): string {
  const entries: string[] = [];
  for (const raw of value.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (isIPv6(entry)) {
      entries.push(`[${entry}]`);
    } else if (entry === '*' || entry.startsWith('.') || entry.startsWith('*') || entry.startsWith('[')) {
      entries.push(entry);
    } else {
      const host = entry.replace(/:\d+$/, '');
      entries.push(entry);
      if (!isIPv4(host)) entries.push(`.${entry}`);
    }
  }
  return entries.join(',');
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
