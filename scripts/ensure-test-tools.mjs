// `npm test` runs this first (the pretest script): the system tools the suite needs beyond Node and npm. The
// component tests run gitlab-ci-local, whose shell executor copies the checkout into each job's directory with rsync
// and reads it with git; a fresh machine often lacks rsync. A missing tool is installed with apt-get where that
// needs nobody (root, or sudo without a password, as on CI runners); otherwise the run stops with one line that
// says what to install. Plain JavaScript, so that it starts in milliseconds and needs nothing from node_modules.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import process from 'node:process';

const TOOLS = [
  {
    command: 'rsync',
    apt: 'rsync',
    why: "gitlab-ci-local's shell executor copies the checkout into each job directory with it, for the tests in test/components",
  },
  { command: 'git', apt: 'git', why: 'gitlab-ci-local and the component tests read the checkout with it' },
];

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function run(argv) {
  const [command, ...args] = argv;
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

const missing = TOOLS.filter((tool) => !onPath(tool.command));
if (missing.length > 0) {
  const packages = missing.map((tool) => tool.apt);
  const asRoot = process.getuid?.() === 0;
  const sudo = !asRoot && onPath('sudo') && run(['sudo', '-n', 'true']) ? ['sudo', '-n'] : undefined;
  if (onPath('apt-get') && (asRoot || sudo)) {
    const prefix = sudo ?? [];
    console.error(
      `npm test needs ${missing.map((tool) => tool.command).join(' and ')}: installing ${packages.join(' ')} with ${[...prefix, 'apt-get'].join(' ')}.`,
    );
    // A fresh image has no package lists, so update first; a failure shows apt-get's own message above ours.
    if (run([...prefix, 'apt-get', 'update', '-qq'])) {
      run([...prefix, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
    }
  }
  const still = missing.filter((tool) => !onPath(tool.command));
  if (still.length > 0) {
    const names = still.map((tool) => tool.command).join(' ');
    console.error(
      `npm test needs ${still.map((tool) => `${tool.command} (${tool.why})`).join('; ')}. Install it (Debian/Ubuntu: sudo apt-get install ${still.map((tool) => tool.apt).join(' ')}; macOS: brew install ${names}; Fedora: sudo dnf install ${names}), then run npm test again.`,
    );
    process.exit(1);
  }
}
