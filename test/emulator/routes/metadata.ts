/**
 * `GET /metadata` and its deprecated alias `GET /version` (lib/api/metadata.rb): authenticated, readable with
 * `read_user` as well as the API-wide scopes.
 */
import { json, type RequestContext, type RouteDefinition } from '../http/route.js';

function metadata(ctx: RequestContext): Record<string, unknown> {
  const host = new URL(ctx.baseUrl).host;
  const release = ctx.instance.version.replace(/-ee$/, '');
  return {
    version: ctx.instance.version,
    revision: ctx.instance.revision,
    kas: {
      enabled: true,
      externalUrl: `ws://${host}/-/kubernetes-agent/`,
      externalK8sProxyUrl: `http://${host}/-/kubernetes-agent/k8s-proxy/`,
      version: release,
    },
    enterprise: ctx.instance.enterprise,
  };
}

const scopes = [{ name: 'read_user', readOnly: true }];

export const metadataRoutes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/api/v4/metadata',
    auth: 'required',
    scopes,
    handle: (ctx) => json(200, metadata(ctx)),
  },
  {
    method: 'GET',
    path: '/api/v4/version',
    auth: 'required',
    scopes,
    handle: (ctx) => json(200, metadata(ctx)),
  },
];
