// The HTTP front of one host: classify (control / discovery / REST route / unknown, given the topology
// and which host this is), record, add latency, apply faults, authenticate, check the api-version,
// resolve the project, run the handler, answer like the service.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  authenticate,
  parseAuthorization,
  seesProject,
  tokenOf,
  WWW_AUTHENTICATE,
  type Credential,
} from './auth';
import type { Reply, RequestContext } from './context';
import { handleControl, type Emulation } from './control';
import { AdoError, notSignedIn, projectNotFound, projectUnseen, unauthorized } from './errors';
import { exchangeToken, federationRoute, issueIdToken, type FederationRoute } from './federation';
import { areaLocations } from './handlers/discovery';
import { compilePath, decodeSegments, matchPath } from './matcher';
import { ORGANIZATION } from './org';
import { recordBody } from './requestLog';
import { errorReply, faultReply, send } from './respond';
import { locations, ROUTES, type Route } from './routes';
import { advertisedVersions, hostCollectionUrls, servesArea, type Topology } from './topology';
import type { FaultSpec, HostRole, RecordedRequest, RequestKind } from './types';
import { apiVersionOf, checkApiVersion } from './versions';

const MAX_BODY = 130 * 1024 * 1024;
const COMPILED = ROUTES.map((route) => ({ route, path: compilePath(route.spec, route.optionalTail) }));
const LOCATIONS = locations();

type Target =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'federation'; route: FederationRoute; tenant: string }
  | { kind: 'area'; area: string }
  | { kind: 'unknown'; status: 404 | 405 };

/** A route or area another host serves in this topology answers 404 here, as routing would fail. */
function classify(method: string, segments: string[], topology: Topology, host: HostRole): Target {
  const federation = host === 'main' ? federationRoute(method, segments) : undefined;
  if (federation === 'entra') return { kind: 'federation', route: federation, tenant: segments[0] ?? '' };
  if (federation && segments[0]?.toLowerCase() === ORGANIZATION)
    return { kind: 'federation', route: federation, tenant: '' };
  if (segments[0]?.toLowerCase() !== ORGANIZATION) return { kind: 'unknown', status: 404 };
  if (method === 'OPTIONS' && segments.length === 3 && segments[1].toLowerCase() === '_apis') {
    const area = segments[2];
    return areaLocations(LOCATIONS, area).length > 0 && servesArea(topology, host, area)
      ? { kind: 'area', area }
      : { kind: 'unknown', status: 404 };
  }
  let wrongMethod = false;
  for (const { route, path } of COMPILED) {
    const params = matchPath(path, segments);
    if (params && route.method === method) {
      return servesArea(topology, host, route.area)
        ? { kind: 'route', route, params }
        : { kind: 'unknown', status: 404 };
    }
    if (params) wrongMethod = true;
  }
  return { kind: 'unknown', status: wrongMethod ? 405 : 404 };
}

// Streamed (chunked) bodies are read as they come; beyond MAX_BODY they are only counted.
function readBody(req: IncomingMessage): Promise<{ body: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), size }));
    req.on('error', reject);
    // A client that gives up mid-body never sends 'end'; do not leave the handler waiting for it.
    req.on('close', () => {
      if (!req.complete) reject(new Error('client closed the request before its body ended'));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Incoming {
  method: string;
  target: Target;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: Buffer;
  bodySize: number;
  attachmentLimit: number;
  contentType: string | null;
  cred: Credential | undefined;
  apiVersion: string | null;
  collectionUrl: string;
  hosts: Record<HostRole, string>;
  topology: Topology;
}

/**
 * Credentials refused: a client that does not ask for a plain refusal (`X-TFS-FedAuthRedirect: Suppress`) gets
 * the sign-in page as a 203, which a client reading only the status takes for an answer.
 */
function rejected(headers: IncomingMessage['headers'], outsider: string | undefined): Reply {
  if (String(headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() !== 'suppress') {
    return { status: 203, text: SIGN_IN_PAGE, contentType: 'text/html; charset=utf-8' };
  }
  const error = outsider === undefined ? unauthorized() : notSignedIn(outsider);
  return { ...errorReply(error), headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } };
}

const SIGN_IN_PAGE =
  '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body>Sign in</body></html>';

/** The answer the service would give: auth, routing errors, api-version, project, handler. Never throws. */
async function serve(em: Emulation, r: Incoming): Promise<Reply> {
  try {
    if (r.target.kind === 'federation') {
      const { federation, tokens } = em.store;
      return r.target.route === 'oidc'
        ? issueIdToken(
            federation,
            ORGANIZATION,
            authenticate(r.cred, tokens) !== undefined,
            r.query,
            r.apiVersion,
            r.topology.maxVersion,
          )
        : exchangeToken(federation, r.target.tenant, new URLSearchParams(r.body.toString('utf8')), tokens);
    }
    const identity = authenticate(r.cred, em.store.tokens);
    if (!identity) {
      const outsider =
        r.cred?.scheme === 'Bearer' ? em.store.federation.outsiders.get(r.cred.secret) : undefined;
      return rejected(r.headers, outsider);
    }
    const { target } = r;
    if (target.kind === 'unknown') {
      const what = `${r.method} ${r.path}`;
      const message =
        target.status === 405
          ? `Emulator: method not served: ${what}`
          : `Emulator: no route for ${what} on this host (see tests/emulator/routes.ts and topology.ts).`;
      return errorReply(
        new AdoError(
          target.status,
          message,
          'RouteNotFoundException',
          'Microsoft.VisualStudio.Services.WebApi',
        ),
      );
    }
    if (target.kind === 'area') {
      const value = areaLocations(LOCATIONS, target.area, r.topology);
      return { status: 200, json: { count: value.length, value } };
    }
    const { releasedVersion } = advertisedVersions(r.topology, target.route);
    checkApiVersion(r.method, r.apiVersion, r.topology.maxVersion, releasedVersion);
    const projectName = target.params.project;
    const project = projectName === undefined ? undefined : em.store.project(projectName);
    if (projectName !== undefined && !project) throw projectNotFound(projectName);
    if (project && !seesProject(tokenOf(r.cred, em.store.tokens), project.name))
      throw projectUnseen(project.id);
    const ctx: RequestContext = {
      store: em.store,
      method: r.method,
      params: target.params,
      query: r.query,
      headers: r.headers,
      body: r.body,
      bodySize: r.bodySize,
      attachmentLimit: r.attachmentLimit,
      contentType: r.contentType,
      collectionUrl: r.collectionUrl,
      hosts: r.hosts,
      topology: r.topology,
      identity,
      project,
    };
    return await target.route.handler(ctx);
  } catch (e) {
    if (e instanceof AdoError) return errorReply(e);
    const message = `Emulator bug: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    return {
      status: 500,
      json: {
        $id: '1',
        innerException: null,
        message,
        typeKey: 'EmulatorException',
        errorCode: 0,
        eventId: 0,
      },
    };
  }
}

/** What a fault does in place of the answer; false when the (real) answer should still go out. */
async function applyFault(
  fault: FaultSpec,
  answer: (reply: Reply) => void,
  drop: () => void,
): Promise<boolean> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.reset) {
    drop();
    return true;
  }
  if (fault.status) {
    answer(faultReply(fault, fault.status));
    return true;
  }
  return false;
}

async function handle(
  em: Emulation,
  host: HostRole,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startMs = em.log.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://emulator');
  const query = Object.fromEntries(url.searchParams);
  const { body, size: bodySize } = await readBody(req);
  const path = decodeSegments(url.pathname) ?? [];
  // The collection is also served below a server's virtual directory, as Azure DevOps Server serves
  // http://host:8080/tfs/DefaultCollection/: /tfs/fabrikam/… is /fabrikam/… of a collection URL that says so.
  const virtualDirectory = path[0] === 'tfs' && path[1]?.toLowerCase() === ORGANIZATION ? 'tfs/' : '';
  const segments = virtualDirectory ? path.slice(1) : path;
  const collectionUrl = `http://${req.headers.host ?? 'localhost'}/${virtualDirectory}${ORGANIZATION}/`;
  if (host === 'main' && segments[0] === '_control') {
    handleControl(em, { method, segments: segments.slice(1), body, collectionUrl }, res);
    return;
  }
  // Read once: a control call while this request waits must not change how it is answered.
  const { topology, latencyMs } = em.conditions;
  const target = classify(method, segments, topology, host);
  const contentType = req.headers['content-type'] ?? null;
  const cred = parseAuthorization(req.headers.authorization);
  const kind: RequestKind =
    target.kind === 'route'
      ? target.route.kind
      : target.kind === 'area'
        ? 'discovery'
        : target.kind === 'federation'
          ? 'federation'
          : 'unknown';
  const apiVersion = apiVersionOf(req.headers.accept, query);
  const record: RecordedRequest = em.log.add({
    method,
    path: `/${path.join('/')}`,
    query,
    kind,
    spec: target.kind === 'route' ? target.route.spec : null,
    apiVersion,
    contentType,
    authScheme: cred?.scheme ?? null,
    body: recordBody(body, contentType),
    bodySize,
    host,
    startMs,
  });
  const answer = (reply: Reply): void => {
    send(res, reply);
    em.log.finish(record, reply.status);
  };
  const drop = (): void => {
    em.log.finish(record, 0);
    req.socket.destroy();
  };
  const fault = em.faults.take(method, record.path);
  if (fault) record.fault = true;
  if (latencyMs > 0) await sleep(latencyMs);
  if (fault && !fault.after && (await applyFault(fault, answer, drop))) return;
  const reply = await serve(em, {
    method,
    target,
    path: record.path,
    query,
    headers: req.headers,
    body,
    bodySize,
    attachmentLimit: em.conditions.attachmentLimit(),
    contentType,
    cred,
    apiVersion,
    collectionUrl,
    hosts: hostCollectionUrls(em.ports, host, collectionUrl),
    topology,
  });
  if (fault?.after && (await applyFault(fault, answer, drop))) return;
  // A fault that neither answers nor drops adds its headers to the real answer (a Retry-After on a 200).
  const real = fault?.headers ? { ...reply, headers: { ...reply.headers, ...fault.headers } } : reply;
  if (fault?.cutBody) {
    send(res, real, true);
    em.log.finish(record, 0);
    return;
  }
  answer(real);
}

/** One host of the emulator; `host` decides which areas it serves under the current topology. */
export function createEmulatorServer(em: Emulation, host: HostRole = 'main'): Server {
  return createServer((req, res) => {
    handle(em, host, req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end(String(e));
    });
  });
}
