/**
 * The requests each operation sends, from the emulator's own log: the bundled Action runs each operation once, as a
 * runner would start it, and the list and count are printed and held to the fewest its safety needs (issue 12).
 * What each request is for:
 * - a rotation of `self`: the credential read (due? rotatable? scopes?) is the last request before the rotate, the
 *   guard against a concurrent run; the variable list is the destination's preflight (it exists, the role may write
 *   it); the rotate; the write; the new token's verification;
 * - a create: the user lookup (a username; a numeric id needs none), the destination's preflight, the create, the
 *   write, the verification; a variable that does not exist yet is looked for above its project before it is made
 *   (gitlab-variable.ts stopIfShadowing: a copy jobs read there would keep a dead token);
 * - a list: one request per 100 tokens, plus the user lookup for a username, or for the caller's own tokens the
 *   credential read that says whose they are (without user_id GitLab lists an administrator's whole instance).
 */
import { join } from 'node:path';
import type { RecordedRequest } from '../../test/emulator/index.js';
import {
  actionInputs,
  budget,
  cleanEnv,
  runnerFiles,
  runNode,
  type BenchSection,
  type Budget,
} from './bench-kit.js';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-client.js';

const DAY_MS = 86_400_000;
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

/** Tokens listed in the list scenarios. */
const LISTED = 250;
const pages = Math.ceil(LISTED / 100);

interface Scenario {
  readonly name: string;
  /** Most requests allowed, and why that many. */
  readonly most: number;
  readonly why: string;
  /** Seeds what the run needs and returns its inputs. */
  setup(gitlab: EmulatorProcess, world: World): Promise<Record<string, string>>;
}

interface World {
  readonly adminToken: string;
  readonly listerToken: string;
  readonly listerId: number;
}

/** A token of svc-rotating that is due (expires in 5 days, rotate-before 30d). */
async function dueToken(gitlab: EmulatorProcess, name: string): Promise<string> {
  const { token } = await gitlab.issueToken({
    user: 'svc-rotating',
    name,
    scopes: ['api'],
    expiresAt: utcDay(5),
  });
  return token;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'get self',
    most: 1,
    why: 'the read',
    async setup(gitlab) {
      const { token } = await gitlab.issueToken({
        user: 'svc-rotating',
        name: 'reader',
        scopes: ['read_api'],
      });
      return { operation: 'get', 'gitlab-token': token };
    },
  },
  {
    name: 'rotate self, not due',
    most: 1,
    why: 'the read that finds it not due',
    async setup(gitlab) {
      const { token } = await gitlab.issueToken({
        user: 'svc-rotating',
        name: 'fresh',
        scopes: ['api'],
        expiresAt: utcDay(200),
      });
      return { operation: 'rotate', 'gitlab-token': token, 'rotate-before': '30d' };
    },
  },
  {
    name: 'rotate self, output only',
    most: 3,
    why: 'read, rotate, verify',
    async setup(gitlab) {
      return {
        operation: 'rotate',
        'gitlab-token': await dueToken(gitlab, 'output-only'),
        'rotate-before': '30d',
        'expires-in': '90d',
      };
    },
  },
  {
    name: 'rotate self into an existing CI/CD variable',
    most: 5,
    why: 'read, variable list, rotate, write, verify',
    async setup(gitlab) {
      await gitlab.setVariable(
        { project: 'acme/app' },
        { key: 'DEPLOY_TOKEN', value: 'placeholder-value-0001', masked: true, hidden: true },
      );
      return {
        operation: 'rotate',
        'gitlab-token': await dueToken(gitlab, 'deploy'),
        'rotate-before': '30d',
        'expires-in': '90d',
        'variable-key': 'DEPLOY_TOKEN',
        'variable-project': 'acme/app',
      };
    },
  },
  {
    name: 'create for a user into an existing CI/CD variable',
    most: 5,
    why: 'user lookup, variable list, create, write, verify',
    async setup(gitlab, world) {
      await gitlab.setVariable(
        { project: 'acme/app' },
        { key: 'ALICE_TOKEN', value: 'placeholder-value-0002', masked: true },
      );
      return {
        operation: 'create',
        'gitlab-token': world.adminToken,
        user: 'alice',
        name: 'ci',
        scopes: 'read_api',
        'variable-key': 'ALICE_TOKEN',
        'variable-project': 'acme/app',
      };
    },
  },
  {
    name: 'create for a user into a new CI/CD variable',
    most: 7,
    why: 'as above, and before making the variable the look above it: the project, its group acme',
    async setup(_gitlab, world) {
      return {
        operation: 'create',
        'gitlab-token': world.adminToken,
        user: 'alice',
        name: 'ci-new',
        scopes: 'read_api',
        'variable-key': 'ALICE_NEW_TOKEN',
        'variable-project': 'acme/app',
      };
    },
  },
  {
    name: `list ${LISTED} tokens of a user given by name`,
    most: pages + 1,
    why: `${pages} pages, the username lookup`,
    async setup(_gitlab, world) {
      return { operation: 'list', 'gitlab-token': world.adminToken, user: 'svc-listed' };
    },
  },
  {
    name: `list ${LISTED} tokens of a user given by id`,
    most: pages,
    why: `${pages} pages`,
    async setup(_gitlab, world) {
      return { operation: 'list', 'gitlab-token': world.adminToken, user: String(world.listerId) };
    },
  },
  {
    name: `list the caller's own ${LISTED} tokens`,
    most: pages + 1,
    why: `${pages} pages, the credential read that says whose`,
    async setup(_gitlab, world) {
      return { operation: 'list', 'gitlab-token': world.listerToken };
    },
  },
];

export const requests: BenchSection = {
  name: 'requests',
  title: "Requests per operation (the bundled Action, from the emulator's log)",
  async run(context) {
    await using gitlab = await startEmulatorProcess();
    await gitlab.addUser({ username: 'root', admin: true });
    await gitlab.addUser({ username: 'svc-rotating' });
    await gitlab.addUser({ username: 'alice' });
    const lister = await gitlab.addUser({ username: 'svc-listed' });
    await gitlab.addProject({
      path: 'acme/app',
      members: [
        { user: 'svc-rotating', accessLevel: 40 },
        { user: 'root', accessLevel: 50 },
      ],
    });
    const admin = await gitlab.issueToken({
      user: 'root',
      name: 'admin',
      scopes: ['api'],
      expiresAt: utcDay(300),
    });
    const listerToken = await gitlab.issueToken({ user: 'svc-listed', name: 'lister', scopes: ['read_api'] });
    await gitlab.issueTokens({ user: 'svc-listed', count: LISTED - 1, scopes: ['read_api'] });
    const world: World = { adminToken: admin.token, listerToken: listerToken.token, listerId: lister.id };

    const budgets: Budget[] = [];
    for (const scenario of SCENARIOS) {
      const inputs = await scenario.setup(gitlab, world);
      const files = runnerFiles(context, 'requests');
      await gitlab.clearRequests();
      const run = await runNode(
        context,
        [join(context.dist, 'main/index.js')],
        cleanEnv({ ...files.env, ...actionInputs(context.root, { 'gitlab-url': gitlab.url, ...inputs }) }),
        { allowFailure: true },
      );
      const sent = await gitlab.requests();
      const passed = run.exitCode === 0 && sent.length <= scenario.most;
      console.log(
        `  ${scenario.name}: ${sent.length} request${sent.length === 1 ? '' : 's'} (at most ${scenario.most}: ${scenario.why})${run.exitCode === 0 ? '' : `; the run FAILED with exit code ${run.exitCode}`}`,
      );
      for (const request of sent) console.log(`    ${describe(request)}`);
      if (run.exitCode !== 0) console.log(indent(run.stdout + run.stderr));
      budgets.push(budget(`${scenario.name}: ${sent.length} <= ${scenario.most}`, passed));
    }
    return budgets;
  },
};

function describe(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  return `${request.method} ${request.path}${query ? `?${query}` : ''} ${request.status}`;
}

/** The run's own lines, for a failure; `::add-mask::` lines name a value (an emulator's) and are left out. */
function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .map((line) => `      | ${line}`)
    .join('\n');
}
