/**
 * The engine launcher of the app: the engine entry runs in an Electron utilityProcess (a Node
 * process Chromium manages). Same EngineProcess interface as host/engine-process.ts's Node launcher.
 */
import { utilityProcess } from 'electron';
import type { EngineLauncher } from '../host/engine-process';

export function utilityEngineLauncher(entry: string, env: Record<string, string> = {}): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'Gen3D-Face engine',
      // stderr piped so the host can tell why it died (engine-exit-cause.ts); still shown.
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, ...env },
    });
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return {
      onStderr: (listener) => child.stderr?.on('data', (chunk: Buffer) => listener(chunk.toString())),
      // pid is known only once the process has spawned; -1 until then.
      get pid() {
        return child.pid ?? -1;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code, null)),
      // utilityProcess.kill() is a polite SIGTERM; the watchdog's SIGKILL (a hung engine) goes by pid.
      kill: (signal) => {
        if (signal === 'SIGKILL' && child.pid) {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        } else void child.kill();
      },
    };
  };
}
