/** Bundles page-bridge.ts (and the preload's createStudioApi it imports) into one classic script. */
import { build, type Rolldown } from 'vite';
import { join } from 'node:path';

export async function bundlePageBridge(root: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      write: false,
      minify: false,
      lib: {
        entry: join(root, 'tests/renderer/support/page-bridge.ts'),
        formats: ['iife'],
        name: 'studioBridge',
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('bundling the page bridge produced no script');
  return chunk.code;
}
