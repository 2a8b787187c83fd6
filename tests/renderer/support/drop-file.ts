/** Drops files on the page's window the way a drag from the desktop does (dragover, then drop), and pastes. */
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

/** Drops several files at once (one DataTransfer holding them all), as a multi-file drag does. */
export async function dropFiles(
  page: Page,
  files: { name: string; type: string; bytes: Uint8Array }[],
): Promise<void> {
  await page.evaluate(
    (files) => {
      const page = globalThis as unknown as DropGlobals;
      const transfer = new page.DataTransfer();
      for (const { name, type, b64 } of files) {
        const data = Uint8Array.from(page.atob(b64), (c) => c.charCodeAt(0));
        transfer.items.add(new page.File([data], name, { type }));
      }
      for (const kind of ['dragover', 'drop'])
        page.dispatchEvent(
          new page.DragEvent(kind, { dataTransfer: transfer, cancelable: true, bubbles: true }),
        );
    },
    files.map((f) => ({ name: f.name, type: f.type, b64: Buffer.from(f.bytes).toString('base64') })),
  );
}

/** Pastes an image the way Ctrl+V of a copied image does: a paste event whose clipboard holds the file. */
export async function pasteFile(page: Page, name: string, type: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    ({ name, type, b64 }) => {
      const page = globalThis as unknown as DropGlobals & {
        ClipboardEvent: new (
          type: string,
          init: { clipboardData: unknown; cancelable: boolean; bubbles: boolean },
        ) => unknown;
      };
      const data = Uint8Array.from(page.atob(b64), (c) => c.charCodeAt(0));
      const transfer = new page.DataTransfer();
      transfer.items.add(new page.File([data], name, { type }));
      page.dispatchEvent(
        new page.ClipboardEvent('paste', { clipboardData: transfer, cancelable: true, bubbles: true }),
      );
    },
    { name, type, b64: Buffer.from(bytes).toString('base64') },
  );
}
