/**
 * Real processes for the farm's tests and benchmark: a redis-server on 127.0.0.1 (a free port, its
 * own folder, append-only file fsynced on every write) and `gen3dface farm worker` processes. Every
 * process started here is tracked and stopped by stopAll(), whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../../bin/gen3dface.mjs');
const started = new Set<ChildProcess>();

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
}

/**
 * `--appendonly yes --appendfsync always`: every job BullMQ adds or moves is on disk before Redis
 * answers, so a restart (or a crash) loses nothing. No RDB snapshots (`--save ''`): the AOF is enough.
 */
export async function startRedis(dir: string, port: number): Promise<RedisServer> {
  const child = spawn(
    '/usr/bin/redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.add(child);
  child.on('exit', () => started.delete(child));
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 15_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`redis-server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `redis://127.0.0.1:${port}`, port, dir, process: child };
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}

/** SIGTERM (Redis fsyncs and exits), then wait for the exit. */
export async function stopRedis(redis: RedisServer): Promise<void> {
  if (redis.process.exitCode !== null) return;
  redis.process.kill('SIGTERM');
  await once(redis.process, 'exit');
}

export interface WorkerProcess {
  name: string;
  process: ChildProcess;
  output: () => string;
}

export function startWorker(redisUrl: string, name: string, extra: string[] = []): WorkerProcess {
  const child = spawn(
    process.execPath,
    [CLI, 'farm', 'worker', '--redis', redisUrl, '--name', name, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.add(child);
  child.on('exit', () => started.delete(child));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { name, process: child, output: () => out };
}

/** Runs the CLI to its end. */
/** `gen3dface farm submit <photos…> --redis <url> --out <out> [options]`. */
export function submitBatch(
  photos: string[],
  redisUrl: string,
  out: string,
  options: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(['farm', 'submit', ...photos, '--redis', redisUrl, '--out', out, ...options]);
}

export async function runCli(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  started.delete(child);
  return { code, stdout, stderr };
}

/** SIGTERM to everything still running, SIGKILL to what is left after a few seconds. */
export async function stopAll(): Promise<void> {
  const alive = [...started].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of alive) c.kill('SIGTERM');
  await Promise.race([
    Promise.all(
      alive.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)),
    ),
    new Promise((r) => setTimeout(r, 8000)),
  ]);
  for (const c of alive) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  started.clear();
}
