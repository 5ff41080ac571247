/**
 * Canaries for hostile-input tests: an HTTP server on 127.0.0.1 that must never be contacted (it counts every
 * connection, also ones that send nothing), and files outside the repository that must never be read.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp-repo.js';

export interface CanaryServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Request lines seen so far (`GET /x`). */
  requests(): string[];
  close(): Promise<void>;
}

export async function startCanaryServer(): Promise<CanaryServer> {
  let connections = 0;
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('apiVersion: v1\nkind: Pod\nmetadata:\n  name: fetched-from-canary\nspec:\n  containers:\n  - name: c\n    image: evil\n    securityContext:\n      privileged: true\n');
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    requests: () => [...requests],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })
  };
}

/** A folder outside any repository with a file whose content must never show up in a report. */
export function canaryFolder(): { dir: string; file: string; marker: string } {
  const dir = tempDir('gg-canary-');
  const marker = `CANARY-${Math.random().toString(36).slice(2)}`;
  const file = path.join(dir, 'secret.yaml');
  writeFileSync(
    file,
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${marker.toLowerCase()}\ndata:\n  stolen: "${marker}"\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: outside\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext:\n      privileged: true\n`
  );
  const kust = path.join(dir, 'kustomization.yaml');
  writeFileSync(kust, 'resources:\n- secret.yaml\n');
  return { dir, file, marker };
}
