import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as selfsigned from 'selfsigned';

/** The public cloud's Microsoft Entra host, which an Azure DevOps connection signs in at. */
export const ENTRA_HOST = 'login.microsoftonline.com';

/** An agent's network in which named hosts (the Entra host, Azure DevOps Services' hosts) are reached through the agent's proxy. */
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
 * `Agent.CAInfo`, the certificate authority the proxy's certificates chain to. The proxy tunnels each host of
 * `routes` (port 443) to a TLS endpoint holding a certificate for those names, which hands the requests to the
 * local port the host is routed to (an emulator playing Microsoft Entra ID, or the organization); it refuses
 * every other host. The certificate is made for the run (selfsigned, Node's own crypto: no tool to install on any
 * OS).
 */
export async function agentNetwork(
  routes: Readonly<Record<string, { port: number }>>,
  options: {
    /** `host:port` of plain HTTP hosts only the proxy reaches, each tunnelled to a local port as it is. */
    readonly plain?: Readonly<Record<string, { port: number }>>;
    /** `Agent.ProxyBypassList`: by default every URL of 127.0.0.1. */
    readonly bypass?: readonly string[];
  } = {},
): Promise<AgentNetwork> {
  const hosts = Object.keys(routes);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pwi-network-'));
  const key = path.join(directory, 'key.pem');
  const cert = path.join(directory, 'ca.pem');
  // A self-signed certificate for the routed hosts that is also its own authority, as a proxy's CA file holds it.
  const made = await selfsigned.generate([{ name: 'commonName', value: 'Agent proxy' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2, value })) },
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
  // The client names the host it tunnelled to (SNI): its requests go to that host's port.
  const terminator = tls.createServer(
    { key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
    (socket) => {
      const route = typeof socket.servername === 'string' ? routes[socket.servername] : undefined;
      if (route) relay(socket, net.connect(route.port, '127.0.0.1'));
      else socket.destroy();
    },
  );
  const tunnels: string[] = [];
  const proxy = http.createServer((_request, response) => response.writeHead(405).end());
  proxy.on('connect', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    tunnels.push(request.url ?? '');
    const plain = options.plain?.[request.url ?? ''];
    if (plain) {
      const upstream = net.connect(plain.port, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        relay(socket, upstream);
      });
      return;
    }
    if (!hosts.some((host) => request.url === `${host}:443`)) {
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
      'Agent.ProxyBypassList': JSON.stringify(options.bypass ?? ['^https?://127\\.0\\.0\\.1[:/]']),
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
