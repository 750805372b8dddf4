// Process entry of the emulator: listens on 127.0.0.1 (port 0 = any free port, or EMULATOR_PORT),
// prints exactly one line `{"emulator":"ready","port":N}` on stdout, and exits on SIGTERM/SIGINT or
// when the parent goes away (IPC disconnect, or end of a piped stdin), so it never outlives a test run.
import { fstatSync } from 'node:fs';
import { FaultQueue } from './faults';
import { RequestLog } from './requestLog';
import { createEmulatorServer } from './server';
import { Store } from './state';

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

function main(): void {
  const server = createEmulatorServer({
    store: new Store(),
    log: new RequestLog(),
    faults: new FaultQueue(),
  });
  const stop = (): void => {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  watchParent(stop);
  const port = Number(process.env.EMULATOR_PORT ?? 0) || 0;
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    process.stdout.write(`${JSON.stringify({ emulator: 'ready', port: actual })}\n`);
  });
}

main();
