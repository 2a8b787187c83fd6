/**
 * Makes the test fixtures that PyTorch writes — the estimators' random-weight packs and the tiny
 * diffusion pack, ~70 s in all — before the node tests need them: test.sh runs this beside its type
 * checks and lint, which leave a core free. Each maker is cached and locked (flock), so a test file
 * that starts while this still runs waits for it instead of making its own.
 *
 *   npx tsx tests/support/prepare-fixtures.ts
 */
import { estimatorFixtures, type FixtureName } from '../adapters/support/estimator-fixtures';
import { diffusionFixture } from '../diffusion/support/fixture';

const started = performance.now();
// One at a time: the checks beside this use the other core.
for (const name of ['flame', 'deca', 'ringnet', 'mica'] as FixtureName[]) await estimatorFixtures([name]);
await diffusionFixture();
console.log(`test fixtures ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
