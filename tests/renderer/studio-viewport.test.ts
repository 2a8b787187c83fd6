/**
 * The studio's 3D viewport on a real projection job (ASTRONAUT), in chromium on the real backend and
 * engine: each render mode changes the pixels and looks like what it says (clay grey, normals
 * colourful, UV checker busy), hair and prior toggles, lighting presets, panning, framing, turntable,
 * and the screenshot button writing a PNG of the viewport into the job folder.
 * One studio session, one job; screenshots per mode in test-output/renderer/viewport-*.png.
 *
 * Run: node --import tsx --test tests/renderer/studio-viewport.test.ts
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { changedShare, THUMB, type CanvasStats } from './support/canvas-pixels';
import { pngColourStats, type ColourStats } from './support/png-colour';
import { doneSampleJobs } from './support/done-job';
import {
  openStudioSession,
  pollCanvasStats,
  SHOTS,
  showOnlyJob,
  VIEWPORT_BACKGROUND,
  type StudioSession,
} from './support/studio-session';
import { LIGHTING_PRESETS, type RenderMode } from '../../src-renderer/scene/viewport-options';

const CANVAS = '[data-testid="model-canvas"]';

/** Share of thumbnail samples that changed, in rows [from, to) of the thumbnail only. */
function changedShareInRows(a: CanvasStats, b: CanvasStats, from: number, to: number): number {
  let changed = 0;
  for (let row = from; row < to; row++)
    for (let col = 0; col < THUMB; col++) {
      const i = row * THUMB + col;
      if (Math.abs((a.thumb[i] ?? 0) - (b.thumb[i] ?? 0)) > 24) changed++;
    }
  return changed / ((to - from) * THUMB);
}

const BACKGROUND_LUMA =
  0.299 * VIEWPORT_BACKGROUND[0] + 0.587 * VIEWPORT_BACKGROUND[1] + 0.114 * VIEWPORT_BACKGROUND[2];

/** Share of thumbnail samples off the background's luminance, in columns [from, to) only. */
function drawnShareInColumns(s: CanvasStats, from: number, to: number): number {
  let drawn = 0;
  for (let row = 0; row < THUMB; row++)
    for (let col = from; col < to; col++)
      if (Math.abs((s.thumb[row * THUMB + col] ?? 0) - BACKGROUND_LUMA) > 12) drawn++;
  return drawn / ((to - from) * THUMB);
}

/** Save the viewport as the test sees it and measure its colours. */
async function shoot(page: Page, name: string): Promise<ColourStats> {
  const png = await page
    .getByTestId('model-canvas')
    .screenshot({ path: join(SHOTS, `viewport-${name}.png`) });
  return pngColourStats(png, VIEWPORT_BACKGROUND);
}

const fmt = (c: ColourStats) =>
  `luma ${c.meanLuma.toFixed(1)}, saturation ${c.meanSaturation.toFixed(3)}, hue sectors ${c.hueSectors}, ` +
  `edges ${(100 * c.edgeShare).toFixed(1)} %, foreground ${(100 * c.foreground).toFixed(1)} %`;

describe('studio 3D viewport (chromium, real backend and engine)', { timeout: 240_000 }, () => {
  let session: StudioSession;
  let page: Page;
  let jobId: string;
  /** The textured view, framed, studio light: what every check compares with. */
  let textured: CanvasStats;

  before(
    async () => {
      session = await openStudioSession({ jobsFrom: await doneSampleJobs() });
      page = session.page;
      jobId = await showOnlyJob(session);
      textured = await pollCanvasStats(page, CANVAS, (s) => s.offBackground > 0.05 && s.lumaStd > 8);
    },
    { timeout: 300_000 },
  );

  after(async () => {
    await session?.close();
  });

  it('switches render modes; each changes the pixels and looks like what it says', async () => {
    assert.equal(await page.getByTestId('render-mode-textured').getAttribute('aria-pressed'), 'true');
    const colours: Partial<Record<RenderMode, ColourStats>> = { textured: await shoot(page, 'textured') };
    for (const mode of ['clay', 'normals', 'wireframe', 'uv-checker'] as const) {
      await page.getByTestId(`render-mode-${mode}`).click();
      assert.equal(await page.getByTestId(`render-mode-${mode}`).getAttribute('aria-pressed'), 'true');
      assert.equal(await page.getByTestId('render-mode-textured').getAttribute('aria-pressed'), 'false');
      const stats = await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) > 0.03);
      const changed = changedShare(stats, textured);
      colours[mode] = await shoot(page, mode);
      console.log(
        `# ${mode}: ${(100 * changed).toFixed(1)} % changed against textured; ${fmt(colours[mode])}`,
      );
      assert.ok(changed > 0.03, `${mode} changes the viewport (${changed})`);
    }
    console.log(`# textured: ${fmt(colours.textured!)}`);
    const { clay, normals, 'uv-checker': checker } = colours;
    assert.ok(clay!.meanSaturation < 0.08, `clay is grey (saturation ${clay!.meanSaturation})`);
    assert.ok(
      clay!.meanSaturation < colours.textured!.meanSaturation / 2,
      'clay is much less saturated than the texture',
    );
    assert.ok(normals!.hueSectors >= 4, `normals show many hues (${normals!.hueSectors} sectors)`);
    assert.ok(normals!.meanSaturation > 0.25, `normals are colourful (${normals!.meanSaturation})`);
    assert.ok(
      checker!.edgeShare > 3 * clay!.edgeShare && checker!.edgeShare > 0.04,
      `the UV checker is a high-frequency pattern (edges ${checker!.edgeShare} vs clay ${clay!.edgeShare})`,
    );

    await page.getByTestId('render-mode-textured').click();
    const back = await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) < 0.01);
    assert.ok(changedShare(back, textured) < 0.01, 'textured again looks as before');
  });

  it('hides the hair: the upper part of the head changes, the chin does not', async () => {
    await page.getByTestId('show-hair').uncheck();
    const noHair = await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) > 0.02);
    await shoot(page, 'no-hair');
    const upper = changedShareInRows(noHair, textured, 0, THUMB / 2);
    const lower = changedShareInRows(noHair, textured, THUMB / 2, THUMB);
    console.log(
      `# hair off: ${(100 * upper).toFixed(1)} % of the upper half changed, ${(100 * lower).toFixed(1)} % of the lower`,
    );
    assert.ok(upper > 0.03, `the hair was in the upper half (${upper})`);
    assert.ok(upper > 3 * lower, 'the change is in the upper half');
    await page.getByTestId('show-hair').check();
    await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) < 0.01);
  });

  it('shows the prior overlaid (changes the head) and side by side (adds a second head)', async () => {
    const blueness = (c: ColourStats) => c.meanRgb[2] - c.meanRgb[0];
    const priorOff = await shoot(page, 'prior-off');
    await page.getByTestId('show-prior').check();
    await page.locator(`${CANVAS}[data-prior="shown"]`).waitFor({ timeout: 30_000 });
    // Mostly a change of hue (luminance moves little), so poll for any change, then judge the colour.
    const overlaid = await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) > 0.002);
    const overlayColour = await shoot(page, 'prior-overlay');
    const overlayChange = changedShare(overlaid, textured);
    // The translucent prior is blue: the head turns bluer where it lies over it.
    const blueShift = blueness(overlayColour) - blueness(priorOff);
    await page.getByTestId('prior-placement').selectOption('side');
    // Beside the head (on the viewer's left), the view reframed to hold both.
    const leftThird = (st: CanvasStats) => drawnShareInColumns(st, 0, THUMB / 3);
    const side = await pollCanvasStats(page, CANVAS, (st) => leftThird(st) > 0.1);
    await shoot(page, 'prior-side');
    console.log(
      `# prior overlaid: ${(100 * overlayChange).toFixed(1)} % changed, blue − red up by ${blueShift.toFixed(1)}; ` +
        `side by side: ${(100 * side.offBackground).toFixed(1)} % off background (result alone ` +
        `${(100 * textured.offBackground).toFixed(1)} %), left third ${(100 * leftThird(side)).toFixed(1)} % drawn ` +
        `(result alone ${(100 * leftThird(textured)).toFixed(1)} %)`,
    );
    // Back to the head alone first, so a failed check below leaves the next tests a clean view.
    await page.getByTestId('prior-placement').selectOption('overlay');
    await page.getByTestId('show-prior').uncheck();
    assert.equal(
      await page.getByTestId('prior-placement').isDisabled(),
      true,
      'placement needs the prior shown',
    );
    await page.getByTestId('viewport-frame').click();
    const reset = await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) < 0.01);
    assert.ok(changedShare(reset, textured) < 0.01, 'prior off and framed: the view is as before');
    assert.ok(blueShift > 15, `the overlaid prior tints the head blue (${blueShift})`);
    // The head alone already reaches into the left third of a narrow viewport: judge what is added.
    assert.ok(leftThird(side) > leftThird(textured) + 0.15, 'side by side: the prior fills the left third');
    assert.ok(side.offBackground > textured.offBackground * 1.1, 'side by side adds pixels');
  });

  it('lighting presets change the mean luminance of the head', async () => {
    const means: Record<string, number> = {};
    for (const preset of LIGHTING_PRESETS) {
      await page.getByTestId('lighting-preset').selectOption(preset);
      // The environment map loads after the switch: the canvas says when the preset is on screen.
      await page.locator(`${CANVAS}[data-lighting="${preset}"]`).waitFor({ timeout: 15_000 });
      if (preset !== 'studio') await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) > 0.02);
      const colour = await shoot(page, `light-${preset}`);
      means[preset] = colour.meanLuma;
      console.log(`# light ${preset}: ${fmt(colour)}`);
    }
    for (const preset of LIGHTING_PRESETS.filter((p) => p !== 'studio'))
      assert.ok(
        Math.abs(means[preset]! - means.studio!) > 4,
        `${preset} lights the head differently from studio (${means[preset]} vs ${means.studio})`,
      );
    await page.getByTestId('lighting-preset').selectOption('studio');
    await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) < 0.01);
  });

  it('pans with a right-drag, frames back, and turns on the turntable', async () => {
    const box = await page.getByTestId('model-canvas').boundingBox();
    assert.ok(box);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(cx + box.width / 4, cy, { steps: 8 });
    await page.mouse.up({ button: 'right' });
    const panned = await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) > 0.05);
    await shoot(page, 'panned');
    console.log(`# right-drag: ${(100 * changedShare(panned, textured)).toFixed(1)} % changed`);
    assert.ok(changedShare(panned, textured) > 0.05, 'a right-drag pans the view');

    await page.getByTestId('viewport-frame').click();
    const framed = await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) < 0.01);
    await shoot(page, 'framed');
    console.log(`# framed after panning: ${(100 * changedShare(framed, textured)).toFixed(2)} % changed`);
    assert.ok(changedShare(framed, textured) < 0.01, 'Frame puts the head back where it was');

    await page.getByTestId('viewport-turntable').click();
    assert.equal(await page.getByTestId('viewport-turntable').getAttribute('aria-pressed'), 'true');
    const turned = await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) > 0.05);
    await page.getByTestId('viewport-turntable').click();
    await shoot(page, 'turntable');
    console.log(`# turntable: ${(100 * changedShare(turned, textured)).toFixed(1)} % changed`);
    assert.ok(changedShare(turned, textured) > 0.05, 'the turntable turns the head');
    await page.getByTestId('viewport-frame').click();
    await pollCanvasStats(page, CANVAS, (s) => changedShare(s, textured) < 0.01);
  });

  it('saves a screenshot of the viewport as a PNG in the job folder', async () => {
    const canvasSize = await page.evaluate((selector) => {
      const c = (
        globalThis as unknown as { document: { querySelector(s: string): { width: number; height: number } } }
      ).document.querySelector(selector);
      return { width: c.width, height: c.height };
    }, CANVAS);
    await page.getByTestId('viewport-screenshot').click();
    const note = page.getByTestId('screenshot-note');
    await note.waitFor();
    assert.equal((await note.innerText()).trim(), 'Saved screenshots/viewport-1.png');
    const png = await readFile(join(session.jobsRoot, jobId, 'screenshots/viewport-1.png'));
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.deepEqual({ width: meta.width, height: meta.height }, canvasSize, 'the PNG has the viewport size');
    const colour = await pngColourStats(png, VIEWPORT_BACKGROUND);
    console.log(`# screenshot ${meta.width}x${meta.height}: ${fmt(colour)}`);
    assert.ok(colour.foreground > 0.05 && colour.meanLuma > 20, 'the screenshot shows the head, not a blank');

    await page.getByTestId('viewport-screenshot').click();
    await page.getByText('Saved screenshots/viewport-2.png').waitFor();
    // The whole pane (toolbar, note, view) as a user sees it.
    await page.locator('.model-pane').screenshot({ path: join(SHOTS, 'viewport-panel.png') });
  });

  it('saw no page errors or CSP violations', () => {
    assert.deepEqual(session.pageProblems, []);
  });
});
