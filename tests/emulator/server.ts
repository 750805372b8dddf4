// The HTTP front: classify (control / discovery / REST route / unknown), record, apply faults,
// authenticate, check the api-version, resolve the project, run the handler, answer like the service.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { authenticate, parseAuthorization, WWW_AUTHENTICATE } from './auth';
import type { RequestContext } from './context';
import { handleControl, type Emulation } from './control';
import { AdoError, projectNotFound, unauthorized } from './errors';
import { areaLocations } from './handlers/discovery';
import { compilePath, decodeSegments, matchPath } from './matcher';
import { ORGANIZATION } from './org';
import { recordBody } from './requestLog';
import { errorReply, faultReply, send } from './respond';
import { apiVersionOf, checkApiVersion } from './versions';
import { locations, ROUTES, type Route } from './routes';
import type { RequestKind } from './types';

const MAX_BODY = 130 * 1024 * 1024;
const COMPILED = ROUTES.map((route) => ({ route, path: compilePath(route.spec, route.optionalTail) }));
const LOCATIONS = locations();

type Target =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'area'; area: string }
  | { kind: 'unknown'; status: 404 | 405 };

function classify(method: string, segments: string[]): Target {
  if (segments[0]?.toLowerCase() !== ORGANIZATION) return { kind: 'unknown', status: 404 };
  if (method === 'OPTIONS' && segments.length === 3 && segments[1].toLowerCase() === '_apis') {
    return areaLocations(LOCATIONS, segments[2]).length > 0
      ? { kind: 'area', area: segments[2] }
      : { kind: 'unknown', status: 404 };
  }
  let wrongMethod = false;
  for (const { route, path } of COMPILED) {
    const params = matchPath(path, segments);
    if (params && route.method === method) return { kind: 'route', route, params };
    if (params) wrongMethod = true;
  }
  return { kind: 'unknown', status: wrongMethod ? 405 : 404 };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function handle(em: Emulation, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://emulator');
  const query = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  const segments = decodeSegments(url.pathname) ?? [];
  const collectionUrl = `http://${req.headers.host ?? 'localhost'}/${ORGANIZATION}/`;
  if (segments[0] === '_control') {
    handleControl(em, { method, segments: segments.slice(1), body, collectionUrl }, res);
    return;
  }
  const target = classify(method, segments);
  const contentType = req.headers['content-type'] ?? null;
  const cred = parseAuthorization(req.headers.authorization);
  const kind: RequestKind =
    target.kind === 'route' ? target.route.kind : target.kind === 'area' ? 'discovery' : 'unknown';
  const apiVersion = apiVersionOf(req.headers.accept, query);
  const record = em.log.add({
    method,
    path: `/${segments.join('/')}`,
    query,
    kind,
    spec: target.kind === 'route' ? target.route.spec : null,
    apiVersion,
    contentType,
    authScheme: cred?.scheme ?? null,
    body: recordBody(body, contentType),
    bodySize: body.length,
  });
  const fault = em.faults.take(method, record.path);
  if (fault) {
    record.fault = true;
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.reset) {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault.status) return send(res, record, faultReply(fault, fault.status));
  }
  try {
    const identity = authenticate(cred, em.store.tokens);
    if (!identity) {
      const e = unauthorized();
      return send(res, record, { ...errorReply(e), headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
    }
    if (target.kind === 'unknown') {
      const what = `${method} ${record.path}`;
      const message =
        target.status === 405
          ? `Emulator: method not served: ${what}`
          : `Emulator: no route for ${what} (see tests/emulator/routes.ts).`;
      return send(
        res,
        record,
        errorReply(
          new AdoError(
            target.status,
            message,
            'RouteNotFoundException',
            'Microsoft.VisualStudio.Services.WebApi',
          ),
        ),
      );
    }
    if (target.kind === 'area') {
      const value = areaLocations(LOCATIONS, target.area);
      return send(res, record, { status: 200, json: { count: value.length, value } });
    }
    if (target.route.kind === 'rest') checkApiVersion(method, apiVersion);
    const projectName = target.params.project;
    const project = projectName === undefined ? undefined : em.store.project(projectName);
    if (projectName !== undefined && !project) throw projectNotFound(projectName);
    const ctx: RequestContext = {
      store: em.store,
      method,
      params: target.params,
      query,
      headers: req.headers,
      body,
      contentType,
      collectionUrl,
      identity,
      project,
    };
    send(res, record, await target.route.handler(ctx));
  } catch (e) {
    if (e instanceof AdoError) return send(res, record, errorReply(e));
    const message = `Emulator bug: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    send(res, record, {
      status: 500,
      json: {
        $id: '1',
        innerException: null,
        message,
        typeKey: 'EmulatorException',
        errorCode: 0,
        eventId: 0,
      },
    });
  }
}

export function createEmulatorServer(em: Emulation): Server {
  return createServer((req, res) => {
    handle(em, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
}
