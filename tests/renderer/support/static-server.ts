/**
 * Serves a built renderer folder on 127.0.0.1 at a random port through the app's own gen3d:// handler
 * (main/app-protocol.ts): each http request is answered as the same path of gen3d://studio would be,
 * so the browser tests load the renderer exactly as the studio window does (types, CSP, confinement).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_HOST, APP_SCHEME, serveAppRequest } from '../../../src-main/main/app-protocol';

export async function serveFolder(
  root: string,
  csp: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const appRequest = new Request(`${APP_SCHEME}://${APP_HOST}${path}`, { method: request.method });
    serveAppRequest(appRequest, root, csp).then(
      async (answer) => {
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => (headers[name] = value));
        response.writeHead(answer.status, headers);
        response.end(Buffer.from(await answer.arrayBuffer()));
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
