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
];

/** Whether the emulator implements the endpoint of this request (PATs, users, metadata). */
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

export interface RecordedUser {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly admin: boolean;
  readonly bot: boolean;
  readonly state: 'active' | 'blocked';
  readonly createdAt: string;
  readonly createdById: number | null;
  readonly note: string | null;
  /** `last_activity_on` at the user's first appearance, when shown. */
  readonly lastActivityOn: string | null | undefined;
}

export interface RecordedToken {
  readonly id: number;
  readonly name: string;
  readonly userId: number;
  readonly scopes: string[];
  readonly description: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}

/** What one recorded instance (one GitLab version) knew, gathered over all its recordings. */
export interface RecordedInstance {
  readonly users: Map<number, RecordedUser>;
  /** Tokens the recordings use but never create: the instance's seed tokens. */
  readonly baseTokens: Map<number, RecordedToken>;
}

interface UserJson {
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

interface TokenJson {
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

export function isSelfLookup(interaction: Interaction): boolean {
  return (
    interaction.request.method === 'GET' && apiPath(interaction) === '/api/v4/personal_access_tokens/self'
  );
}

export function describeInstance(recordings: readonly Recording[]): RecordedInstance {
  const users = new Map<number, RecordedUser>();
  const seen = new Map<number, RecordedToken>();
  const created = new Set<number>();
  for (const recording of recordings) {
    for (const interaction of recording.interactions) {
      for (const user of usersIn(interaction)) {
        const known = users.get(user.id);
        users.set(user.id, {
          id: user.id,
          username: user.username,
          name: user.name,
          email: user.email ?? known?.email ?? `${user.username}@example.com`,
          admin: user.is_admin ?? known?.admin ?? false,
          bot: user.bot ?? known?.bot ?? false,
          state: user.state === 'blocked' ? 'blocked' : 'active',
          createdAt: user.created_at ?? known?.createdAt ?? '2026-01-01T00:00:00.000Z',
          createdById:
            user.created_by === undefined ? (known?.createdById ?? null) : (user.created_by?.id ?? null),
          note: user.note === undefined ? (known?.note ?? null) : user.note,
          lastActivityOn: known?.lastActivityOn ?? user.last_activity_on,
        });
      }
      const made = createdToken(interaction);
      if (made) created.add(made.id);
      if (isSelfLookup(interaction) && interaction.response.code === 200) {
        const token = parseJson(interaction.response.body) as TokenJson;
        if (!seen.has(token.id)) {
          seen.set(token.id, {
            id: token.id,
            name: token.name,
            userId: token.user_id,
            scopes: token.scopes,
            description: token.description,
            createdAt: token.created_at,
            expiresAt: token.expires_at,
          });
        }
      }
    }
  }
  const baseTokens = new Map([...seen].filter(([id]) => !created.has(id)));
  return { users, baseTokens };
}
