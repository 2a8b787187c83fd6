/**
 * What this installation lacks before any job can run. Today that is the native addon: a source
 * checkout builds it with `npm run setup`; an installed studio ships it, so missing means broken.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorInfo } from '../shared/protocol';
import { nativeAddonProblem } from './native/native-addon';

export const SETUP_INCOMPLETE = 'setup-incomplete';

export function findSetupProblems(): ErrorInfo[] {
  const problems: ErrorInfo[] = [];
  const addon = nativeAddonProblem();
  if (addon) {
    const checkout = sourceCheckoutRoot();
    problems.push({
      code: SETUP_INCOMPLETE,
      message: `The native addon (rasterizer and texture bake) is missing: ${addon}`,
      hint: checkout
        ? `Run \`npm run setup\` in ${checkout} (it builds native/ with CMake), then run the job again.`
        : 'This installation of the studio is incomplete: reinstall it.',
    });
  }
  return problems;
}

/** The repository root when running from a source checkout (it has native/build.sh), else undefined. */
function sourceCheckoutRoot(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'native', 'build.sh')) && existsSync(path.join(dir, 'package.json')))
      return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}
