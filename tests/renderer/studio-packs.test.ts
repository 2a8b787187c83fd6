/**
 * The model manager in the studio window (chromium, real backend and engine, no job): opens from the
 * side bar's "Models…", imports the tiny diffusion pack (tests/diffusion/support/fixture.ts) from a
 * folder and as a zip (made with the export's zip writer) through the OS dialogs main shows, lists it
 * as sha256 verified with its size, offers it in the generation panel, refuses a corrupt copy with a
 * clear error and nothing installed, and removes it from the list and from disk. A tiny estimator pack
 * imported the same way makes its estimator selectable in the picker (and removing it takes that back).
 *
 * Run: node --import tsx --test tests/renderer/studio-packs.test.ts   (screenshots in test-output/renderer/)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { diffusionFixture } from '../diffusion/support/fixture';
import { writeTinyPack, zipFolder } from '../support/tiny-pack';
import { formatBytes } from '../../src-renderer/stores/pack-rows';
import { openStudioSession, SHOTS, type StudioSession } from './support/studio-session';

interface ManifestFile {
  path: string;
  bytes: number;
}

describe('model manager (chromium, real backend and engine)', { timeout: 240_000 }, () => {
  let session: StudioSession;
  let page: Page;
  let packDir: string;
  let packId: string;
  let packBytes: number;
  let scratch: string;

  before(async () => {
    packDir = (await diffusionFixture()).packDir;
    const manifest = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8')) as {
      id: string;
      files: ManifestFile[];
    };
    packId = manifest.id;
    packBytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    scratch = await mkdtemp(join(tmpdir(), 'gen3d-studio-packs-'));
    session = await openStudioSession();
    page = session.page;
  });

  after(async () => {
    await session?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const row = (id: string) => page.locator(`[data-testid="pack-row"][data-pack-id="${id}"]`);
  const generationPackIds = async (): Promise<string[]> =>
    page
      .getByTestId('diffusion-pack-select')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  /** What is in the packs folder, temp folders included. */
  const packsOnDisk = () => readdir(session.packsDir);
  /**
   * The removal's notice: the end of the action, once every list of packs has asked again (before
   * 2026-12-04 the manager's own row could go first, while the generation panel still listed the pack).
   */
  const removedNotice = (id: string) =>
    page
      .getByTestId('pack-notice')
      .filter({ hasText: `Removed ${id}` })
      .waitFor();

  it('opens from the side bar and lists the built-in packs, which cannot be removed', async () => {
    // diffusion chosen first: the pack list below must refresh because of the import, not a focus
    await page.getByTestId('generator-select').selectOption('diffusion');
    await page.getByTestId('models-button').click();
    await page.getByTestId('model-manager').waitFor();
    await row('builtin-head-model').waitFor();
    const ids = await page.getByTestId('pack-row').evaluateAll((rows) => rows.map((r) => r.dataset.packId));
    console.log(`# listed before import: ${ids.join(', ')}`);
    assert.ok(ids.includes('builtin-selfie-segmentation'), ids.join());
    assert.ok(!ids.includes(packId), 'the tiny pack is not installed yet');
    for (const id of ids)
      assert.equal(await row(id!).getByTestId('pack-remove').count(), 0, `${id} is built-in`);
    assert.ok(!(await generationPackIds()).includes(packId));
  });

  it('a cancelled dialog changes nothing', async () => {
    session.answer('choosePackFolder', null);
    await page.getByTestId('pack-import-folder').click();
    await page.locator('[data-testid="model-manager"][data-busy=""]').waitFor();
    assert.equal(await page.getByTestId('pack-error').count(), 0);
    assert.deepEqual(await packsOnDisk(), []);
  });

  it('imports the tiny diffusion pack from a folder: verified, its size, offered for generation', async () => {
    session.answer('choosePackFolder', packDir);
    await page.getByTestId('pack-import-folder').click();
    await row(packId).waitFor({ timeout: 60_000 });
    assert.equal(await row(packId).getAttribute('data-status'), 'verified');
    const status = await row(packId).getByTestId('pack-status').innerText();
    const size = await row(packId).getByTestId('pack-size').innerText();
    console.log(`# folder import: ${packId} ${size} (${packBytes} bytes), "${status}"`);
    assert.match(status, /✓ sha256 verified/);
    assert.equal(size, formatBytes(packBytes));
    assert.match(await page.getByTestId('pack-notice').innerText(), new RegExp(`Installed ${packId}`));
    assert.deepEqual(await packsOnDisk(), [packId], 'installed under its id, no temp folder left');
    assert.ok((await generationPackIds()).includes(packId), 'the generation panel offers it');
    assert.deepEqual(session.dialogCalls.map((c) => c.dialog).slice(-1), ['choosePackFolder']);
  });

  it('removes it after a confirmation: gone from the list, the generation panel and the disk', async () => {
    await row(packId).getByTestId('pack-remove').click();
    await row(packId).getByTestId('pack-remove-cancel').click(); // "Keep" first: nothing happens
    assert.equal(await row(packId).count(), 1);
    await row(packId).getByTestId('pack-remove').click();
    await row(packId).getByTestId('pack-remove-confirm').click();
    await row(packId).waitFor({ state: 'detached' });
    await removedNotice(packId);
    assert.deepEqual(await packsOnDisk(), []);
    assert.ok(!(await generationPackIds()).includes(packId));
  });

  it('imports it as a zip of the pack folder', async () => {
    const zip = await zipFolder(packDir, join(scratch, 'tiny-pack.zip'), `${packId}/`);
    session.answer('choosePackZip', zip);
    await page.getByTestId('pack-import-zip').click();
    await row(packId).waitFor({ timeout: 60_000 });
    assert.equal(await row(packId).getAttribute('data-status'), 'verified');
    assert.equal(await row(packId).getByTestId('pack-size').innerText(), formatBytes(packBytes));
    assert.deepEqual(await packsOnDisk(), [packId]);
    assert.ok((await generationPackIds()).includes(packId));
    await page.getByTestId('model-manager').screenshot({ path: join(SHOTS, 'model-manager.png') });
    await page.screenshot({ path: join(SHOTS, 'model-manager-window.png') });
  });

  it('refuses a corrupt copy with a clear error; nothing is listed or left on disk', async () => {
    const corrupt = join(scratch, 'corrupt');
    await cp(packDir, corrupt, { recursive: true });
    const manifestPath = join(corrupt, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      id: string;
      files: ManifestFile[];
    };
    manifest.id = 'corrupt-copy';
    await writeFile(manifestPath, JSON.stringify(manifest));
    const victim = join(corrupt, 'volume.onnx');
    const bytes = await readFile(victim);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff; // same size: only the sha256 tells
    await writeFile(victim, bytes);

    session.answer('choosePackFolder', corrupt);
    await page.getByTestId('pack-import-folder').click();
    const error = await page.getByTestId('pack-error').innerText({ timeout: 60_000 });
    console.log(`# corrupt copy: "${error}"`);
    assert.match(error, /^Nothing was installed: /);
    assert.match(error, /volume\.onnx: the file is corrupt: its sha256 does not match the manifest/);
    assert.ok(error.includes(corrupt), 'the error names the chosen folder');
    assert.equal(await row('corrupt-copy').count(), 0);
    assert.deepEqual(await packsOnDisk(), [packId], 'nothing installed, no temp folder left');
    assert.ok(!(await generationPackIds()).includes('corrupt-copy'));
    await page.getByTestId('model-manager').screenshot({ path: join(SHOTS, 'model-manager-error.png') });
  });

  it('an estimator pack imported makes its estimator selectable, and removing it takes that back', async () => {
    const deca = await writeTinyPack(join(scratch, 'deca-pack'), 'deca');
    // read without focusing the picker (a focus asks the engine itself): the manager's refresh must do it
    const decaOption = page.getByTestId('estimator-select').locator('option[value="deca"]');
    assert.equal(await decaOption.isDisabled(), true, 'no DECA pack yet');
    session.answer('choosePackFolder', deca);
    await page.getByTestId('pack-import-folder').click();
    await row('deca').waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      () =>
        !(
          document.querySelector('[data-testid="estimator-select"] option[value="deca"]') as HTMLOptionElement
        ).disabled,
    );
    await row('deca').getByTestId('pack-remove').click();
    await row('deca').getByTestId('pack-remove-confirm').click();
    await row('deca').waitFor({ state: 'detached' });
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="estimator-select"] option[value="deca"]') as HTMLOptionElement)
          .disabled,
    );
    assert.deepEqual(await packsOnDisk(), [packId]);
  });

  it('removes the zip-installed pack from the list and the disk; the page had no errors', async () => {
    await row(packId).getByTestId('pack-remove').click();
    await row(packId).getByTestId('pack-remove-confirm').click();
    await row(packId).waitFor({ state: 'detached' });
    await removedNotice(packId);
    assert.equal(existsSync(join(session.packsDir, packId)), false);
    assert.deepEqual(await packsOnDisk(), []);
    assert.ok(!(await generationPackIds()).includes(packId));
    await page.getByTestId('model-manager-close').click();
    await page.getByTestId('model-manager').waitFor({ state: 'detached' });
    assert.deepEqual(session.pageProblems, []);
  });
});
