/**
 * A long list over a slow link: 10,000 tokens, every answer of the emulator delayed 50 ms. The bundled Action lists
 * them (pages 2..100 read at once, at most PAGE_CONCURRENCY in flight, once page 1 has said how many there are),
 * held against the same pages read one after another (floors/list-sequential.cjs). The emulator handles one
 * request at a time (about 2 ms each for 10,000 tokens), which GitLab's many workers would not: that part of the
 * time cannot overlap here, so the ratio is a little worse than against a real instance. Then one token more, past the 10,000 rows above
 * which GitLab stops counting (no x-total-pages): the Action must follow x-next-page to the end, one page after
 * another, and still list every token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  actionInputs,
  budget,
  cleanEnv,
  median,
  ratios,
  runnerFiles,
  runNode,
  spread,
  timeInterleaved,
  type BenchContext,
  type BenchSection,
  type Contender,
} from './bench-kit.js';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-client.js';

const TOKENS = 10_000;
const LATENCY_MS = 50;
/** Wall time of the Action's list / the sequential read (issue 12). */
const BUDGET_RATIO = 0.35;
/** Rounds of the (slow) comparison; latency, not the machine, decides these times. */
const ROUNDS = 2;

export const listPaging: BenchSection = {
  name: 'list-paging',
  timed: true,
  title: `A list of ${TOKENS.toLocaleString('en')} tokens with ${LATENCY_MS} ms latency: concurrent pages vs one after another`,
  async run(context) {
    await using gitlab = await startEmulatorProcess();
    const lister = await gitlab.addUser({ username: 'svc-list' });
    const { token } = await gitlab.issueToken({ user: 'svc-list', name: 'lister', scopes: ['read_api'] });
    await gitlab.issueTokens({ user: 'svc-list', count: TOKENS - 1, scopes: ['read_api'] });
    await gitlab.setLatency(LATENCY_MS);

    const files = runnerFiles(context, 'list');
    const action: Contender = {
      label: 'action',
      args: [join(context.dist, 'main/index.js')],
      env: cleanEnv({
        ...files.env,
        ...actionInputs(context.root, { operation: 'list', 'gitlab-url': gitlab.url, 'gitlab-token': token }),
      }),
      reset: files.reset,
    };
    const sequential: Contender = {
      label: 'sequential',
      args: [join(import.meta.dirname, 'floors/list-sequential.cjs')],
      env: cleanEnv({
        GITLAB_URL: gitlab.url,
        GITLAB_TOKEN: token,
        LIST_QUERY: `user_id=${lister.id}&state=active`,
      }),
    };
    const rounds = Math.min(ROUNDS, context.runs);
    const wall = await timeInterleaved(context, [action, sequential], rounds);
    const counted = await listOnce(context, gitlab, action, String(files.env.GITHUB_OUTPUT));
    const ratio = ratios(wall, 'action', 'sequential');
    console.log(`  ${rounds} rounds, wall ms, median (min-max)`);
    console.log(`    bundled Action, list (concurrent pages)   ${spread(wall.get('action') ?? [], 0)}`);
    console.log(`    node:http, one page after another         ${spread(wall.get('sequential') ?? [], 0)}`);
    console.log(`    ratio                                      ${spread(ratio)}`);
    console.log(`    the Action listed ${counted.count} tokens in ${counted.requests} requests`);

    await gitlab.setLatency(0);
    await gitlab.issueToken({ user: 'svc-list', name: 'one-more', scopes: ['read_api'] });
    await gitlab.setLatency(LATENCY_MS);
    const beyond = await listOnce(context, gitlab, action, String(files.env.GITHUB_OUTPUT));
    console.log(
      `  ${TOKENS + 1} tokens (no x-total-pages, so x-next-page is followed): ${beyond.count} listed in ${beyond.requests} requests, ${beyond.wallMs.toFixed(0)} ms`,
    );
    const pages = Math.ceil(TOKENS / 100);
    return [
      budget(
        `${TOKENS} tokens at ${LATENCY_MS} ms: Action / sequential ${median(ratio).toFixed(2)} <= ${BUDGET_RATIO}`,
        median(ratio) <= BUDGET_RATIO,
      ),
      budget(
        `${TOKENS} tokens: every one listed (${counted.count}) in ${counted.requests} <= ${pages + 1} requests`,
        counted.count === TOKENS && counted.requests <= pages + 1,
      ),
      budget(
        `${TOKENS + 1} tokens without totals: every one listed (${beyond.count}) in ${beyond.requests} <= ${pages + 2} requests`,
        beyond.count === TOKENS + 1 && beyond.requests <= pages + 2,
      ),
    ];
  },
};

/** One list by the Action: the `count` output, the requests the emulator saw, the wall time. */
async function listOnce(
  context: BenchContext,
  gitlab: EmulatorProcess,
  action: Contender,
  outputFile: string,
): Promise<{ count: number; requests: number; wallMs: number }> {
  action.reset?.();
  await gitlab.clearRequests();
  const run = await runNode(context, action.args, action.env);
  const output = readFileSync(outputFile, 'utf8');
  const count = /^count<<(\S+)\n(\d+)\n\1$/m.exec(output)?.[2];
  return { count: Number(count ?? NaN), requests: (await gitlab.requests()).length, wallMs: run.wallMs };
}
