/**
 * `npm run demo`: the tool's main job, end to end, with no GitLab or GitHub account. A service account's token,
 * kept in the GitHub secret GITLAB_TOKEN, expires in five days; a scheduled workflow runs the bundled Action with
 * rotate-before 30d and github-secret GITLAB_TOKEN. Emulators stand in for GitLab and GitHub's REST API; the Action
 * runs as a child process exactly as a GitHub runner starts it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../test/emulator/index.js';
import { startGithubEmulator } from '../test/github-emulator/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const ACTION = join(ROOT, 'dist/main/index.js');

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

function runAction(
  inputs: Record<string, string>,
  runnerEnv: NodeJS.ProcessEnv,
): Promise<{ code: number; log: string; outputs: string; summary: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-demo-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    ...runnerEnv,
  };
  for (const file of ['output', 'state', 'summary']) writeFileSync(join(dir, file), '');
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return new Promise((done) => {
    execFile(process.execPath, [ACTION], { env }, (error, stdout, stderr) => {
      const read = (name: string) => readFileSync(join(dir, name), 'utf8');
      const result = {
        code: error ? Number(error.code ?? 1) : 0,
        log: stdout + stderr,
        outputs: read('output'),
        summary: read('summary'),
      };
      rmSync(dir, { recursive: true, force: true });
      done(result);
    });
  });
}

/** What a runner shows: mask commands are consumed by the runner, the rest printed with the value replaced. */
function asRunnerShows(log: string): string {
  const masked = [...log.matchAll(/^::add-mask::(.*)$/gm)].map((match) => match[1] ?? '');
  return log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::') && !line.startsWith('::debug::') && line !== '')
    .map((line) => masked.reduce((text, value) => text.split(value).join('***'), line))
    .map((line) => `    ${line}`)
    .join('\n');
}

function outputsShown(raw: string): string {
  const lines: string[] = [];
  for (const match of raw.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    const [name, value] = [match[1] ?? '', match[3] ?? ''];
    lines.push(
      `    ${name}: ${name === 'token' ? `*** (masked in the log; ${value.length} characters, handed to the next step)` : value}`,
    );
  }
  return lines.join('\n');
}

const REPOSITORY = 'acme/deployer';
const gitlab = await startEmulator();
const github = await startGithubEmulator();
try {
  gitlab.addUser({ username: 'svc-deploy', name: 'Deploy service account', serviceAccount: true });
  const expiring = gitlab.issueToken({
    user: 'svc-deploy',
    name: 'deploy',
    description: 'pushes release images',
    scopes: ['api'],
    createdAt: new Date(Date.now() - 85 * 86_400_000).toISOString(),
    expiresAt: daysFromNow(5),
  });
  github.addRepository(REPOSITORY);
  github.setSecret({ repository: REPOSITORY }, 'GITLAB_TOKEN', expiring.token);
  const githubToken = github.issueToken({ grants: [{ repository: REPOSITORY, secrets: 'write' }] });
  const runnerEnv = { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: REPOSITORY };

  console.log(
    `GitLab emulator on ${gitlab.url}, GitHub API emulator on ${github.url}: nothing leaves this machine.`,
  );
  console.log(
    `Service account svc-deploy holds token ${expiring.id} "deploy", a 90-day token expiring ${daysFromNow(5)}: five days left.`,
  );
  console.log(`The repository ${REPOSITORY} keeps it in the secret GITLAB_TOKEN.\n`);

  const workflowInputs = (gitlabToken: string) => ({
    'gitlab-url': gitlab.url,
    'gitlab-token': gitlabToken,
    'rotate-before': '30d',
    'github-secret': 'GITLAB_TOKEN',
    'github-token': githubToken,
  });
  // What the runner hands the workflow as ${{ secrets.GITLAB_TOKEN }}.
  const secretAsRunnerSeesIt = () => github.secretValue({ repository: REPOSITORY }, 'GITLAB_TOKEN') ?? '';

  console.log(
    '1. The daily scheduled workflow runs the Action (node dist/main/index.js) with rotate-before: 30d, github-secret: GITLAB_TOKEN',
  );
  const first = await runAction(workflowInputs(secretAsRunnerSeesIt()), runnerEnv);
  console.log(asRunnerShows(first.log));
  console.log('  Step outputs:');
  console.log(outputsShown(first.outputs));
  const fresh = gitlab.activeTokens('svc-deploy')[0];
  console.log(
    `  GitLab now: token ${expiring.id} ${gitlab.token(expiring.id)?.revoked ? 'revoked' : 'STILL ACTIVE'}; token ${fresh?.id} active until ${fresh?.expiresAt}.`,
  );
  console.log(
    `  GitHub now: the secret GITLAB_TOKEN ${secretAsRunnerSeesIt() === fresh?.value ? 'holds the new token' : 'DOES NOT hold the new token'} (sealed for the repository's public key).`,
  );
  const rotates = gitlab.requests.filter((request) => request.path.endsWith('/rotate')).length;
  console.log(
    `  Rotate requests sent: ${rotates}. GitLab requests: ${gitlab.requests.map((request) => `${request.method} ${request.path.replace('/api/v4', '')} ${request.status}`).join(', ')}\n`,
  );

  console.log('2. Next day the schedule runs again; the secret now holds the new token, which is not due');
  const second = await runAction(workflowInputs(secretAsRunnerSeesIt()), runnerEnv);
  console.log(asRunnerShows(second.log));
  console.log(outputsShown(second.outputs));
  console.log('\nJob summary of the first run (Markdown):\n');
  console.log(first.summary.replace(/^/gm, '    '));
  process.exitCode = first.code || second.code;
} finally {
  await gitlab.close();
  await github.close();
}
