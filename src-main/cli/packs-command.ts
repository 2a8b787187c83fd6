/**
 * `gen3dface packs list|install <folder|zip>|remove <id>`: the model manager without the window.
 * The engine does the work, as for the studio (same requests, same verification and atomic install).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineHost } from '../host/engine-host';
import { nodeEngineLauncher } from '../host/engine-process';
import { installPackVia, removePackVia } from '../host/pack-requests';
import type { PackInfo } from '../shared/protocol';

export const PACKS_USAGE = `Usage:
  gen3dface packs list [--packs <dir>] [--json]
  gen3dface packs install <folder|zip> [--replace] [--packs <dir>] [--json]
  gen3dface packs remove <id> [--packs <dir>] [--json]

install copies the pack into a temp folder inside the packs folder, checks every file's sha256, and
only then moves it into place; on any problem nothing is installed. Built-in packs cannot be removed.
--packs: the packs folder (default ~/.gen3dface/packs; env GEN3D_PACKS_DIR).`;

export type PacksCommand =
  | { action: 'help' }
  | { action: 'list'; packsDir?: string; json: boolean }
  | { action: 'install'; source: string; replace: boolean; packsDir?: string; json: boolean }
  | { action: 'remove'; id: string; packsDir?: string; json: boolean };

export class PacksUsageError extends Error {}

export function parsePacksArgs(argv: string[]): PacksCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      packs: { type: 'string' },
      replace: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { action: 'help' };
  const [action = 'list', arg, ...extra] = positionals;
  const common = { json: values.json ?? false, ...(values.packs ? { packsDir: resolve(values.packs) } : {}) };
  if (extra.length > 0) throw new PacksUsageError(`packs ${action} takes one argument`);
  if (action === 'list' && !arg) return { action, ...common };
  if (action === 'install' && arg)
    // absolute: the engine process resolves it, perhaps from another folder
    return { action, source: resolve(arg), replace: values.replace ?? false, ...common };
  if (action === 'remove' && arg) return { action, id: arg, ...common };
  if (['list', 'install', 'remove'].includes(action))
    throw new PacksUsageError(
      `packs ${action} ${action === 'list' ? 'takes no argument' : 'needs an argument'}`,
    );
  throw new PacksUsageError(`unknown packs action "${action}"`);
}

export function formatPacks(packs: readonly PackInfo[]): string {
  return packs
    .map((p) => {
      const size = p.sizeBytes === undefined ? '' : ` ${(p.sizeBytes / 2 ** 20).toFixed(1)} MB`;
      const check = !p.ok ? `PROBLEM: ${p.problem ?? '?'}` : p.sha256Verified ? 'sha256 verified' : 'ok';
      return `${p.id}  ${p.kind} ${p.version}${size}  ${p.builtIn ? 'built-in' : 'installed'}  ${check}`;
    })
    .join('\n');
}

/** Exit code: 0 done, 1 the engine refused (nothing changed), 2 usage. */
export async function packsMain(argv: string[]): Promise<number> {
  let command: PacksCommand;
  try {
    command = parsePacksArgs(argv);
  } catch (error) {
    process.stderr.write(`gen3dface: ${(error as Error).message}\n\n${PACKS_USAGE}\n`);
    return 2;
  }
  if (command.action === 'help') {
    process.stdout.write(`${PACKS_USAGE}\n`);
    return 0;
  }
  const engine = new EngineHost({
    launcher: nodeEngineLauncher(command.packsDir ? { env: { GEN3D_PACKS_DIR: command.packsDir } } : {}),
  });
  const print = (value: PackInfo | PackInfo[], text: string): void => {
    process.stdout.write(command.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  };
  try {
    if (command.action === 'list') {
      const answer = await engine.request(
        (requestId) => ({ type: 'listPacks', requestId }),
        (event) => (event.type === 'packs' ? event : undefined),
        { timeoutMs: 10 * 60_000 },
      );
      print(answer.packs, formatPacks(answer.packs));
    } else if (command.action === 'install') {
      const pack = await installPackVia(engine, command.source, command.replace);
      print(pack, `installed ${formatPacks([pack])}`);
    } else {
      const pack = await removePackVia(engine, command.id);
      print(pack, `removed ${pack.id}`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`gen3dface: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await engine.stop();
  }
}
