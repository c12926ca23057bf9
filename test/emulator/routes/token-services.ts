/**
 * What every token kind shares, because in GitLab every kind is a PersonalAccessToken row: the list filters
 * (API::Helpers::PersonalAccessTokensHelpers `access_token_params` and PersonalAccessTokensFinder), the model's
 * validations on create (app/models/personal_access_token.rb), RotateService and RevokeService. The endpoints
 * of personal, project, group and service-account tokens differ only in who may call them, which tokens they
 * can reach, and the entity they answer with.
 */
import { addDays, utcDate } from '../clock.js';
import { badRequest } from '../http/gitlab-errors.js';
import { paginate, readPageRequest, type Page } from '../http/pagination.js';
import type { ParamReader } from '../http/request-params.js';
import type { RequestContext } from '../http/route.js';
import type { EmuToken, EmulatorState } from '../state.js';

/** RotateService's default when `expires_at` is left out (and expiry is enforced, GitLab's default). */
const DEFAULT_ROTATION_DAYS = 7;
const MAX_DESCRIPTION_LENGTH = 255;

type TokenSort = (a: EmuToken, b: EmuToken) => number;

export interface TokenFilters {
  readonly revoked: boolean | undefined;
  readonly state: 'active' | 'inactive' | undefined;
  readonly createdBefore: Date | undefined;
  readonly createdAfter: Date | undefined;
  readonly lastUsedBefore: Date | undefined;
  readonly lastUsedAfter: Date | undefined;
  readonly expiresBefore: string | undefined;
  readonly expiresAfter: string | undefined;
  readonly search: string | undefined;
  readonly sort: string | undefined;
}

/** `use :access_token_params`; failures are recorded in `reader` and answered by its `finish()`. */
export function readTokenFilters(reader: ParamReader): TokenFilters {
  return {
    revoked: reader.optionalBoolean('revoked'),
    state: reader.optionalChoice('state', ['active', 'inactive'] as const),
    createdBefore: reader.optionalDateTime('created_before'),
    createdAfter: reader.optionalDateTime('created_after'),
    lastUsedBefore: reader.optionalDateTime('last_used_before'),
    lastUsedAfter: reader.optionalDateTime('last_used_after'),
    expiresBefore: reader.optionalDate('expires_before'),
    expiresAfter: reader.optionalDate('expires_after'),
    search: reader.optionalString('search'),
    sort: reader.optionalString('sort'),
  };
}

/** PersonalAccessTokensFinder's filters and sort (by id when `sort` is missing or unknown). */
export function filterTokens(
  state: EmulatorState,
  tokens: readonly EmuToken[],
  filters: TokenFilters,
): EmuToken[] {
  // Today once for the whole list, not once per token: a page of a 10,000-token list is otherwise mostly dates.
  const today = state.today();
  const isActive = (token: EmuToken) => state.isActive(token, today);
  const {
    createdAfter,
    createdBefore,
    expiresAfter,
    expiresBefore,
    lastUsedAfter,
    lastUsedBefore,
    revoked,
    search,
  } = filters;
  const kept = tokens.filter(
    (token) =>
      (filters.state !== 'active' || isActive(token)) &&
      (filters.state !== 'inactive' || !isActive(token)) &&
      (revoked === undefined || token.revoked === revoked) &&
      (!createdBefore || Date.parse(token.createdAt) <= createdBefore.getTime()) &&
      (!createdAfter || Date.parse(token.createdAt) >= createdAfter.getTime()) &&
      (!lastUsedBefore || usedAt(token) <= lastUsedBefore.getTime()) &&
      (!lastUsedAfter || usedAt(token) >= lastUsedAfter.getTime()) &&
      (!expiresBefore || (token.expiresAt !== null && token.expiresAt < expiresBefore)) &&
      (!expiresAfter || (token.expiresAt !== null && token.expiresAt >= expiresAfter)) &&
      (search === undefined || matchesSearch(token.name, search)),
  );
  return kept.sort(SORTS[filters.sort ?? ''] ?? byId);
}

/** Reads the filters and the page, filters, sorts and paginates: the whole of a token list endpoint's work. */
export function listTokenPage(
  ctx: RequestContext,
  reader: ParamReader,
  tokens: () => readonly EmuToken[],
): Page<EmuToken> {
  const filters = readTokenFilters(reader);
  const pageRequest = readPageRequest(reader);
  reader.finish();
  return paginate(ctx, pageRequest, filterTokens(ctx.state, tokens(), filters));
}

/** What a create endpoint hands to the model. */
export interface NewToken {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly description: string | undefined;
  readonly expiresAt: string | undefined;
}

/**
 * The model's validations on create, as ActiveModel's full messages in declaration order (empty when the token
 * may be saved): blank name or scopes, a description over 255 characters, an expiry beyond the instance
 * maximum, `sudo` for a non-admin. An expiry in the past is accepted: the token is born expired.
 */
export function newTokenProblems(state: EmulatorState, request: NewToken, targetIsAdmin: boolean): string[] {
  const maxExpiry = state.maxExpiryDate();
  const problems: string[] = [];
  if (request.name.trim() === '') problems.push("Name can't be blank");
  if (request.scopes.length === 0) problems.push("Scopes can't be blank");
  if ((request.description ?? '').length > MAX_DESCRIPTION_LENGTH) {
    problems.push(`Description is too long (maximum is ${MAX_DESCRIPTION_LENGTH} characters)`);
  }
  if (request.expiresAt !== undefined && request.expiresAt > maxExpiry) {
    problems.push(`Expiration date must be before ${maxExpiry}`);
  }
  if (request.scopes.includes('sudo') && !targetIsAdmin)
    problems.push('Sudo can only be enabled for administrators');
  return problems;
}

/**
 * PersonalAccessTokens::RotateService (and its project and group subclasses, whose extra access-level rule the
 * caller checks first): 400 "Token already revoked" for a revoked token (an expired one may be rotated), the
 * expiry defaulting to 7 days, 400 beyond the instance maximum; otherwise the old token is revoked and its
 * successor (same user, name, description, scopes; new id and value) returned.
 */
export function rotateToken(
  ctx: RequestContext,
  token: EmuToken,
  requestedExpiry: string | undefined,
): EmuToken {
  if (token.revoked) throw badRequest('Token already revoked');
  const expiresAt = requestedExpiry ?? addDays(utcDate(ctx.clock.now()), DEFAULT_ROTATION_DAYS);
  const maxExpiry = ctx.state.maxExpiryDate();
  if (expiresAt > maxExpiry) throw badRequest(`Expiration date must be before ${maxExpiry}`);
  return ctx.state.rotate(token.id, expiresAt);
}

/** NaN for a token never used: SQL's NULL, which no `<=` or `>=` comparison matches. */
function usedAt(token: EmuToken): number {
  return token.lastUsedAt === null ? NaN : Date.parse(token.lastUsedAt);
}

/**
 * `fuzzy_search(query, [:name])` (Gitlab::SQL::Pattern): queries of 3+ characters match words as
 * case-insensitive substrings; shorter ones must equal the name, ignoring case.
 */
function matchesSearch(name: string, query: string): boolean {
  const haystack = name.toLowerCase();
  const needle = query.toLowerCase();
  if (needle.length < 3) return haystack === needle;
  const words = needle.split(/\s+/).filter((word) => word.length >= 3);
  return words.length === 0 ? haystack.includes(needle) : words.every((word) => haystack.includes(word));
}

const byId: TokenSort = (a, b) => a.id - b.id;

/** Postgres order: nulls last ascending, first descending; ties by id in the same direction. */
function by(key: (token: EmuToken) => string | null, direction: 1 | -1): TokenSort {
  return (a, b) => {
    const left = key(a);
    const right = key(b);
    if (left !== right) {
      if (left === null) return direction;
      if (right === null) return -direction;
      return left < right ? -direction : direction;
    }
    return (a.id - b.id) * direction;
  };
}

const SORTS: Record<string, TokenSort> = {
  id_asc: byId,
  id_desc: (a, b) => b.id - a.id,
  name_asc: by((token) => token.name, 1),
  name_desc: by((token) => token.name, -1),
  created_asc: by((token) => token.createdAt, 1),
  created_desc: by((token) => token.createdAt, -1),
  expires_asc: by((token) => token.expiresAt, 1),
  expires_desc: by((token) => token.expiresAt, -1),
  last_used_asc: by((token) => token.lastUsedAt, 1),
  last_used_desc: by((token) => token.lastUsedAt, -1),
};
