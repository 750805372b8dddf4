import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as selfsigned from 'selfsigned';
import { connectBoards, connectPipelines, Transport } from '../../tasks/PipelineWorkItem/src/ado/connection';
import { RetryPolicy } from '../../tasks/PipelineWorkItem/src/ado/retry';
import type { Credentials } from '../../tasks/PipelineWorkItem/src/ports';

// The connections over real HTTP, to a server in this process: the credentials each request carries, the host
// each area is read from, and the retry policy and timeout every request goes under.

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  readonly body: string;
  /** Which of the server's connections the request came on, counted from 1. */
  readonly connection: number;
}

/** A federated connection whose ID token, token exchange and organization are all served at `base`. */
function federatedOn(base: string): Credentials {
  return {
    url: `${base}contoso/`,
    scheme: 'federated',
    federation: {
      connection: 'wif-1',
      oidcRequestUri: `${base}oidc`,
      jobToken: 'job-1',
      tenantId: 'tenant-1',
      clientId: 'client-1',
      authority: `${base}entra/`,
    },
  };
}

type Route = (seen: Seen) => { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/**
 * A server on 127.0.0.1 (or `on`, as ::1) that records each request and answers it by `route`; over TLS with
 * `tls`'s certificate. `hosts` holds each request's Host header.
 */
async function serve(
  route: Route,
  tls?: { key: string; cert: string },
  on = '127.0.0.1',
): Promise<{ url: string; seen: Seen[]; hosts: string[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const hosts: string[] = [];
  const connections = new Map<object, number>();
  const listener: http.RequestListener = (request, response) => {
    if (!connections.has(request.socket)) connections.set(request.socket, connections.size + 1);
    hosts.push(request.headers.host ?? '');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const one: Seen = {
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        userAgent: request.headers['user-agent'],
        body: Buffer.concat(chunks).toString('utf8'),
        connection: connections.get(request.socket) ?? 0,
      };
      seen.push(one);
      const answer = route(one);
      if (answer === 'hang') return;
      response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, on, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://${on.includes(':') ? `[${on}]` : on}:${port}/`,
    seen,
    hosts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function transport(limits = { requestTimeoutMs: 5_000, budgetMs: 20_000 }): Transport & { tokens: string[] } {
  const tokens: string[] = [];
  return {
    tokens,
    network: {},
    policy: new RetryPolicy(limits),
    secrets: () => tokens,
    secret: (value) => {
      tokens.push(value);
    },
  };
}

const TYPES = { status: 200, body: { value: [{ name: 'Bug' }] } };

/** The organization's resource areas naming the Release area's host at `locationUrl` (none: no location). */
const releaseArea = (locationUrl?: string) => ({
  status: 200,
  body: {
    value: [
      { id: 'efc2f575-36ef-48e9-b672-0c6fb4a48ac5', ...(locationUrl !== undefined && { locationUrl }) },
    ],
  },
});

// The classic release whose deployment the release-host tests read.
const RELEASE_57 = { id: 57, name: 'Release-57', definitionName: 'CD', environmentId: 3, attempt: 1 };

// Reads release 57's deployment to Production with the job token of the organization `at` serves.
async function readRelease57(at: { url: string }): Promise<void> {
  const pipelines = connectPipelines(
    { url: `${at.url}fabrikam/`, scheme: 'bearer', token: 'job-1' },
    transport(),
  );
  await pipelines.releaseDeployment('WebApp', RELEASE_57, 'Production');
}
describe('connections', () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const SCHEMES: [string, Credentials, string][] = [
    ['the job token as a bearer token', { url: '', scheme: 'bearer', token: 'job-1' }, 'Bearer job-1'],
    [
      'a personal access token',
      { url: '', scheme: 'token', token: 'pat-1' },
      `Basic ${Buffer.from('PAT:pat-1').toString('base64')}`,
    ],
    [
      'a user name and password',
      { url: '', scheme: 'basic', token: 'pat-1', username: 'svc' },
      `Basic ${Buffer.from('svc:pat-1').toString('base64')}`,
    ],
    [
      'a password without a user name',
      { url: '', scheme: 'basic', token: 'pat-1' },
      `Basic ${Buffer.from(':pat-1').toString('base64')}`,
    ],
  ];
  for (const [name, credentials, authorization] of SCHEMES) {
    it(`Boards with ${name}: every request carries it, as the task`, async () => {
      server = await serve(() => TYPES);
      const boards = connectBoards({ ...credentials, url: `${server.url}fabrikam/` }, transport());
      assert.deepEqual(
        (await boards.workItemTypes('WebApp')).map((type) => type.name),
        ['Bug'],
      );
      assert.deepEqual(server.seen, [
        {
          method: 'GET',
          url: '/fabrikam/WebApp/_apis/wit/workitemtypes?api-version=6.0',
          authorization,
          userAgent: 'PipelineWorkItem-task',
          body: '',
          connection: 1,
        },
      ]);
    });
  }

  it('requests one after another share one kept-alive connection', async () => {
    server = await serve(() => TYPES);
    const boards = connectBoards(
      { url: `${server.url}fabrikam/`, scheme: 'bearer', token: 't' },
      transport(),
    );
    for (let i = 0; i < 3; i++) await boards.workItemTypes('WebApp');
    assert.deepEqual(
      server.seen.map((seen) => seen.connection),
      [1, 1, 1],
    );
  });

  it('a read answered 503 is read again, under the transport’s retry policy', async () => {
    let busy = 1;
    server = await serve(() => (busy-- > 0 ? { status: 503, body: { message: 'busy' } } : TYPES));
    const boards = connectBoards(
      { url: `${server.url}fabrikam/`, scheme: 'bearer', token: 't' },
      transport(),
    );
    assert.equal((await boards.workItemTypes('WebApp')).length, 1);
    assert.equal(server.seen.length, 2);
  });

  it('a request that gets no answer times out after the transport’s request timeout', async () => {
    server = await serve(() => 'hang');
    const boards = connectBoards(
      { url: `${server.url}fabrikam/`, scheme: 'bearer', token: 't' },
      transport({ requestTimeoutMs: 200, budgetMs: 300 }),
    );
    await assert.rejects(boards.workItemTypes('WebApp'), /timeout/i);
  });

  it('a federated connection: the job’s ID token exchanged at Microsoft Entra ID, the access token sent', async () => {
    server = await serve((seen) => {
      if (seen.url.startsWith('/oidc')) return { status: 200, body: { oidcToken: 'id-token-1' } };
      if (seen.url.startsWith('/entra/')) return { status: 200, body: { access_token: 'access-1' } };
      return TYPES;
    });
    const via = transport();
    const boards = connectBoards(federatedOn(server.url), via);
    await boards.workItemTypes('WebApp');
    assert.deepEqual(
      server.seen.map((seen) => [seen.method, seen.url.split('?')[0], seen.authorization]),
      [
        ['POST', '/oidc', 'Bearer job-1'],
        ['POST', '/entra/tenant-1/oauth2/v2.0/token', undefined],
        ['GET', '/contoso/WebApp/_apis/wit/workitemtypes', 'Bearer access-1'],
      ],
    );
    assert.deepEqual(via.tokens, ['id-token-1', 'access-1']);
  });

  it('a federated connection follows no redirect: the job token and the access token stay on their hosts', async () => {
    const elsewhere = await serve(() => ({
      status: 200,
      body: { oidcToken: 'stolen', access_token: 'stolen' },
    }));
    try {
      for (const moved of ['/oidc', '/contoso/']) {
        server = await serve((seen) => {
          if (seen.url.startsWith(moved)) {
            return { status: 307, headers: { Location: `${elsewhere.url}steal` } };
          }
          if (seen.url.startsWith('/oidc')) return { status: 200, body: { oidcToken: 'id-token-1' } };
          if (seen.url.startsWith('/entra/')) return { status: 200, body: { access_token: 'access-1' } };
          return TYPES;
        });
        const boards = connectBoards(federatedOn(server.url), transport());
        await assert.rejects(boards.workItemTypes('WebApp'));
        await server.close();
        server = undefined;
      }
      assert.deepEqual(elsewhere.seen, []);
    } finally {
      await elsewhere.close();
    }
  });

  it('pipelines: a release from the host the resource areas name, asked once; builds from the collection', async () => {
    server = await serve((seen) => {
      if (seen.url.startsWith('/fabrikam/_apis/ResourceAreas')) {
        return {
          status: 200,
          body: {
            value: [
              { id: 'EFC2F575-36EF-48E9-B672-0C6FB4A48AC5', locationUrl: `${server?.url}vsrm/fabrikam` },
              {},
            ],
          },
        };
      }
      return { status: 200, body: { value: [] } };
    });
    const pipelines = connectPipelines(
      { url: `${server.url}fabrikam/`, scheme: 'bearer', token: 'job-1' },
      transport(),
    );
    await pipelines.releaseDeployment('WebApp', RELEASE_57, 'Production');
    await pipelines.timeline('WebApp', 812);
    await pipelines.releaseDeployment('WebApp', RELEASE_57, 'Production');
    assert.deepEqual(server.seen.map((seen) => [seen.method, seen.url]).slice(0, 1), [
      ['GET', '/fabrikam/_apis/ResourceAreas?api-version=6.0-preview.1'],
    ]);
    assert.deepEqual(
      server.seen.map((seen) => [seen.url.split('?')[0], seen.authorization]),
      [
        ['/fabrikam/_apis/ResourceAreas', 'Bearer job-1'],
        ['/vsrm/fabrikam/WebApp/_apis/release/releases/57', 'Bearer job-1'],
        ['/fabrikam/WebApp/_apis/build/builds/812/timeline', 'Bearer job-1'],
        ['/vsrm/fabrikam/WebApp/_apis/release/releases/57', 'Bearer job-1'],
      ],
    );
  });

  it('pipelines: a release host of another scheme than the collection is read with a client of its own', async () => {
    const made = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], { keyType: 'ec' });
    const releaseHost = await serve(() => ({ status: 200, body: { value: [] } }), {
      key: made.private,
      cert: made.cert,
    });
    try {
      server = await serve(() => releaseArea(`${releaseHost.url}fabrikam`));
      const pipelines = connectPipelines(
        { url: `${server.url}fabrikam/`, scheme: 'bearer', token: 'job-1' },
        { ...transport(), network: { ignoreSslError: true } },
      );
      await pipelines.releaseDeployment('WebApp', RELEASE_57, 'Production');
      assert.deepEqual(
        releaseHost.seen.map((seen) => [seen.url.split('?')[0], seen.authorization]),
        [['/fabrikam/WebApp/_apis/release/releases/57', 'Bearer job-1']],
      );
    } finally {
      await releaseHost.close();
    }
  });

  it('pipelines: a release host named with a query or a fragment is not sent the job token', async () => {
    for (const named of ['vsrm/fabrikam/?x=1', 'vsrm/fabrikam/#'] as const) {
      server = await serve((seen) =>
        seen.url.startsWith('/fabrikam/_apis/ResourceAreas')
          ? releaseArea(`${server?.url}${named}`)
          : { status: 200, body: { value: [] } },
      );
      const pipelines = connectPipelines(
        { url: `${server.url}fabrikam/`, scheme: 'bearer', token: 'job-1' },
        transport(),
      );
      await assert.rejects(
        pipelines.releaseDeployment('WebApp', RELEASE_57, 'Production'),
        /as the release host of the organization, which is not a collection of the organization of .*: the job token is not sent there/,
      );
      assert.deepEqual(
        server.seen.map((seen) => seen.url.split('?')[0]),
        ['/fabrikam/_apis/ResourceAreas'],
      );
      await server.close();
      server = undefined;
    }
  });

  it('pipelines on a server that lists no resource areas: everything from the collection', async () => {
    server = await serve((seen) =>
      seen.url.startsWith('/tfs/Main/_apis/ResourceAreas')
        ? { status: 200 }
        : { status: 200, body: { value: [] } },
    );
    const pipelines = connectPipelines(
      { url: `${server.url}tfs/Main/`, scheme: 'token', token: 'pat-1' },
      transport(),
    );
    await pipelines.releaseDeployment('WebApp', RELEASE_57, 'Production');
    assert.deepEqual(
      server.seen.map((seen) => seen.url.split('?')[0]),
      ['/tfs/Main/_apis/ResourceAreas', '/tfs/Main/WebApp/_apis/release/releases/57'],
    );
  });

  it('pipelines: an area listed without a location is read from the collection', async () => {
    server = await serve((seen) =>
      seen.url.startsWith('/fabrikam/_apis/ResourceAreas')
        ? releaseArea()
        : { status: 200, body: { value: [] } },
    );
    await readRelease57(server);
    assert.equal(server.seen[1]?.url.split('?')[0], '/fabrikam/WebApp/_apis/release/releases/57');
  });

  it('a read of the resource areas answered 503 is read again', async () => {
    let busy = 1;
    server = await serve((seen) =>
      seen.url.startsWith('/fabrikam/_apis/ResourceAreas') && busy-- > 0
        ? { status: 503, body: { message: 'busy' } }
        : { status: 200, body: { value: [] } },
    );
    await readRelease57(server);
    assert.deepEqual(
      server.seen.map((seen) => [seen.method, seen.url.split('?')[0]]),
      [
        ['GET', '/fabrikam/_apis/ResourceAreas'],
        ['GET', '/fabrikam/_apis/ResourceAreas'],
        ['GET', '/fabrikam/WebApp/_apis/release/releases/57'],
      ],
    );
  });

  it('pipelines: a release host of the collection’s scheme shares the collection’s kept-alive connection', async () => {
    server = await serve((seen) =>
      seen.url.startsWith('/fabrikam/_apis/ResourceAreas')
        ? releaseArea(`${server?.url}vsrm/fabrikam`)
        : { status: 200, body: { value: [] } },
    );
    await readRelease57(server);
    assert.deepEqual(
      server.seen.map((seen) => [seen.url.split('?')[0], seen.connection]),
      [
        ['/fabrikam/_apis/ResourceAreas', 1],
        ['/vsrm/fabrikam/WebApp/_apis/release/releases/57', 1],
      ],
    );
  });

  it('a connection with a token follows a redirect on its host', async () => {
    server = await serve((seen) =>
      seen.url.startsWith('/fabrikam/')
        ? { status: 307, headers: { Location: seen.url.replace('/fabrikam/', '/moved/') } }
        : TYPES,
    );
    const boards = connectBoards(
      { url: `${server.url}fabrikam/`, scheme: 'token', token: 'pat-1' },
      transport(),
    );
    assert.deepEqual(
      (await boards.workItemTypes('WebApp')).map((type) => type.name),
      ['Bug'],
    );
    assert.deepEqual(
      server.seen.map((seen) => seen.url.split('?')[0]),
      ['/fabrikam/WebApp/_apis/wit/workitemtypes', '/moved/WebApp/_apis/wit/workitemtypes'],
    );
  });

  it('a collection on an IPv6 literal host is reached, the Host header bracketed', async () => {
    server = await serve(() => TYPES, undefined, '::1');
    const boards = connectBoards(
      { url: `${server.url}fabrikam/`, scheme: 'bearer', token: 't' },
      transport({ requestTimeoutMs: 2_000, budgetMs: 3_000 }),
    );
    assert.deepEqual(
      (await boards.workItemTypes('WebApp')).map((type) => type.name),
      ['Bug'],
    );
    assert.deepEqual(server.hosts, [new URL(server.url).host]);
  });

  it('an IPv6 literal host through the proxy: the proxy is asked for the bracketed host', async () => {
    server = await serve(() => TYPES, undefined, '::1');
    const asked: string[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (request: http.IncomingMessage, socket: net.Socket) => {
      const target = request.url ?? '';
      asked.push(target);
      let port: number;
      let hostname: string;
      try {
        const parsed = new URL(`http://${target}`);
        port = Number(parsed.port);
        hostname = parsed.hostname.replace(/^\[|\]$/g, '');
      } catch {
        socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const upstream = net.connect(port, hostname, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as AddressInfo;
      const boards = connectBoards(
        { url: `${server.url}fabrikam/`, scheme: 'bearer', token: 't' },
        {
          ...transport({ requestTimeoutMs: 2_000, budgetMs: 3_000 }),
          network: { proxy: { proxyUrl: `http://127.0.0.1:${port}` } },
        },
      );
      assert.deepEqual(
        (await boards.workItemTypes('WebApp')).map((type) => type.name),
        ['Bug'],
      );
      assert.deepEqual(asked, [new URL(server.url).host]);
      assert.equal(server.seen.length, 1);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
