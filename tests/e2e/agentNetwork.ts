import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as selfsigned from 'selfsigned';

/** The public cloud's Microsoft Entra host, which an Azure DevOps connection signs in at. */
export const ENTRA_HOST = 'login.microsoftonline.com';

/** An agent's network in which the Entra host is reached through the agent's proxy. */
export interface AgentNetwork {
  /** The agent's proxy and certificate settings, as pipeline variables. */
  readonly variables: Readonly<Record<string, string>>;
  /** The `host:port` of every tunnel the proxy was asked for, in order. */
  readonly tunnels: string[];
  stop(): Promise<void>;
}

const listen = (server: net.Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );

/**
 * What an agent behind a TLS-inspecting proxy has: `Agent.ProxyUrl` (local addresses bypass it) and
 * `Agent.CAInfo`, the certificate authority the proxy's certificates chain to. The proxy tunnels the Entra host
 * to a TLS endpoint holding a certificate for that name, which hands the requests to `entra` (the emulator
 * playing Microsoft Entra ID); it refuses every other host. The certificate is made for the run (selfsigned, Node's own
 * crypto: no tool to install on any OS).
 */
export async function agentNetwork(entra: { port: number }): Promise<AgentNetwork> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-network-'));
  const key = path.join(directory, 'key.pem');
  const cert = path.join(directory, 'ca.pem');
  // A self-signed certificate for the Entra host that is also its own authority, as a proxy's CA file holds it.
  const made = await selfsigned.generate([{ name: 'commonName', value: ENTRA_HOST }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: ENTRA_HOST }] },
    ],
  });
  fs.writeFileSync(key, made.private);
  fs.writeFileSync(cert, made.cert);
  // Every socket is ended at stop: a relayed keep-alive connection would keep the servers open.
  const sockets = new Set<net.Socket>();
  const relay = (from: net.Socket, to: net.Socket): void => {
    for (const socket of [from, to]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    from.on('error', () => to.destroy());
    to.on('error', () => from.destroy());
    from.pipe(to).pipe(from);
  };
  const terminator = tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (socket) =>
    relay(socket, net.connect(entra.port, '127.0.0.1')),
  );
  const tunnels: string[] = [];
  const proxy = http.createServer((_request, response) => response.writeHead(405).end());
  proxy.on('connect', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    tunnels.push(request.url ?? '');
    if (request.url !== `${ENTRA_HOST}:443`) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect((terminator.address() as net.AddressInfo).port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      relay(socket, upstream);
    });
  });
  await listen(terminator);
  const proxyPort = await listen(proxy);
  const close = (server: net.Server): Promise<void> =>
    new Promise((resolve) => server.close(() => resolve()));
  return {
    variables: {
      'Agent.ProxyUrl': `http://127.0.0.1:${proxyPort}`,
      'Agent.ProxyBypassList': JSON.stringify(['^https?://127\\.0\\.0\\.1[:/]']),
      'Agent.CAInfo': cert,
    },
    tunnels,
    async stop() {
      proxy.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await Promise.all([close(proxy), close(terminator)]);
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
