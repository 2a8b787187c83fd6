/**
 * The engine's two ways to talk to its host, chosen by how it was started: Electron's utilityProcess
 * (process.parentPort) or a Node child process with an IPC channel (process.send).
 */
export interface EngineTransport {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectToHost(): EngineTransport {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (process.send) {
    // The host is gone (killed: a farm worker SIGKILLed mid-job): stop too, rather than keep writing
    // into a job folder that another worker may be resuming by now.
    process.once('disconnect', () => process.exit(0));
    return {
      send: (message) => {
        if (process.connected) process.send?.(message);
      },
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('the engine must be started by the studio host (no IPC channel)');
}
