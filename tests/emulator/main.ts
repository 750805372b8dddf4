// Process entry of the emulator: listens on 127.0.0.1 on three ports, the main host (the collection;
// EMULATOR_PORT, default any free port) and the two hosts that play vsrm.dev.azure.com and
// vstmr.dev.azure.com in the `services` topology (EMULATOR_RELEASE_PORT, EMULATOR_TESTRESULTS_PORT,
// default any free port). Prints exactly one line `{"emulator":"ready","port":N,"releasePort":R,
// "testResultsPort":T}` on stdout, and exits on SIGTERM/SIGINT or when the parent goes away (IPC
// disconnect, or end of a piped stdin), so it never outlives a test run.
import { fstatSync } from 'node:fs';
import type { Server } from 'node:http';
import { Conditions } from './conditions';
import type { Emulation } from './control';
import { FaultQueue } from './faults';
import { RequestLog } from './requestLog';
import { createEmulatorServer } from './server';
import { Store } from './state';
import type { HostRole } from './types';

function watchParent(stop: () => void): void {
  if (process.connected) process.on('disconnect', stop);
  // Only a pipe or socket on stdin means "parent alive while open"; /dev/null or a TTY does not.
  try {
    const st = fstatSync(0);
    if (st.isFIFO() || st.isSocket()) {
      process.stdin.on('end', stop);
      process.stdin.on('close', stop);
      process.stdin.resume();
    }
  } catch {
    // No stdin at all: nothing to watch.
  }
}

const PORT_VARIABLES: Record<HostRole, string> = {
  main: 'EMULATOR_PORT',
  release: 'EMULATOR_RELEASE_PORT',
  testResults: 'EMULATOR_TESTRESULTS_PORT',
};

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

async function main(): Promise<void> {
  // One store, one request log, one fault queue for all hosts: they are one organization.
  const em: Emulation = {
    store: new Store(),
    log: new RequestLog(),
    faults: new FaultQueue(),
    conditions: new Conditions(),
    ports: { main: 0, release: 0, testResults: 0 },
  };
  const roles = Object.keys(PORT_VARIABLES) as HostRole[];
  const servers = roles.map((role) => createEmulatorServer(em, role));
  const stop = (): void => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  watchParent(stop);
  for (const [i, role] of roles.entries()) {
    em.ports[role] = await listen(servers[i], Number(process.env[PORT_VARIABLES[role]] ?? 0) || 0);
  }
  const ready = {
    emulator: 'ready',
    port: em.ports.main,
    releasePort: em.ports.release,
    testResultsPort: em.ports.testResults,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`emulator failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
