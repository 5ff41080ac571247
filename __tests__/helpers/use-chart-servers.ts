/** The chart servers as a fixture of one test file (jest hooks; the servers themselves are in chart-servers.ts). */
import { afterAll, beforeAll } from '@jest/globals';
import { startHttpServer, startRegistry, type LoopbackServer, type Registry } from './chart-servers.js';
import { removeDir, tempDir } from './temp-repo.js';

export interface ChartServers {
  readonly repo: LoopbackServer;
  readonly registry: Registry;
  /** A temp folder removed after the file's tests. */
  folder(prefix: string): string;
}

/**
 * A loopback Helm repository and a docker-registry for the tests of one file: started before them (then `setup`
 * publishes the charts), stopped after them, with the temp folders the tests asked for.
 */
export function useChartServers(setup: (servers: ChartServers) => Promise<void>): ChartServers {
  let repo: LoopbackServer | undefined;
  let registry: Registry | undefined;
  const folders: string[] = [];
  const servers: ChartServers = {
    get repo() {
      return repo!;
    },
    get registry() {
      return registry!;
    },
    folder(prefix) {
      const dir = tempDir(prefix);
      folders.push(dir);
      return dir;
    }
  };
  beforeAll(async () => {
    repo = await startHttpServer();
    registry = await startRegistry();
    await setup(servers);
  }, 30_000);
  afterAll(async () => {
    await repo?.close();
    await registry?.close();
    folders.forEach(removeDir);
  });
  return servers;
}
