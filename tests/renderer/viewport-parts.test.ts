/**
 * The viewport's pure parts: the UV checker's pixels, the export offset read from a job report (it puts
 * the prior where the head is), and PNG bytes from the screenshot tool's data URL.
 *
 * Run: node --import tsx --test tests/renderer/viewport-parts.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { checkerPixels } from '../../src-renderer/scene/checker-texture';
import { exportOffsetOf } from '../../src-renderer/stores/prior-model';
import { bytesFromDataUrl } from '../../src-renderer/scene/viewport-screenshot';

describe('viewport parts', () => {
  it('draws a checker: squares alternate, light ones tinted by u (red) and v (green)', () => {
    const size = 64;
    const px = checkerPixels(size, 4);
    const at = (x: number, y: number) => [...px.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    assert.equal(px.length, size * size * 4);
    const dark = at(20, 4);
    assert.deepEqual(dark, [56, 56, 56, 255], 'second square of the first row is dark');
    const firstLight = at(4, 4);
    const furtherInU = at(36, 4); // third square of the first row
    assert.ok(furtherInU[0]! > firstLight[0]! + 60, 'red grows with u');
    assert.deepEqual(at(4, 60).slice(0, 3), [56, 56, 56], 'fourth square of the first column is dark');
    assert.ok(at(4, 36)[1]! > firstLight[1]! + 30, 'green grows with v');
  });

  it('reads the export offset from report.json, none when absent or malformed', () => {
    assert.deepEqual(
      exportOffsetOf({ mesh: { offset: [0.01, -0.2, 0.03], vertices: 5 } }),
      [0.01, -0.2, 0.03],
    );
    assert.deepEqual(exportOffsetOf(undefined), [0, 0, 0]);
    assert.deepEqual(exportOffsetOf({ mesh: { offset: [1, 2] } }), [0, 0, 0]);
  });

  it('decodes a base64 PNG data URL to its bytes and refuses anything else', async () => {
    const png = await sharp({ create: { width: 3, height: 2, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const bytes = bytesFromDataUrl(`data:image/png;base64,${png.toString('base64')}`);
    assert.deepEqual(Buffer.from(bytes), png);
    assert.throws(() => bytesFromDataUrl('data:image/png,abc'), /base64 data URL/);
    assert.throws(() => bytesFromDataUrl('blob:xyz'), /base64 data URL/);
  });
});
