/** Plain-fetch calls to the emulator for its own tests: what GitLab answered, parsed. */
import type { GitlabEmulator } from './control-api.js';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

export interface CallOptions {
  token?: string;
  /** How the token is sent; default `private-token`. */
  via?: 'private-token' | 'bearer' | 'query';
  body?: unknown;
  signal?: AbortSignal;
}

export async function callApi(
  emu: GitlabEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  let url = `${emu.url}/api/v4${path}`;
  if (options.token !== undefined) {
    if (options.via === 'bearer') headers['authorization'] = `Bearer ${options.token}`;
    else if (options.via === 'query')
      url += `${url.includes('?') ? '&' : '?'}private_token=${encodeURIComponent(options.token)}`;
    else headers['private-token'] = options.token;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}
