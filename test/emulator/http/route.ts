/**
 * What a route module declares and what its handler receives. A route states its authentication and the token
 * scopes GitLab registers for it; the HTTP layer enforces both before the handler runs, in GitLab's order.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatedClock } from '../clock.js';
import type { EmuToken, EmuUser, EmulatorState } from '../state.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One `allow_access_with_scope` line; `readOnly` is its `if: request.get? || request.head?` condition. */
export interface ScopeGrant {
  readonly name: string;
  readonly readOnly?: boolean;
}

/** Registered on API::API itself, so every endpoint accepts them after its own. */
export const API_WIDE_SCOPES: readonly ScopeGrant[] = [{ name: 'api' }, { name: 'read_api', readOnly: true }];

export interface Caller {
  readonly token: EmuToken;
  readonly user: EmuUser;
}

export interface InstanceInfo {
  readonly version: string;
  readonly revision: string;
  readonly enterprise: boolean;
}

export interface RequestContext {
  readonly method: string;
  /** As received, still URL-encoded, without the query. */
  readonly path: string;
  /** Path parameters, URL-decoded (`example%2Fexample` becomes `example/example`). */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Grape's `params`: path, query and body parameters merged (body wins). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly headers: IncomingHttpHeaders;
  /** `http://127.0.0.1:PORT`: what links and URLs in answers are built from. */
  readonly baseUrl: string;
  readonly remoteAddress: string;
  readonly state: EmulatorState;
  readonly clock: EmulatedClock;
  readonly instance: InstanceInfo;
  /** The authenticated caller; always set on routes with `auth: 'required'`. */
  readonly caller: Caller | undefined;
}

export interface Reply {
  readonly status: number;
  /** Serialized as JSON; omitted for 204. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** e.g. `/api/v4/personal_access_tokens/:id/rotate`; `:name` segments become path parameters. */
  readonly path: string;
  /** `required`: `authenticate!`; `optional`: a presented token must still be valid, but none is needed. */
  readonly auth: 'required' | 'optional';
  /** Scopes of the endpoint class, before the API-wide ones; `'any'` for classes that allow every scope. */
  readonly scopes: readonly ScopeGrant[] | 'any';
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

/** The caller of a route declared `auth: 'required'`. */
export function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller)
    throw new Error(`${ctx.method} ${ctx.path} declares auth: 'required' but ran without a caller`);
  return ctx.caller;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function noContent(): Reply {
  return { status: 204 };
}
