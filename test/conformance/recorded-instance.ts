/**
 * What one recorded instance (one GitLab version) knew before the tests ran, gathered over all its recordings:
 * users, the long-lived tokens the tests used, and the groups, projects and memberships (recorded-namespaces.ts).
 */
import { recordedNamespaces, type RecordedNamespaces } from './recorded-namespaces.js';
import {
  createdToken,
  createdUser,
  isSelfLookup,
  parseJson,
  usersIn,
  type Recording,
  type TokenJson,
} from './recordings.js';

/** The administrator's token every recorded instance was set up with. */
export const ROOT_TOKEN_NAME = 'Root token';

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
  readonly namespaces: RecordedNamespaces;
}

export function describeInstance(recordings: readonly Recording[]): RecordedInstance {
  const users = new Map<number, RecordedUser>();
  const seen = new Map<number, RecordedToken>();
  const created = new Set<number>();
  const createdUsers = new Set<number>();
  for (const recording of recordings) {
    for (const interaction of recording.interactions) {
      const madeUser = createdUser(interaction);
      if (madeUser) createdUsers.add(madeUser.id);
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
  // Service accounts and bots the recordings create are made again by the replay, not seeded.
  for (const id of createdUsers) users.delete(id);
  const rootUserId = [...baseTokens.values()].find((token) => token.name === ROOT_TOKEN_NAME)?.userId;
  const namespaces = recordedNamespaces(recordings, rootUserId, (id) => users.get(id)?.admin ?? false);
  return { users, baseTokens, namespaces };
}
