/**
 * GitLab's offset pagination (lib/gitlab/pagination/offset_pagination.rb, offset_header_builder.rb): `page`,
 * `per_page` (default 20, at most 100), the x-* headers and a Link header whose URLs keep every query
 * parameter, sorted by name as Rails' `to_query` writes them. Above 10,000 rows GitLab stops counting
 * (Kaminari's `without_count`): x-total, x-total-pages and the `rel="last"` link are left out, while x-next-page
 * and the prev/next/first links stay.
 */
import type { ParamReader } from './request-params.js';
import type { RequestContext } from './route.js';

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;
const COUNT_LIMIT = 10_000;

export interface Page<T> {
  readonly items: T[];
  readonly headers: Record<string, string>;
}

export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
}

/** Reads `page` and `per_page`; failures are recorded in `reader` and answered by its `finish()`. */
export function readPageRequest(reader: ParamReader): PageRequest {
  const page = reader.optionalInteger('page');
  const perPage = reader.optionalInteger('per_page', { exceptValues: [0] });
  return {
    page: Math.max(page ?? 1, 1),
    perPage: Math.min(Math.max(perPage ?? DEFAULT_PER_PAGE, 1), MAX_PER_PAGE),
  };
}

/**
 * `linkDefaults`: the endpoint's declared parameter defaults, which Grape adds to `params` and GitLab therefore
 * writes into every Link URL (the users list links carry `order_by=id&sort=desc&active=false...`).
 */
export function paginate<T>(
  ctx: RequestContext,
  request: PageRequest,
  all: readonly T[],
  linkDefaults: Readonly<Record<string, string>> = {},
): Page<T> {
  const { page, perPage } = request;
  const total = all.length;
  const totalPages = Math.max(Math.ceil(total / perPage), 1);
  const items = all.slice((page - 1) * perPage, page * perPage);
  const nextPage = page < totalPages ? page + 1 : undefined;
  const prevPage = page > 1 ? page - 1 : undefined;

  const counted = total <= COUNT_LIMIT;
  const links: string[] = [];
  if (prevPage !== undefined) links.push(`<${pageUrl(ctx, linkDefaults, prevPage, perPage)}>; rel="prev"`);
  if (nextPage !== undefined) links.push(`<${pageUrl(ctx, linkDefaults, nextPage, perPage)}>; rel="next"`);
  links.push(`<${pageUrl(ctx, linkDefaults, 1, perPage)}>; rel="first"`);
  if (counted) links.push(`<${pageUrl(ctx, linkDefaults, totalPages, perPage)}>; rel="last"`);

  const headers: Record<string, string> = {
    'x-per-page': String(perPage),
    'x-page': String(page),
    'x-next-page': nextPage === undefined ? '' : String(nextPage),
    'x-prev-page': prevPage === undefined ? '' : String(prevPage),
    link: links.join(', '),
  };
  if (counted) {
    headers['x-total'] = String(total);
    headers['x-total-pages'] = String(totalPages);
  }
  return { items, headers };
}

function pageUrl(
  ctx: RequestContext,
  defaults: Readonly<Record<string, string>>,
  page: number,
  perPage: number,
): string {
  const given = new Map<string, string[]>();
  for (const [key, value] of ctx.query) given.set(key, [...(given.get(key) ?? []), value]);
  // A value the request gives replaces the declared default, as Grape's `params` do.
  const query = new Map<string, string[]>(Object.entries(defaults).map(([key, value]) => [key, [value]]));
  for (const [key, values] of given) query.set(key, values);
  query.set('page', [String(page)]);
  query.set('per_page', [String(perPage)]);
  const pairs = [...query.keys()]
    .sort()
    .flatMap((key) => (query.get(key) ?? []).map((value) => `${encodeQuery(key)}=${encodeQuery(value)}`));
  return `${ctx.baseUrl}${ctx.path}?${pairs.join('&')}`;
}

function encodeQuery(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}
