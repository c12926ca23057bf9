/**
 * Method + path-pattern routing. Segments are split before they are decoded, so an id such as
 * `group%2Fproject` stays one parameter; when several patterns match, the one with literal segments earliest
 * wins (`/personal_access_tokens/self` over `/personal_access_tokens/:id`), whatever the registration order.
 */
import type { RouteDefinition } from './route.js';

export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly pathParams: Record<string, string>;
}

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly segments: readonly Segment[];
}

type Segment = { readonly literal: string } | { readonly param: string };

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: readonly RouteDefinition[]): void {
    for (const route of routes) {
      this.routes.push({ route, segments: splitPath(route.path).map(compileSegment) });
    }
  }

  match(method: string, rawPath: string): RouteMatch | undefined {
    const decoded = decodeSegments(rawPath);
    if (!decoded) return undefined;
    let best: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
    for (const compiled of this.routes) {
      if (compiled.route.method !== method) continue;
      const params = matchSegments(compiled.segments, decoded);
      if (!params) continue;
      if (!best || moreSpecific(compiled.segments, best.compiled.segments)) best = { compiled, params };
    }
    return best && { route: best.compiled.route, pathParams: best.params };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function compileSegment(segment: string): Segment {
  return segment.startsWith(':') ? { param: segment.slice(1) } : { literal: segment };
}

function decodeSegments(rawPath: string): string[] | undefined {
  try {
    return splitPath(rawPath).map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function matchSegments(
  pattern: readonly Segment[],
  actual: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of pattern.entries()) {
    const value = actual[index] ?? '';
    if ('literal' in segment) {
      if (segment.literal !== value) return undefined;
    } else {
      params[segment.param] = value;
    }
  }
  return params;
}

function moreSpecific(a: readonly Segment[], b: readonly Segment[]): boolean {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const aLiteral = 'literal' in (a[index] ?? {});
    const bLiteral = 'literal' in (b[index] ?? {});
    if (aLiteral !== bLiteral) return aLiteral;
  }
  return false;
}
