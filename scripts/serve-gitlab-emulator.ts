/**
 * `npm run emulator`: the bundled GitLab emulator (test/emulator) as a server of its own, for runs that live outside
 * the test process: `npx @github/local-action` on a developer's machine, the Action's self-test workflow
 * (`uses: ./` on a GitHub runner) and the packed CLI. It seeds what the demo seeds, plus what a create or a variable
 * write needs:
 *
 * - service account `svc-deploy` with token "deploy" (scope api), 85 days old, expiring in five days: due for a
 *   rotation with rotate-before 30d;
 * - project `acme/deployer`, where svc-deploy is Maintainer, so the new token can go into its CI/CD variable
 *   DEPLOY_TOKEN;
 * - administrator `root` with token "automation", for create, list and revoke of other users' tokens.
 *
 * Options (each writes a file once the emulator listens; files are written whole, then renamed into place, so that
 * a script waiting for one never reads half of it):
 *
 *   --write-dotenv PATH   the Action's inputs as local-action reads them (INPUT_<NAME>=value), for a rotation
 *   --write-outputs PATH url=, token=, token-id=, admin-token= lines, as a workflow step appends to $GITHUB_OUTPUT
 *
 * It serves until SIGINT or SIGTERM, then prints what changed (token ids and states, never a value) and exits.
 * The values are throwaway tokens of an emulator on 127.0.0.1; still, they are written only to the files asked for.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/index.js';

const { values: args } = parseArgs({
  options: { 'write-dotenv': { type: 'string' }, 'write-outputs': { type: 'string' } },
  strict: true,
});

const DAY_MS = 86_400_000;
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

function writeWhole(path: string, text: string): void {
  writeFileSync(`${path}.partial`, text, { mode: 0o600 });
  renameSync(`${path}.partial`, path);
}

const gitlab = await startEmulator();
gitlab.addUser({ username: 'root', name: 'Administrator', admin: true });
gitlab.addUser({ username: 'svc-deploy', name: 'Deploy service account', serviceAccount: true });
gitlab.addProject({ path: 'acme/deployer', members: [{ user: 'svc-deploy', accessLevel: 40 }] });
const admin = gitlab.issueToken({
  user: 'root',
  name: 'automation',
  scopes: ['api'],
  expiresAt: utcDay(300),
});
const deploy = gitlab.issueToken({
  user: 'svc-deploy',
  name: 'deploy',
  description: 'pushes release images',
  scopes: ['api'],
  createdAt: new Date(Date.now() - 85 * DAY_MS).toISOString(),
  expiresAt: utcDay(5),
});

if (args['write-dotenv']) {
  writeWhole(
    args['write-dotenv'],
    [
      '# Written by `npm run emulator`: the Action rotates the service account token of the GitLab emulator',
      '# and stores the new one in the CI/CD variable DEPLOY_TOKEN of project acme/deployer.',
      `INPUT_GITLAB-URL=${gitlab.url}`,
      `INPUT_GITLAB-TOKEN=${deploy.token}`,
      'INPUT_ROTATE-BEFORE=30d',
      'INPUT_VARIABLE-KEY=DEPLOY_TOKEN',
      'INPUT_VARIABLE-PROJECT=acme/deployer',
      '',
    ].join('\n'),
  );
}
if (args['write-outputs']) {
  writeWhole(
    args['write-outputs'],
    [
      `url=${gitlab.url}`,
      `token=${deploy.token}`,
      `token-id=${deploy.id}`,
      `admin-token=${admin.token}`,
      '',
    ].join('\n'),
  );
}
console.log(
  `GitLab emulator on ${gitlab.url}: svc-deploy's token ${deploy.id} "deploy" expires ${utcDay(5)}; project acme/deployer. Stop with Ctrl-C.`,
);

async function stop(): Promise<void> {
  const tokens = [...gitlab.activeTokens('svc-deploy'), ...gitlab.activeTokens('root')];
  console.log(
    `Active tokens at the end: ${tokens.map((token) => `${token.id} "${token.name}" (expires ${token.expiresAt ?? 'never'})`).join(', ')}.`,
  );
  const stored = gitlab
    .variables({ project: 'acme/deployer' })
    .find((variable) => variable.key === 'DEPLOY_TOKEN');
  const holder = stored ? gitlab.tokenByValue(stored.value) : undefined;
  console.log(
    stored
      ? `CI/CD variable DEPLOY_TOKEN holds token ${holder?.id ?? '(not a token this emulator issued)'}.`
      : 'CI/CD variable DEPLOY_TOKEN was not written.',
  );
  await gitlab.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
