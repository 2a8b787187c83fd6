/** The little of the DOM the page functions use to read pixels (tests are type-checked without the DOM library). */
export interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(source: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}
