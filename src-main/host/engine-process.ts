/**
 * How the host starts the engine. The engine entry is the same file everywhere; only the way it is
 * started differs: an Electron utilityProcess in the app (see main/), a Node child process for the
 * CLI, tests and machines without Electron (here).
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EngineProcess {
  readonly pid: number;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal?: NodeJS.Signals): void;
  /** What the process writes to stderr (still shown on the host's own stderr). */
  onStderr?(listener: (text: string) => void): void;
}

export type EngineLauncher = () => EngineProcess;

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root, found by walking up to package.json (works from sources and from out/). */
export function projectRoot(start = here): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The engine's TypeScript entry, run through tsx in a plain Node child. */
export function engineSourceEntry(): string {
  return resolve(projectRoot(), 'src-main/engine/index.ts');
}

export function nodeEngineLauncher(
  options: { entry?: string; env?: NodeJS.ProcessEnv } = {},
): EngineLauncher {
  const entry = options.entry ?? engineSourceEntry();
  return () => {
    const execArgv = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = fork(entry, [], {
      execArgv,
      cwd: projectRoot(),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    // Piped, not inherited, so the host can tell why it died (engine-exit-cause.ts); still shown.
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return {
      pid: child.pid ?? -1,
      send: (message) => {
        if (child.connected) child.send(message as object);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', listener),
      kill: (signal = 'SIGTERM') => child.kill(signal),
      onStderr: (listener) => child.stderr?.on('data', (chunk: Buffer) => listener(chunk.toString())),
    };
  };
}
