/**
 * The recorded GitLab interactions (go-vcr cassettes, version 2) and what can be known from them: which
 * requests the emulator implements, and the users and long-lived tokens each recorded instance had before
 * the tests ran.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const RECORDINGS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'recordings');

export interface Interaction {
  readonly id: number;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly body?: string;
    readonly headers?: Record<string, string[]>;
  };
  readonly response: {
    readonly code: number;
    readonly body?: string;
    readonly headers?: Record<string, string[]>;
  };
}

export interface Recording {
  /** e.g. `paths/19.0.2/TestGitlabClient_RotateCurrentToken.yaml` */
  readonly file: string;
  readonly version: string;
  readonly interactions: readonly Interaction[];
}

export function loadRecordings(dir: string = RECORDINGS_DIR): Recording[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.yaml')) files.push(child);
    }
  };
  walk('');
  return files.sort().map((file) => {
    const cassette = parse(readFileSync(path.join(dir, file), 'utf8')) as { interactions?: Interaction[] };
    return { file, version: file.split('/').at(-2) ?? '', interactions: cassette.interactions ?? [] };
  });
}

/** `/api/v4/...` of a recorded URL, still encoded, without the query. */
export function apiPath(interaction: Interaction): string {
  return new URL(interaction.request.url).pathname;
}

const IMPLEMENTED: readonly RegExp[] = [
  /^GET \/api\/v4\/(metadata|version)$/,
  /^GET \/api\/v4\/users?(\/[^/]+)?$/,
  /^GET \/api\/v4\/personal_access_tokens(\/[^/]+)?$/,
  /^GET \/api\/v4\/personal_access_tokens\/self\/associations$/,
  /^DELETE \/api\/v4\/personal_access_tokens\/[^/]+$/,
  /^POST \/api\/v4\/personal_access_tokens\/[^/]+\/rotate$/,
  /^POST \/api\/v4\/users\/[^/]+\/personal_access_tokens$/,
  /^POST \/api\/v4\/user\/personal_access_tokens$/,
  /^GET \/api\/v4\/(projects|groups)\/[^/]+$/,
  /^GET \/api\/v4\/(projects|groups)\/[^/]+\/members\/all\/[^/]+$/,
  /^(GET|POST|PUT|DELETE) \/api\/v4\/(projects|groups)\/[^/]+\/variables(\/[^/]+)?$/,
  /^(GET|POST) \/api\/v4\/(projects|groups)\/[^/]+\/access_tokens$/,
  /^(GET|DELETE) \/api\/v4\/(projects|groups)\/[^/]+\/access_tokens\/[^/]+$/,
  /^POST \/api\/v4\/(projects|groups)\/[^/]+\/access_tokens\/[^/]+\/rotate$/,
  /^(GET|POST) \/api\/v4\/((projects|groups)\/[^/]+\/)?service_accounts$/,
  /^DELETE \/api\/v4\/(projects|groups)\/[^/]+\/service_accounts\/[^/]+$/,
  /^(GET|POST) \/api\/v4\/(projects|groups)\/[^/]+\/service_accounts\/[^/]+\/personal_access_tokens$/,
  /^DELETE \/api\/v4\/(projects|groups)\/[^/]+\/service_accounts\/[^/]+\/personal_access_tokens\/[^/]+$/,
  /^POST \/api\/v4\/(projects|groups)\/[^/]+\/service_accounts\/[^/]+\/personal_access_tokens\/[^/]+\/rotate$/,
  /^DELETE \/api\/v4\/users\/[^/]+$/,
];

/**
 * Whether the emulator implements the endpoint of this request: every token kind (personal, project, group,
 * service account), users, metadata, groups, projects, members and variables; not deploy tokens or triggers.
 */
export function isImplemented(interaction: Interaction): boolean {
  const line = `${interaction.request.method} ${apiPath(interaction)}`;
  return IMPLEMENTED.some((pattern) => pattern.test(line));
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function header(headers: Record<string, string[]> | undefined, name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers?.[key]?.[0];
}

export interface UserJson {
  id: number;
  username: string;
  name: string;
  email?: string;
  is_admin?: boolean;
  bot?: boolean;
  state?: string;
  created_at?: string;
  created_by?: { id: number } | null;
  note?: string | null;
  last_activity_on?: string | null;
}

export interface TokenJson {
  id: number;
  name: string;
  user_id: number;
  scopes: string[];
  description: string | null;
  created_at: string;
  expires_at: string | null;
  token?: string;
}

/** Users in a response body (a user, a list of users), in order. */
export function usersIn(interaction: Interaction): UserJson[] {
  if (!/\/api\/v4\/users?(\/[^/]+)?$/.test(apiPath(interaction)) || interaction.response.code !== 200)
    return [];
  const body = parseJson(interaction.response.body);
  const items = Array.isArray(body) ? body : [body];
  return items.filter(
    (item): item is UserJson => typeof item === 'object' && item !== null && 'username' in item,
  );
}

/**
 * The access token (personal, project, group or service account: all PersonalAccessToken rows) a successful
 * create or rotate answered with, if this interaction is one. Deploy tokens and trigger tokens have ids of their
 * own and no `user_id`.
 */
export function createdToken(interaction: Interaction): TokenJson | undefined {
  const { code } = interaction.response;
  if (code !== 200 && code !== 201) return undefined;
  const body = parseJson(interaction.response.body);
  if (typeof body !== 'object' || body === null || !('token' in body) || !('user_id' in body))
    return undefined;
  return body as TokenJson;
}

/**
 * The user a successful request created, if any: a service account (`POST .../service_accounts` answers the
 * user) or the bot user behind a new project or group access token (its `user_id`). Their ids and generated
 * usernames differ in the emulator, and they did not exist before the recording.
 */
export function createdUser(interaction: Interaction): { id: number; username?: string } | undefined {
  const { code } = interaction.response;
  if (interaction.request.method !== 'POST' || code !== 201) return undefined;
  const body = parseJson(interaction.response.body) as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const path = apiPath(interaction);
  if (
    /\/service_accounts$/.test(path) &&
    typeof body['id'] === 'number' &&
    typeof body['username'] === 'string'
  )
    return { id: body['id'], username: body['username'] };
  if (/\/access_tokens$/.test(path) && typeof body['user_id'] === 'number') return { id: body['user_id'] };
  return undefined;
}

export function isSelfLookup(interaction: Interaction): boolean {
  return (
    interaction.request.method === 'GET' && apiPath(interaction) === '/api/v4/personal_access_tokens/self'
  );
}
