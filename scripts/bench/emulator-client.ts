/**
 * The benchmark's side of emulator-process.ts: starts the GitLab emulator in a child process and calls its control
 * API over IPC. Only what the benchmarks use is typed here; `call` reaches any control API method.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type {
  AddUserSpec,
  EmulatorOptions,
  IssueTokenSpec,
  RecordedRequest,
  SetVariableSpec,
  VariableOwner,
  AddProjectSpec,
} from '../../test/emulator/index.js';

export interface EmulatorProcess extends AsyncDisposable {
  readonly url: string;
  /** Calls the control API method at `path` (e.g. `faults.inject`) with `args`. */
  call<T = unknown>(path: string, ...args: unknown[]): Promise<T>;
  addUser(spec: AddUserSpec): Promise<{ id: number; username: string }>;
  issueToken(spec: IssueTokenSpec): Promise<{ id: number; token: string }>;
  /** Many tokens of one user, named `token-1`, `token-2` ... */
  issueTokens(spec: { user: string | number; count: number; scopes: readonly string[] }): Promise<number[]>;
  addProject(spec: AddProjectSpec): Promise<unknown>;
  setVariable(owner: VariableOwner, variable: SetVariableSpec): Promise<void>;
  setLatency(ms: number): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  close(): Promise<void>;
}

export async function startEmulatorProcess(options: EmulatorOptions = {}): Promise<EmulatorProcess> {
  const child: ChildProcess = fork(join(import.meta.dirname, 'emulator-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { PATH: process.env.PATH, BENCH_EMULATOR_OPTIONS: JSON.stringify(options) },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the emulator process exited (${code}) before it listened`)),
    );
    child.once('message', (message: { value: string }) => resolve(message.value));
  });
  child.removeAllListeners('exit');
  child.on('message', (message: { id: number; value?: unknown; error?: string }) => {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiting?.reject(new Error(`emulator: ${message.error}`));
    else waiting?.resolve(message.value);
  });
  const send = <T>(path: string, args?: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, path, args });
    });
  const close = async () => {
    if (child.exitCode !== null || !child.connected) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    await exited;
  };
  return {
    url,
    call: (path, ...args) => send(path, args),
    addUser: (spec) => send('addUser', [spec]),
    issueToken: (spec) => send('issueToken', [spec]),
    issueTokens: (spec) => send('issueTokens', [spec]),
    addProject: (spec) => send('addProject', [spec]),
    setVariable: (owner, variable) => send('setVariable', [owner, variable]),
    setLatency: (ms) => send('setLatency', [ms]),
    requests: () => send('requests'),
    clearRequests: () => send('clearRequests', []),
    close,
    [Symbol.asyncDispose]: close,
  };
}
