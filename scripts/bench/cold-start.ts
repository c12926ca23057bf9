/**
 * Cold starts, the way a runner starts the Action: the bundled dist/main doing `get self` against the GitLab
 * emulator (in a process of its own), held against the floor, the same GET in a 20-line node:http script
 * (floors/get-self.cjs), and against `node -e 0`; and the post step with nothing to revoke (it runs after every job)
 * against `node -e 0`. Every child gets a clean environment; the Action also gets what a runner hands a step (its
 * inputs with action.yml's defaults, GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY ...), so it writes its outputs
 * and job summary as it would on GitHub.
 */
import { join } from 'node:path';
import {
  actionInputs,
  budget,
  cleanEnv,
  median,
  ratios,
  spread,
  timeInterleaved,
  usageInterleaved,
  runnerFiles,
  type BenchSection,
  type Contender,
} from './bench-kit.js';
import { startEmulatorProcess } from './emulator-client.js';

export const BUDGET = {
  /** Wall time of `get self`, bundled Action / node:http floor (issue 12). */
  startRatio: 2.0,
  /** The goal past issue 12, printed beside the budget. */
  startGoal: 1.5,
  /** Peak RSS, bundled Action / node:http floor. */
  rssRatio: 1.3,
  /** Wall time of the post step with nothing to revoke / node -e 0. */
  postRatio: 1.3,
};

export const coldStart: BenchSection = {
  name: 'cold-start',
  timed: true,
  title: 'Cold start: the bundled Action doing get self, and the post step with nothing to revoke',
  async run(context) {
    await using gitlab = await startEmulatorProcess();
    await gitlab.addUser({ username: 'svc-bench', serviceAccount: true });
    const { token } = await gitlab.issueToken({ user: 'svc-bench', name: 'bench', scopes: ['read_api'] });

    const main = runnerFiles(context, 'main');
    const post = runnerFiles(context, 'post');
    const contenders: Contender[] = [
      {
        label: 'action',
        args: [join(context.dist, 'main/index.js')],
        env: cleanEnv({
          ...main.env,
          ...actionInputs(context.root, {
            operation: 'get',
            'gitlab-url': gitlab.url,
            'gitlab-token': token,
          }),
        }),
        reset: main.reset,
      },
      {
        label: 'floor',
        args: [join(import.meta.dirname, 'floors/get-self.cjs')],
        env: cleanEnv({ GITLAB_URL: gitlab.url, GITLAB_TOKEN: token }),
      },
      { label: 'node -e 0', args: ['-e', '0'], env: cleanEnv() },
      {
        label: 'post',
        args: [join(context.dist, 'post/index.js')],
        env: cleanEnv({
          ...post.env,
          ...actionInputs(context.root, {
            operation: 'get',
            'gitlab-url': gitlab.url,
            'gitlab-token': token,
          }),
        }),
        reset: post.reset,
      },
    ];
    const usageRounds = Math.max(5, Math.ceil(context.runs / 3));
    const wall = await timeInterleaved(context, contenders, context.runs);
    const { rssMib, cpuMs } = await usageInterleaved(context, contenders, usageRounds);

    const names: Record<string, string> = {
      action: 'bundled Action, get self',
      floor: 'node:http floor (floors/get-self.cjs)',
      'node -e 0': 'node -e 0',
      post: 'post step, nothing to revoke',
    };
    console.log(`  ${context.runs} rounds, each contender once per round in a rotating order`);
    console.log(
      `  ${'wall ms, median (min-max)'.padEnd(40)} ${'peak RSS MiB'.padStart(13)} ${'CPU ms'.padStart(8)}`,
    );
    for (const each of contenders) {
      console.log(
        `    ${(names[each.label] ?? each.label).padEnd(38)} ${spread(wall.get(each.label) ?? [], 1).padEnd(20)} ${median(
          rssMib.get(each.label) ?? [],
        )
          .toFixed(1)
          .padStart(5)} ${median(cpuMs.get(each.label) ?? [])
          .toFixed(1)
          .padStart(8)}`,
      );
    }
    const start = ratios(wall, 'action', 'floor');
    const rss = ratios(rssMib, 'action', 'floor');
    const postStart = ratios(wall, 'post', 'node -e 0');
    console.log('  ratios within rounds, median (min-max)');
    console.log(
      `    Action / node:http floor, wall        ${spread(start)}   (goal ${BUDGET.startGoal.toFixed(2)})`,
    );
    console.log(`    Action / node:http floor, peak RSS    ${spread(rss)}   (${usageRounds} rounds)`);
    console.log(`    Action / node:http floor, CPU         ${spread(ratios(cpuMs, 'action', 'floor'))}`);
    console.log(`    Action / node -e 0, wall              ${spread(ratios(wall, 'action', 'node -e 0'))}`);
    console.log(`    post step / node -e 0, wall           ${spread(postStart)}`);
    return [
      budget(
        `cold start, Action / node:http floor ${median(start).toFixed(2)} <= ${BUDGET.startRatio.toFixed(2)}`,
        median(start) <= BUDGET.startRatio,
      ),
      budget(
        `peak RSS, Action / node:http floor ${median(rss).toFixed(2)} <= ${BUDGET.rssRatio.toFixed(2)}`,
        median(rss) <= BUDGET.rssRatio,
      ),
      budget(
        `post step with nothing to revoke / node -e 0 ${median(postStart).toFixed(2)} <= ${BUDGET.postRatio.toFixed(2)}`,
        median(postStart) <= BUDGET.postRatio,
      ),
    ];
  },
};
