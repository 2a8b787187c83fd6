#!/usr/bin/env node
// The gen3dface CLI runs from the TypeScript sources through tsx, so it needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
