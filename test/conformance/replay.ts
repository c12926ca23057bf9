/**
 * Replays one recording against a fresh emulator seeded like the recorded instance, and reports, per
 * interaction, whether it was replayed and how the emulator's answer differs from GitLab's.
 *
 * Token values are scrubbed in the recordings (`REPLACED-TOKEN`), so the credential of each request is inferred
 * from what the Vault plugin's tests do:
 * - `GET /personal_access_tokens/self` answered 200 names its own token (by id). A token the recording did not
 *   create itself is the plugin's configured credential, which the requests after it use.
 * - A 401 "Token was revoked" on `self`, and `DELETE .../self`, use the token the recording created last.
 * - A 401 "401 Unauthorized" uses a value GitLab never issued.
 * - Anything else uses a configured credential. The plugin may hold several (one per config), so the most
 *   recently looked-up one whose owner fits the answer is taken: an admin for admin-only successes, admin views
 *   of users and acting on tokens by id; a non-admin for a 403 on an admin-only endpoint and basic user views.
 *   Before any `self` lookup: the instance's "Root token".
 * Requests to endpoints the emulator does not implement are skipped, and so is every later request that needs a
 * token they created. Tokens and users (service accounts, bots) the recording creates get other ids and
 * generated usernames in the emulator: later paths (`/personal_access_tokens/:id`, `/access_tokens/:id`,
 * `/service_accounts/:user_id`, `/users/:id`) and `username=` queries are rewritten to the emulator's.
 */
import { startEmulator, type GitlabEmulator } from '../emulator/index.js';
import { ROOT_TOKEN_NAME, type RecordedInstance } from './recorded-instance.js';
import {
  apiPath,
  createdToken,
  createdUser,
  header,
  isImplemented,
  isSelfLookup,
  parseJson,
  usersIn,
  type Interaction,
  type Recording,
} from './recordings.js';
import { compareShape, type ShapeTolerance } from './shape-comparison.js';

export interface InteractionOutcome {
  readonly index: number;
  /** e.g. `GET /api/v4/personal_access_tokens/self -> 200` */
  readonly line: string;
  readonly skipped?: string;
  readonly problems: readonly string[];
}

const NEVER_ISSUED = 'glpat-recorded-but-never-issued';
const REVOKED_DESCRIPTION = 'Token was revoked. You have to re-authorize from the user.';

interface TokenHandle {
  readonly emulatorId: number;
  readonly value: string;
}

interface UserHandle {
  readonly emulatorId: number;
  readonly username: string | undefined;
}

/** What the emulator made for the recording's own creations, by recorded id (and username). */
interface CreatedThings {
  readonly tokens: ReadonlyMap<number, TokenHandle>;
  readonly users: ReadonlyMap<number, UserHandle>;
  readonly usernames: ReadonlyMap<string, string>;
}

export async function replayRecording(
  recording: Recording,
  instance: RecordedInstance,
  tolerance: ShapeTolerance,
): Promise<InteractionOutcome[]> {
  const first = recording.interactions[0];
  const start = first ? responseDate(first) : undefined;
  await using emu = await startEmulator({ now: start ?? '2026-06-17T09:00:00Z' });
  const baseTokens = seed(emu, recording, instance);

  const created = new Map<number, TokenHandle>();
  const createdUsers = new Map<number, UserHandle>();
  const createdUsernames = new Map<string, string>();
  const unavailable = new Set<number>();
  let lastCreated: { recordedId: number } | undefined;
  const rootToken = [...instance.baseTokens.values()].find((token) => token.name === ROOT_TOKEN_NAME)?.id;
  /** Configured credentials (recorded ids), most recently looked up last. */
  let configured: number[] = rootToken === undefined ? [] : [rootToken];
  const handleOf = (recordedId: number) => created.get(recordedId) ?? baseTokens.get(recordedId);
  const isAdminToken = (recordedId: number) => {
    const owner = instance.baseTokens.get(recordedId)?.userId;
    return owner !== undefined && (instance.users.get(owner)?.admin ?? false);
  };

  const outcomes: InteractionOutcome[] = [];
  for (const [index, interaction] of recording.interactions.entries()) {
    const line = `${interaction.request.method} ${apiPath(interaction)} -> ${interaction.response.code}`;
    const skip = (reason: string) => outcomes.push({ index, line, skipped: reason, problems: [] });
    const made = createdToken(interaction);

    if (!isImplemented(interaction)) {
      if (made) {
        unavailable.add(made.id);
        lastCreated = { recordedId: made.id };
      }
      skip('endpoint not emulated');
      continue;
    }

    let credential: string | undefined;
    const recordedBody = parseJson(interaction.response.body);
    if (isSelfLookup(interaction) && interaction.response.code === 200) {
      const id = (recordedBody as { id: number }).id;
      if (unavailable.has(id)) {
        skip('uses a token created by a skipped request');
        continue;
      }
      credential = handleOf(id)?.value;
      if (!created.has(id)) configured = [...configured.filter((known) => known !== id), id];
    } else if (interaction.response.code === 401 && !isRevokedAnswer(recordedBody)) {
      credential = NEVER_ISSUED;
    } else if (isRevokedAnswer(recordedBody) || isSelfRevocation(interaction)) {
      if (!lastCreated || unavailable.has(lastCreated.recordedId)) {
        skip('uses a token created by a skipped request');
        continue;
      }
      credential = handleOf(lastCreated.recordedId)?.value;
    } else {
      const wanted = privilegeShown(interaction, recordedBody);
      const fitting = configured.filter(
        (id) => wanted === undefined || isAdminToken(id) === (wanted === 'admin'),
      );
      const chosen = fitting.at(-1) ?? configured.at(-1);
      credential = chosen === undefined ? undefined : handleOf(chosen)?.value;
    }
    if (credential === undefined) {
      skip('no credential can be inferred');
      continue;
    }

    const date = responseDate(interaction);
    if (date && Date.parse(date) > emu.clock.now().getTime()) emu.clock.set(date);
    const answer = await send(emu, interaction, credential, {
      tokens: created,
      users: createdUsers,
      usernames: createdUsernames,
    });
    const problems = compare(interaction, recordedBody, answer, tolerance);
    outcomes.push({ index, line, problems });

    if (answer.status !== interaction.response.code) continue;
    if (made) {
      const fresh = answer.body as { id: number; token: string };
      created.set(made.id, { emulatorId: fresh.id, value: fresh.token });
      lastCreated = { recordedId: made.id };
    }
    const madeUser = createdUser(interaction);
    if (madeUser) {
      const fresh = answer.body as { id?: number; user_id?: number; username?: string };
      createdUsers.set(madeUser.id, {
        emulatorId: fresh.user_id ?? fresh.id ?? 0,
        username: fresh.username,
      });
      if (madeUser.username !== undefined && fresh.username !== undefined)
        createdUsernames.set(madeUser.username, fresh.username);
    }
  }
  return outcomes;
}

function seed(
  emu: GitlabEmulator,
  recording: Recording,
  instance: RecordedInstance,
): Map<number, TokenHandle> {
  const activityHere = new Map<number, string | null>();
  for (const interaction of recording.interactions) {
    for (const user of usersIn(interaction)) {
      if (!activityHere.has(user.id) && user.last_activity_on !== undefined)
        activityHere.set(user.id, user.last_activity_on);
    }
  }
  const userIds = new Set([
    ...instance.users.keys(),
    ...[...instance.baseTokens.values()].map((token) => token.userId),
  ]);
  for (const id of [...userIds].sort((a, b) => a - b)) {
    const user = instance.users.get(id);
    if (!user) {
      emu.addUser({ id, username: `user${id}` });
      continue;
    }
    emu.addUser({
      id,
      username: user.username,
      name: user.name,
      email: user.email,
      admin: user.admin,
      bot: user.bot,
      serviceAccount: user.bot && user.username.startsWith('service_account'),
      state: user.state,
      createdAt: user.createdAt,
      createdBy: user.createdById !== null && emu.user(user.createdById) ? user.createdById : null,
      note: user.note,
      lastActivityOn: activityHere.has(id) ? activityHere.get(id) : (user.lastActivityOn ?? null),
    });
  }
  seedNamespaces(emu, instance);
  const handles = new Map<number, TokenHandle>();
  for (const token of instance.baseTokens.values()) {
    const issued = emu.issueToken({
      id: token.id,
      user: token.userId,
      name: token.name,
      scopes: token.scopes,
      description: token.description,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
    });
    handles.set(token.id, { emulatorId: issued.id, value: issued.token });
  }
  return handles;
}

/** Groups parents first, then projects, then the memberships the answers imply. */
function seedNamespaces(emu: GitlabEmulator, instance: RecordedInstance): void {
  const { groups, projects, memberships } = instance.namespaces;
  const depth = (fullPath: string) => fullPath.split('/').length;
  const byDepth = [...groups.values()].sort((a, b) => depth(a.fullPath) - depth(b.fullPath) || a.id - b.id);
  for (const group of byDepth) {
    emu.addGroup({
      id: group.id,
      path: group.path,
      name: group.name,
      ...(group.parentId === null ? {} : { parent: group.parentId }),
      description: group.description,
      visibility: group.visibility,
      ...(group.createdAt === undefined ? {} : { createdAt: group.createdAt }),
    });
  }
  const anAdmin = [...instance.users.values()].find((user) => user.admin)?.id;
  for (const project of [...projects.values()].sort((a, b) => a.id - b.id)) {
    const creator = project.creatorId !== null && emu.user(project.creatorId) ? project.creatorId : anAdmin;
    emu.addProject({
      id: project.id,
      path: project.pathWithNamespace,
      name: project.name,
      description: project.description,
      visibility: project.visibility,
      createdAt: project.createdAt,
      defaultBranch: project.defaultBranch,
      ...(creator === undefined ? {} : { creator }),
    });
  }
  for (const membership of memberships) {
    if (!emu.user(membership.userId))
      emu.addUser({ id: membership.userId, username: `user${membership.userId}` });
    emu.addMember(membership.target, membership.userId, membership.accessLevel);
  }
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

async function send(
  emu: GitlabEmulator,
  interaction: Interaction,
  credential: string,
  created: CreatedThings,
): Promise<Answer> {
  const recordedUrl = new URL(interaction.request.url);
  // Seeded users and tokens keep their ids; what the recording created has the emulator's ids and names.
  const tokenId = (id: string) => String(created.tokens.get(Number(id))?.emulatorId ?? id);
  const userId = (id: string) => String(created.users.get(Number(id))?.emulatorId ?? id);
  const pathname = recordedUrl.pathname
    .replace(
      /(\/(?:personal_)?access_tokens\/)(\d+)/,
      (_whole, prefix: string, id: string) => prefix + tokenId(id),
    )
    .replace(
      /(\/service_accounts\/|\/users\/)(\d+)/,
      (_whole, prefix: string, id: string) => prefix + userId(id),
    );
  const search = new URLSearchParams(recordedUrl.search);
  const username = search.get('username');
  const renamed = username === null ? undefined : created.usernames.get(username);
  if (renamed !== undefined) search.set('username', renamed);
  const query = search.toString();
  const body = interaction.request.body;
  const headers: Record<string, string> = { 'private-token': credential, accept: 'application/json' };
  if (body)
    headers['content-type'] = header(interaction.request.headers, 'content-type') ?? 'application/json';
  const response = await fetch(`${emu.url}${pathname}${query === '' ? '' : `?${query}`}`, {
    method: interaction.request.method,
    headers,
    ...(body ? { body } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: parseJson(text), headers: response.headers };
}

const PAGINATION_HEADERS = [
  'x-page',
  'x-per-page',
  'x-next-page',
  'x-prev-page',
  'x-total',
  'x-total-pages',
  'link',
];

function compare(
  interaction: Interaction,
  recordedBody: unknown,
  answer: Answer,
  tolerance: ShapeTolerance,
): string[] {
  const recorded = interaction.response;
  if (answer.status !== recorded.code) {
    return [`status ${answer.status} (${JSON.stringify(answer.body)}), recorded ${recorded.code}`];
  }
  const problems: string[] = [];
  if (recorded.code >= 400) {
    if (JSON.stringify(answer.body) !== JSON.stringify(recordedBody)) {
      problems.push(`error body ${JSON.stringify(answer.body)}, recorded ${JSON.stringify(recordedBody)}`);
    }
  } else {
    problems.push(...compareShape(recordedBody, answer.body, tolerance));
  }
  for (const name of PAGINATION_HEADERS) {
    if (header(recorded.headers, name) !== undefined && !answer.headers.has(name))
      problems.push(`header ${name} missing`);
  }
  const recordedType = header(recorded.headers, 'content-type');
  if (recordedType && recorded.code !== 204 && answer.headers.get('content-type') !== recordedType) {
    problems.push(`content-type ${answer.headers.get('content-type')}, recorded ${recordedType}`);
  }
  return problems;
}

/** Whether the recorded answer shows the caller was an admin, or was not; undefined if it does not tell. */
function privilegeShown(interaction: Interaction, body: unknown): 'admin' | 'user' | undefined {
  const path = apiPath(interaction);
  const succeeded = interaction.response.code < 300;
  if (/^\/api\/v4\/users\/[^/]+\/personal_access_tokens$/.test(path)) {
    return interaction.response.code === 403 ? 'user' : succeeded ? 'admin' : undefined;
  }
  // Acting on a token by id succeeds for its owner or an admin; the plugin acts on tokens it made for others.
  if (/^\/api\/v4\/personal_access_tokens\/\d+(\/rotate)?$/.test(path) && succeeded) return 'admin';
  // Only administrators see where a project's repository is stored.
  if (/^\/api\/v4\/projects\/[^/]+$/.test(path) && succeeded)
    return body !== null && typeof body === 'object' && 'repository_storage' in body ? 'admin' : 'user';
  const users = usersIn(interaction);
  const viewed = users[0] as Record<string, unknown> | undefined;
  if (viewed === undefined) return undefined;
  if ('is_admin' in viewed) return 'admin';
  return Array.isArray(body) && !('email' in viewed) ? 'user' : undefined;
}

function isRevokedAnswer(body: unknown): boolean {
  return (body as { error_description?: string } | undefined)?.error_description === REVOKED_DESCRIPTION;
}

function isSelfRevocation(interaction: Interaction): boolean {
  return (
    interaction.request.method === 'DELETE' && apiPath(interaction) === '/api/v4/personal_access_tokens/self'
  );
}

function responseDate(interaction: Interaction): string | undefined {
  const date = header(interaction.response.headers, 'date');
  return date === undefined ? undefined : new Date(date).toISOString();
}
