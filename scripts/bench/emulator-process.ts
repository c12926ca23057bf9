/**
 * The GitLab emulator in a process of its own, for benchmarks: a measured child then shares the machine with a
 * server that is not also the process timing it. Started by `startEmulatorProcess()` (emulator-client.ts) with an
 * IPC channel; every message `{ id, path, args }` calls the control API method at `path` (`addUser`,
 * `faults.inject`, `setLatency` ...) or, without args, reads the property there (`requests`, `url`), and is
 * answered `{ id, value }` or `{ id, error }`. It exits when its parent goes away.
 */
import process from 'node:process';
import { startEmulator, type EmulatorOptions } from '../../test/emulator/index.js';

interface Call {
  readonly id: number;
  readonly path: string;
  readonly args?: unknown[];
}

const options = JSON.parse(process.env.BENCH_EMULATOR_OPTIONS ?? '{}') as EmulatorOptions;
const gitlab = await startEmulator(options);

process.on('message', (message: Call) => {
  void answer(message).then((reply) => process.send?.(reply));
});
process.on('disconnect', () => void gitlab.close().then(() => process.exit(0)));
process.send?.({ id: 0, value: gitlab.url });

async function answer({ id, path, args }: Call): Promise<{ id: number; value?: unknown; error?: string }> {
  try {
    const names = path.split('.');
    const last = names.pop() ?? '';
    let holder: Record<string, unknown> = gitlab as unknown as Record<string, unknown>;
    for (const name of names) holder = holder[name] as Record<string, unknown>;
    const member = holder[last];
    const value =
      args === undefined ? member : await (member as (...given: unknown[]) => unknown).apply(holder, args);
    return { id, value };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
}
