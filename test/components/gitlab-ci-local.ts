/**
 * Runs this project's CI/CD components the way GitLab would, with gitlab-ci-local (shell executor, no Docker): a
 * throwaway git repository whose `.gitlab-ci.yml` includes `templates/` from its own commit, exactly as the
 * project's pipeline and GitLab's docs do (`$CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@$CI_COMMIT_SHA`).
 * Asynchronous, because the emulator answering the job lives in the test process.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '../..');
const GITLAB_CI_LOCAL = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');
export const CLI = join(ROOT, 'dist/cli/index.js');
/** The `command` input that runs the CLI of this checkout instead of the npm release. */
export const CLI_COMMAND = `'${process.execPath}' '${CLI}'`;

/** The include line GitLab's docs recommend for testing a component in its own project. */
export const includeOwn = (
  component: 'rotate' | 'token' | 'sync' | 'audit',
  inputs: Record<string, unknown>,
) => ({
  component: `$CI_SERVER_FQDN/$CI_PROJECT_PATH/${component}@$CI_COMMIT_SHA`,
  inputs,
});

/** Predefined variables the tests set on purpose; gitlab-ci-local would warn about each. */
const OVERRIDDEN_PREDEFINED = [
  'GITLAB_CI',
  'CI_SERVER_URL',
  'CI_PROJECT_ID',
  'CI_PIPELINE_SOURCE',
  'CI_JOB_ID',
];

export interface ComponentProject extends Disposable {
  readonly dir: string;
  readonly sha: string;
}

/**
 * A git repository holding a copy of templates/ and the given pipeline (an object, or YAML text), committed, with a
 * GitLab-looking remote.
 */
export function createComponentProject(
  pipeline: object | string,
  files: Readonly<Record<string, string>> = {},
): ComponentProject {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-pat-component-'));
  const home = join(dir, '.home');
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = test\n\temail = test@example.com\n');
  cpSync(join(ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  // Quoted, as users must quote dates: GitLab's YAML loader refuses an unquoted 2027-03-01.
  const text =
    typeof pipeline === 'string'
      ? pipeline
      : stringify(pipeline, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
  writeFileSync(join(dir, '.gitlab-ci.yml'), text);
  writeFileSync(join(dir, '.gitignore'), '.home/\n.gitlab-ci-local/\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
      encoding: 'utf8',
    }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/token-tools.git');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'pipeline under test');
  // gitlab-ci-local asks the remote for its default branch; a local ref answers without a network.
  git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  return {
    dir,
    sha: git('rev-parse', 'HEAD'),
    [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface PipelineRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr as they arrived: the job log, with gitlab-ci-local's own lines around it. */
  readonly log: string;
  /** Every file the run left in the project (gitlab-ci-local's state, logs, scripts, and anything a job wrote). */
  readonly files: Record<string, string>;
  /** stdout, stderr and every file: everything a leak could hide in. */
  readonly everything: string;
}

export interface RunOptions {
  /** CI/CD variables, as a project or instance would define them (passed through the environment, not argv). */
  readonly variables?: Record<string, string>;
  /** Extra environment for gitlab-ci-local and, through it, the job (PATH above all). */
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/**
 * gitlab-ci-local's shell executor copies the checkout into each job directory with rsync; without it every job
 * dies with "rsync: command not found", which does not say what to do.
 */
function requireRsync(path: string | undefined): void {
  if ((path ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'rsync')))) return;
  throw new Error(
    'The component tests run gitlab-ci-local, whose shell executor copies the checkout with rsync, and rsync is not installed. Run npm test, which installs it where it can, or install it (Debian/Ubuntu: sudo apt-get install rsync; macOS: brew install rsync).',
  );
}

export async function runGitlabCiLocal(
  project: ComponentProject,
  args: readonly string[],
  options: RunOptions = {},
): Promise<PipelineRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(project.dir, '.home'),
    LANG: 'C.UTF-8',
    ...options.env,
  };
  requireRsync(env.PATH);
  for (const [name, value] of Object.entries(options.variables ?? {})) env[`GCL_VARIABLE_${name}`] = value;
  const child = spawn(
    process.execPath,
    [
      GITLAB_CI_LOCAL,
      '--force-shell-executor',
      '--no-color',
      '--max-job-name-padding=0',
      // The render tests validate against GitLab's schema themselves (ci-schema.ts); this saves half a second a run.
      '--json-schema-validation=false',
      `--ignore-predefined-vars=${OVERRIDDEN_PREDEFINED.join(',')}`,
      ...args,
    ],
    { cwd: project.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    log += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    log += chunk;
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exitCode = await new Promise<number>((done) => {
    child.on('close', (code) => done(code ?? 1));
  });
  clearTimeout(timeout);
  const files = filesUnder(project.dir, project.dir);
  return {
    exitCode,
    stdout,
    stderr,
    log,
    files,
    everything: [log, ...Object.entries(files).map(([name, text]) => `${name}\n${text}`)].join('\n'),
  };
}

/** Renders the pipeline with gitlab-ci-local --preview: includes resolved, inputs interpolated, defaults applied. */
export async function previewPipeline(
  project: ComponentProject,
  options: RunOptions = {},
): Promise<PipelineRun & { readonly rendered: string }> {
  const run = await runGitlabCiLocal(project, ['--preview'], options);
  // The preview is the YAML after the `---` that follows gitlab-ci-local's progress lines.
  const start = run.stdout.indexOf('---\n');
  return { ...run, rendered: start === -1 ? '' : run.stdout.slice(start + 4) };
}

function filesUnder(root: string, dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === '.git' || name === 'node_modules') continue;
    const stat = statSync(path);
    if (stat.isDirectory()) Object.assign(files, filesUnder(root, path));
    else if (stat.isFile()) files[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return files;
}
