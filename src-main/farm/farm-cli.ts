/**
 * `gen3dface farm worker|submit|status|retry|cancel`: the farm's command line. submit takes the same
 * photo and generate options as `gen3dface generate` (parsed by the same code).
 */
import { parseArgs } from 'node:util';
import { QueueEvents } from 'bullmq';
import { packageVersion } from '../cli/cli-backend';
import { expandInputs } from '../cli/photo-inputs';
import { parseCliArgs, UsageError } from '../cli/cli-args';
import {
  batchStatus,
  cancelBatch,
  listBatchIds,
  listWorkers,
  openFarmQueue,
  retryBatch,
  submitBatch,
  type BatchStatus,
} from './farm-batches';
import { connectRedis, parseRedisUrl, QUEUE_NAME } from './farm-queue';
import { startFarmWorker, type FarmDevice } from './farm-worker';
import type { WorkerHeartbeat } from './farm-queue';

export const FARM_USAGE = `gen3dface farm — batches of photos over many machines (BullMQ on Redis)

Usage:
  gen3dface farm worker --redis <url> [--concurrency K] [--device cpu|gpu:N] [--packs <dir>] [--name <id>]
  gen3dface farm submit <photo|folder>... --redis <url> --out <shared dir> [generate options]
  gen3dface farm status [--batch <id>] [--watch] [--json] --redis <url>
  gen3dface farm retry --batch <id> --redis <url>
  gen3dface farm cancel --batch <id> --redis <url>

--redis defaults to env GEN3D_FARM_REDIS (redis://[user:password@]host:6379[/db], rediss:// for TLS).
--out must be the same path on every worker (an NFS/SMB mount): job folders go to <out>/.jobs, each
photo's head to <out>/<photo name>/, as with generate. Resubmitting skips photos already done.
Worker tuning: --lock-ms (BullMQ lock, default 30000: a worker silent this long is taken for dead and
its job resumed elsewhere), --stalled-ms (how often that is checked, default 15000).`;

const FARM_OPTIONS = {
  redis: { type: 'string' },
  concurrency: { type: 'string' },
  device: { type: 'string' },
  packs: { type: 'string' },
  name: { type: 'string' },
  'lock-ms': { type: 'string' },
  'stalled-ms': { type: 'string' },
  batch: { type: 'string' },
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function farmMain(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (!action || action === '--help' || action === '-h' || action === 'help') {
    process.stdout.write(`${FARM_USAGE}\n`);
    return action ? 0 : 2;
  }
  try {
    switch (action) {
      case 'worker':
        return await worker(rest);
      case 'submit':
        return await submit(rest);
      case 'status':
        return await status(rest);
      case 'retry':
      case 'cancel':
        return await retryOrCancel(action, rest);
      default:
        throw new UsageError(`unknown farm action "${action}"`);
    }
  } catch (error) {
    process.stderr.write(`gen3dface farm: ${(error as Error).message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${FARM_USAGE}\n`);
    return error instanceof UsageError ? 2 : 3;
  }
}

function parseFarm(
  args: string[],
): ReturnType<typeof parseArgs<{ args: string[]; options: typeof FARM_OPTIONS; allowPositionals: true }>> {
  try {
    return parseArgs({ args, options: FARM_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function redisUrl(value: string | undefined): string {
  const url = value ?? process.env.GEN3D_FARM_REDIS;
  if (!url) throw new UsageError('the farm needs --redis <url> (or env GEN3D_FARM_REDIS)');
  parseRedisUrl(url); // a clear error for a bad URL now
  return url;
}

function positiveInt(value: string | undefined, flag: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} takes a positive whole number, not "${value}"`);
  return n;
}

async function worker(args: string[]): Promise<number> {
  const { values, positionals } = parseFarm(args);
  if (positionals.length > 0) throw new UsageError(`farm worker takes no photos ("${positionals[0]}")`);
  const device = values.device ?? 'cpu';
  if (!/^(cpu|gpu:\d+)$/.test(device)) throw new UsageError(`--device takes cpu or gpu:N, not "${device}"`);
  const lockMs = positiveInt(values['lock-ms'], '--lock-ms');
  const stalledMs = positiveInt(values['stalled-ms'], '--stalled-ms');
  const running = await startFarmWorker({
    redis: redisUrl(values.redis),
    concurrency: positiveInt(values.concurrency, '--concurrency', 1)!,
    device: device as FarmDevice,
    ...(values.packs ? { packsDir: values.packs } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(lockMs ? { lockDurationMs: lockMs } : {}),
    ...(stalledMs ? { stalledIntervalMs: stalledMs } : {}),
  });
  // Runs until SIGINT/SIGTERM: finishes nothing new, lets the running jobs end, then leaves.
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.stdout.write(`${running.name}: stopping after the running jobs\n`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}

/** Farm options out of the way, the rest is exactly `generate`'s arguments. */
function splitSubmitArgs(args: string[]): { farm: string[]; generate: string[] } {
  const farm: string[] = [];
  const generate: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag] = arg.split('=', 1);
    if (flag === '--redis') {
      farm.push(arg);
      if (!arg.includes('=') && i + 1 < args.length) farm.push(args[++i]!);
    } else generate.push(arg);
  }
  return { farm, generate };
}

async function submit(args: string[]): Promise<number> {
  const split = splitSubmitArgs(args);
  const { values } = parseFarm(split.farm);
  const redis = redisUrl(values.redis);
  const command = parseCliArgs(['generate', ...split.generate]);
  if (command.kind !== 'generate') throw new UsageError('farm submit takes photos and generate options');
  if (command.viewsOut) throw new UsageError('--views-out is not supported by the farm yet');
  if (split.generate.some((a) => a.startsWith('--jobs')))
    throw new UsageError('--jobs: the farm keeps job folders in <out>/.jobs');
  const photos = await expandInputs(command.inputs);
  const farm = await openFarmQueue(redis);
  const queue = farm.queue;
  try {
    const result = await submitBatch(queue, {
      photos,
      out: command.out,
      settings: command.settings,
      ...(command.packsDir ? { packsDir: command.packsDir } : {}),
      versions: { studio: await packageVersion() },
    });
    if (command.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stderr.write(
        `${result.queued.length} queued, ${result.skipped.length} already on the farm` +
          (result.skipped.length
            ? ` (${result.skipped.map((s) => `${s.photo}: ${s.state}`).join(', ')})`
            : '') +
          '\n',
      );
      process.stdout.write(`${result.batchId}\n`);
    }
  } finally {
    await farm.close();
  }
  return 0;
}

async function status(args: string[]): Promise<number> {
  const { values } = parseFarm(args);
  const farm = await openFarmQueue(redisUrl(values.redis));
  const queue = farm.queue;
  const show = async (): Promise<boolean> => {
    const ids = values.batch ? [values.batch] : await listBatchIds(queue, 10);
    const batches: BatchStatus[] = [];
    for (const id of ids) batches.push(await batchStatus(queue, id));
    const workers = await listWorkers(queue);
    if (values.json) process.stdout.write(`${JSON.stringify({ batches, workers })}\n`);
    else {
      const text = formatStatus(batches, workers);
      process.stdout.write(values.watch && process.stdout.isTTY ? `\x1b[2J\x1b[H${text}\n` : `${text}\n`);
    }
    return batches.every((b) => b.counts.queued + b.counts.running === 0);
  };
  try {
    if (!values.watch) {
      await show();
      return 0;
    }
    // Redraw on the queue's own events (progress, completed, failed…), at most a few times a second.
    const eventsConnection = await connectRedis(redisUrl(values.redis), true);
    const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection.connection });
    events.on('error', () => undefined);
    let dirty = true;
    for (const name of [
      'progress',
      'completed',
      'failed',
      'active',
      'waiting',
      'stalled',
      'removed',
    ] as const)
      events.on(name, () => (dirty = true));
    let interrupted = false;
    process.once('SIGINT', () => (interrupted = true));
    try {
      for (let tick = 0; !interrupted; tick++) {
        if (dirty || tick % 10 === 0) {
          dirty = false;
          if ((await show()) && values.batch) break;
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await events.close();
      await eventsConnection.close();
    }
    return 0;
  } finally {
    await farm.close();
  }
}

async function retryOrCancel(action: 'retry' | 'cancel', args: string[]): Promise<number> {
  const { values } = parseFarm(args);
  if (!values.batch) throw new UsageError(`farm ${action} needs --batch <id>`);
  const farm = await openFarmQueue(redisUrl(values.redis));
  const queue = farm.queue;
  try {
    await batchStatus(queue, values.batch); // a clear error for an unknown batch
    if (action === 'retry') {
      const retried = await retryBatch(queue, values.batch);
      process.stdout.write(`${retried.length} job(s) back in the queue\n`);
    } else {
      const { removed, running } = await cancelBatch(queue, values.batch);
      process.stdout.write(
        `${removed.length} queued job(s) removed, ${running.length} running job(s) stopping\n`,
      );
    }
  } finally {
    await farm.close();
  }
  return 0;
}

function bar(percent: number, width = 20): string {
  const filled = Math.round((percent / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(percent)).padStart(3)}%`;
}

export function formatStatus(batches: BatchStatus[], workers: WorkerHeartbeat[]): string {
  const lines: string[] = [];
  if (batches.length === 0) lines.push('no batches');
  for (const b of batches) {
    const total = b.jobs.length;
    const finished = b.counts.done + b.counts.failed;
    lines.push(
      `batch ${b.batchId}${b.cancelled ? ' (cancelled)' : ''}  ${bar(total ? (finished / total) * 100 : 100)}  ` +
        `queued ${b.counts.queued}  running ${b.counts.running}  done ${b.counts.done}  failed ${b.counts.failed}  → ${b.out}`,
    );
    for (const j of b.jobs) {
      const percent = j.state === 'completed' ? 100 : (j.progress?.percent ?? 0);
      const where = j.worker ? ` on ${j.worker}` : '';
      const stage = j.state === 'active' && j.progress ? ` ${j.progress.stage}` : '';
      lines.push(
        `  ${j.photo.padEnd(24).slice(0, 24)} ${j.state.padEnd(9)} ${bar(percent, 12)}${stage}${where}` +
          (j.failedReason ? `  (${j.failedReason})` : ''),
      );
    }
  }
  lines.push('', workers.length ? 'workers:' : 'no workers');
  for (const w of workers)
    lines.push(
      `  ${w.name.padEnd(20)} ${w.host} pid ${w.pid}  ${w.device} ×${w.concurrency}  running ${w.running.length}  ` +
        `done ${w.done}  failed ${w.failed}  refused ${w.refused}  seen ${w.seenAt}`,
    );
  return lines.join('\n');
}
