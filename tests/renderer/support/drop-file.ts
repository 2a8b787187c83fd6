/** Drops a file on the page's window the way a drag from the desktop does: dragover, then drop. */
import type { Page } from 'playwright-core';

/** The few page globals used (tests are type-checked without the DOM library). */
interface DropGlobals {
  atob(text: string): string;
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  DragEvent: new (
    type: string,
    init: { dataTransfer: unknown; cancelable: boolean; bubbles: boolean },
  ) => unknown;
  dispatchEvent(event: unknown): boolean;
}

export async function dropFile(page: Page, name: string, type: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    ({ name, type, b64 }) => {
      const page = globalThis as unknown as DropGlobals;
      const data = Uint8Array.from(page.atob(b64), (c) => c.charCodeAt(0));
      const transfer = new page.DataTransfer();
      transfer.items.add(new page.File([data], name, { type }));
      for (const kind of ['dragover', 'drop'])
        page.dispatchEvent(
          new page.DragEvent(kind, { dataTransfer: transfer, cancelable: true, bubbles: true }),
        );
    },
    { name, type, b64: Buffer.from(bytes).toString('base64') },
  );
}
