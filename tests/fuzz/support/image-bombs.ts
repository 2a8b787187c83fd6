/**
 * Decompression bombs: real encoded images whose header is patched to declare a huge size, for each
 * format sharp writes. The header stays well-formed (valid CRCs and markers), so only a reader that
 * trusts it before checking would try to allocate width × height pixels.
 */
import { pngWithDeclaredSize } from '../../support/photos';

export type PhotoFormat = 'png' | 'jpeg' | 'webp' | 'tiff' | 'avif' | 'gif';

/** The image with its header declaring `side` × `side` (clamped to what the format can say), or undefined. */
export function declareHugeSize(format: PhotoFormat, encoded: Buffer, side: number): Buffer | undefined {
  const out = Buffer.from(encoded);
  switch (format) {
    case 'png':
      return pngWithDeclaredSize(side, side);
    case 'jpeg': {
      // the first start-of-frame marker (SOF0..SOF2): FF C0..C2, length, precision, height, width
      for (let i = 2; i < out.length - 9; i++) {
        if (out[i] === 0xff && out[i + 1]! >= 0xc0 && out[i + 1]! <= 0xc2) {
          const s = Math.min(side, 0xffff);
          out.writeUInt16BE(s, i + 5);
          out.writeUInt16BE(s, i + 7);
          return out;
        }
      }
      return undefined;
    }
    case 'webp': {
      // lossy simple format: RIFF, size, WEBP, 'VP8 ', size, 3-byte frame tag, 9D 01 2A, then 14-bit sizes
      if (out.toString('latin1', 12, 16) !== 'VP8 ') return undefined;
      const s = Math.min(side, 0x3fff);
      out.writeUInt16LE(s, 26);
      out.writeUInt16LE(s, 28);
      return out;
    }
    case 'gif': {
      // logical screen, then the first image descriptor (0x2C, after the colour table and extensions)
      const s = Math.min(side, 0xffff);
      out.writeUInt16LE(s, 6);
      out.writeUInt16LE(s, 8);
      let at = 13 + (out[10]! & 0x80 ? 3 * 2 ** ((out[10]! & 7) + 1) : 0);
      while (out[at] === 0x21) {
        at += 2; // extension introducer and label, then sub-blocks up to a zero-length one
        while (at < out.length && out[at] !== 0) at += out[at]! + 1;
        at += 1;
      }
      if (out[at] !== 0x2c || at + 9 > out.length) return undefined;
      out.writeUInt16LE(s, at + 5);
      out.writeUInt16LE(s, at + 7);
      return out;
    }
    case 'tiff': {
      // little-endian TIFF: the first IFD's ImageWidth (256) and ImageLength (257) become LONGs
      if (out.toString('latin1', 0, 2) !== 'II') return undefined;
      const ifd = out.readUInt32LE(4);
      const count = out.readUInt16LE(ifd);
      for (let k = 0; k < count; k++) {
        const entry = ifd + 2 + k * 12;
        const tag = out.readUInt16LE(entry);
        if (tag === 256 || tag === 257) {
          out.writeUInt16LE(4, entry + 2);
          out.writeUInt32LE(1, entry + 4);
          out.writeUInt32LE(side, entry + 8);
        }
      }
      return out;
    }
    case 'avif': {
      // the 'ispe' property: version/flags, then width and height as 32-bit big-endian
      const at = out.indexOf('ispe', 0, 'latin1');
      if (at < 0) return undefined;
      out.writeUInt32BE(side, at + 8);
      out.writeUInt32BE(side, at + 12);
      return out;
    }
  }
}
