// The control API tests use to set up and inspect the emulator: /_control/… (JSON, no auth, not
// recorded in the request log). See harness.ts for the typed client.
import type { ServerResponse } from 'node:http';
import { MAX_LATENCY_MS, SERVER_MAX_ATTACHMENT_LIMIT, type Conditions } from './conditions';
import { AdoError } from './errors';
import type { FaultQueue } from './faults';
import type { FederatedAppSpec, FederationSpec } from './federation';
import { findPersonByUniqueName } from './identities';
import { PEOPLE } from './org';
import { commentsOf, renderComment, renderWorkItem } from './render';
import type { RequestLog } from './requestLog';
import { SeedError, seedBuild, seedRelease, seedWorkItem } from './seeds';
import type { Store } from './state';
import { findState, findType, typeOfProject, type CustomState } from './processes';
import type {
  AttachmentInfo,
  FaultSpec,
  HostRole,
  Intervention,
  TokenSpec,
  TopologyInfo,
  WorkflowRule,
} from './types';
import { buildUrl } from './buildView';
import { releaseWebUrl } from './releaseView';
import { hostCollectionUrls, isTopologyKind, TOPOLOGIES } from './topology';
import { now } from './workItems';

export interface Emulation {
  store: Store;
  log: RequestLog;
  faults: FaultQueue;
  conditions: Conditions;
  /** Port of each host, known once all listen (main.ts). */
  ports: Record<HostRole, number>;
}

export interface ControlRequest {
  method: string;
  /** Segments after `_control`. */
  segments: string[];
  body: Buffer;
  collectionUrl: string;
}

type Answer = { status: number; json?: unknown; bytes?: Buffer };

const json = (value: unknown, status = 200): Answer => ({ status, json: value });

function parse(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new SeedError('control API bodies must be JSON');
  }
}

function tokensFrom(raw: unknown): TokenSpec[] {
  const list = Array.isArray(raw) ? raw : (raw as { tokens?: unknown } | undefined)?.tokens;
  if (!Array.isArray(list)) throw new SeedError('tokens: expected {tokens: [...]}');
  return list.map((t: unknown): TokenSpec => {
    const spec: TokenSpec = typeof t === 'string' ? { token: t } : (t as TokenSpec);
    if (!spec || typeof spec.token !== 'string' || spec.token === '')
      throw new SeedError('every token must be a non-empty string');
    if (spec.identity && !findPersonByUniqueName(spec.identity))
      throw new SeedError(`unknown identity '${spec.identity}'`);
    if (spec.projects !== undefined && !spec.projects.every((name) => typeof name === 'string'))
      throw new SeedError('projects: expected project names');
    return spec;
  });
}

function federationFrom(raw: unknown): FederationSpec {
  const spec = (raw ?? {}) as FederationSpec;
  const strings = (value: object, names: string[]): boolean =>
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'string');
  if (!(spec.connections ?? []).every((c) => strings(c, ['id', 'name', 'project'])))
    throw new SeedError('federation: every connection needs id, name and project');
  const valid = (a: FederatedAppSpec): boolean =>
    strings(a, ['tenantId', 'clientId']) &&
    Array.isArray(a.credentials) &&
    a.credentials.every((c) => strings(c, ['issuer', 'subject']));
  if (!(spec.apps ?? []).every(valid))
    throw new SeedError('federation: every app needs tenantId, clientId and credentials [{issuer, subject}]');
  for (const app of spec.apps ?? []) {
    if (app.identity !== undefined && !findPersonByUniqueName(app.identity))
      throw new SeedError(`unknown identity '${app.identity}'`);
  }
  return spec;
}

function ruleFrom(store: Store, raw: unknown): WorkflowRule {
  const rule = (raw ?? {}) as Partial<Record<string, unknown>>;
  const project = typeof rule.project === 'string' ? store.project(rule.project) : undefined;
  if (!project) throw new SeedError('rules: expected {kind, project, type, …} naming a project');
  const process = findType(project.process, String(rule.type));
  if (!process) throw new SeedError(`rules: project ${project.name} has no type '${String(rule.type)}'`);
  const type = typeOfProject(project, process);
  const known = (state: unknown): string => {
    const found = typeof state === 'string' ? findState(type, state) : undefined;
    if (!found) throw new SeedError(`rules: ${type.name} has no state '${String(state)}'`);
    return found.name;
  };
  if (rule.kind === 'require' && typeof rule.field === 'string') {
    return {
      kind: 'require',
      project: project.name,
      type: type.name,
      state: known(rule.state),
      field: rule.field,
    };
  }
  if (rule.kind === 'restrict' && Array.isArray(rule.to)) {
    return {
      kind: 'restrict',
      project: project.name,
      type: type.name,
      from: known(rule.from),
      to: rule.to.map(known),
    };
  }
  throw new SeedError("rules: expected kind 'require' {state, field} or 'restrict' {from, to: [...]}");
}

const CATEGORIES = ['Proposed', 'InProgress', 'Resolved', 'Completed', 'Removed'];

// A state an administrator adds to a type of an inherited process (an XML process has none of this kind).
function addCustomState(store: Store, raw: unknown): number {
  const spec = (raw ?? {}) as Partial<Record<string, unknown>>;
  const project = typeof spec.project === 'string' ? store.project(spec.project) : undefined;
  const type = project && findType(project.process, String(spec.type));
  const name = typeof spec.name === 'string' ? spec.name.trim() : '';
  if (!project || !type || name === '' || !CATEGORIES.includes(String(spec.category)))
    throw new SeedError('customstates: expected {project, type, name, category} of an existing type');
  if (project.xmlProcess) throw new SeedError(`customstates: ${project.name} has an XML process`);
  if (findState(typeOfProject(project, type), name))
    throw new SeedError(`customstates: ${type.name} has a state '${name}' already`);
  const key = type.name.toLowerCase();
  const added: CustomState = { name, category: spec.category as CustomState['category'] };
  project.customStates = { ...project.customStates, [key]: [...(project.customStates?.[key] ?? []), added] };
  return project.customStates[key].length;
}

// A type an administrator disables in an inherited process (an XML process has no such switch).
function disableType(store: Store, raw: unknown): number {
  const spec = (raw ?? {}) as Partial<Record<string, unknown>>;
  const project = typeof spec.project === 'string' ? store.project(spec.project) : undefined;
  const type = project && findType(project.process, String(spec.type));
  if (!project || !type) throw new SeedError('disabledtypes: expected {project, type} of an existing type');
  if (project.xmlProcess) throw new SeedError(`disabledtypes: ${project.name} has an XML process`);
  const key = type.name.toLowerCase();
  project.disabledTypes = [...new Set([...(project.disabledTypes ?? []), key])];
  return project.disabledTypes.length;
}

function interventionFrom(raw: unknown): Intervention {
  const edit = (raw ?? {}) as Partial<Intervention>;
  if (typeof edit.id !== 'number' || !edit.fields || typeof edit.fields !== 'object')
    throw new SeedError('interventions: expected {id, fields, identity?}');
  if (edit.identity !== undefined && !findPersonByUniqueName(edit.identity))
    throw new SeedError(`unknown identity '${edit.identity}'`);
  return { id: edit.id, fields: edit.fields, identity: edit.identity };
}

function msFrom(raw: unknown, what: string): number {
  const ms = (raw as { ms?: unknown } | undefined)?.ms;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_LATENCY_MS)
    throw new SeedError(`${what}: expected {ms: N} with 0 ≤ N ≤ ${MAX_LATENCY_MS}`);
  return ms;
}

/** Upper bound for the WIQL lag in queries: a client looks a few times, never thousands. */
const MAX_LAG_QUERIES = 1000;

function queriesFrom(raw: unknown): number {
  const queries = (raw as { queries?: unknown } | undefined)?.queries;
  if (typeof queries !== 'number' || !Number.isInteger(queries) || queries < 0 || queries > MAX_LAG_QUERIES)
    throw new SeedError(`wiqlQueryLag: expected {queries: N} with 0 ≤ N ≤ ${MAX_LAG_QUERIES}`);
  return queries;
}

function attachmentLimitFrom(raw: unknown): number {
  const bytes = (raw as { bytes?: unknown } | undefined)?.bytes;
  if (
    typeof bytes !== 'number' ||
    !Number.isInteger(bytes) ||
    bytes < 1 ||
    bytes > SERVER_MAX_ATTACHMENT_LIMIT
  )
    throw new SeedError(
      `attachmentlimit: expected {bytes: N} with 1 ≤ N ≤ ${SERVER_MAX_ATTACHMENT_LIMIT} (2 GB)`,
    );
  return bytes;
}

function topologyInfo(em: Emulation, r: ControlRequest): TopologyInfo {
  return {
    kind: em.conditions.topology.kind,
    hosts: hostCollectionUrls(em.ports, 'main', r.collectionUrl),
  };
}

function route(em: Emulation, r: ControlRequest): Answer {
  const { store } = em;
  const [head, id, sub] = r.segments;
  const key = `${r.method} ${head ?? ''}${id !== undefined ? '/:id' : ''}${sub ? `/${sub}` : ''}`;
  const workItem = (): NonNullable<ReturnType<typeof store.workItems.get>> | undefined =>
    store.workItems.get(Number(id));
  switch (key) {
    case 'POST reset':
      store.reset();
      em.log.clear();
      em.faults.clear();
      em.conditions.reset();
      return json({ ok: true });
    case 'POST tokens':
      store.tokens = tokensFrom(parse(r.body));
      return json({ count: store.tokens.length });
    case 'POST federation':
      store.federation.spec = federationFrom(parse(r.body));
      return json({ ok: true });
    case 'GET federation':
      return json(store.federation.issued);
    case 'POST builds': {
      const b = seedBuild(store, parse(r.body));
      return json({ id: b.seed.id, url: buildUrl(r.collectionUrl, b) }, 201);
    }
    case 'POST releases': {
      const rel = seedRelease(store, parse(r.body));
      return json({ id: rel.seed.id, webUrl: releaseWebUrl(r.collectionUrl, rel) }, 201);
    }
    case 'POST workitems':
      return json(
        renderWorkItem(seedWorkItem(store, parse(r.body), r.collectionUrl), r.collectionUrl, {
          expand: 'all',
        }),
        201,
      );
    case 'GET workitems':
      return json(
        [...store.workItems.values()].map((w) => renderWorkItem(w, r.collectionUrl, { expand: 'all' })),
      );
    case 'GET workitems/:id': {
      const w = workItem();
      return w
        ? json(renderWorkItem(w, r.collectionUrl, { expand: 'all' }))
        : json({ message: `no work item ${id}` }, 404);
    }
    case 'GET workitems/:id/comments': {
      const w = workItem();
      if (!w) return json({ message: `no work item ${id}` }, 404);
      return json(commentsOf(store, w.id).map((c) => renderComment(c, w.projectId, r.collectionUrl)));
    }
    case 'POST customstates':
      return json({ count: addCustomState(store, parse(r.body)) });
    case 'POST disabledtypes':
      return json({ count: disableType(store, parse(r.body)) });
    case 'POST rules':
      store.rules.push(ruleFrom(store, parse(r.body)));
      return json({ count: store.rules.length });
    case 'POST interventions': {
      const edit = interventionFrom(parse(r.body));
      if (!store.workItems.has(edit.id)) return json({ message: `no work item ${edit.id}` }, 404);
      store.interventions.push(edit);
      return json({ count: store.interventions.length });
    }
    case 'GET requests':
      return json(em.log.all());
    case 'DELETE requests':
      em.log.clear();
      return json({ ok: true });
    case 'POST faults': {
      const raw = parse(r.body);
      const list = Array.isArray(raw) ? raw : (raw as { faults?: unknown } | undefined)?.faults;
      if (!Array.isArray(list)) throw new SeedError('faults: expected an array of FaultSpec');
      try {
        em.faults.add(list as FaultSpec[]);
      } catch (e) {
        throw new SeedError(`faults: ${e instanceof Error ? e.message : String(e)}`);
      }
      return json({ count: list.length });
    }
    case 'POST workitems/:id/comments': {
      const w = workItem();
      if (!w) return json({ message: `no work item ${id}` }, 404);
      const texts = (parse(r.body) as { texts?: unknown } | undefined)?.texts;
      if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string' && t !== ''))
        throw new SeedError('comments: expected {texts: [non-empty strings]}');
      const added = texts.map((text: string) => store.addComment(w.id, text, 'html', PEOPLE.alex, now()));
      return json(
        added.map((c) => renderComment(c, w.projectId, r.collectionUrl)),
        201,
      );
    }
    case 'POST tagcreation': {
      const { project, allowed } = (parse(r.body) ?? {}) as { project?: unknown; allowed?: unknown };
      const found = typeof project === 'string' ? store.project(project) : undefined;
      if (!found || typeof allowed !== 'boolean')
        throw new SeedError('tagcreation: expected {project: an existing project, allowed: boolean}');
      if (allowed) store.tagCreationDenied.delete(found.id);
      else store.tagCreationDenied.add(found.id);
      return json({ project: found.name, allowed });
    }
    case 'POST wiqlLag':
      store.setWiqlLag({ ms: msFrom(parse(r.body), 'wiqlLag') });
      return json({ ms: store.wiqlLagMs });
    case 'POST wiqlQueryLag':
      store.setWiqlLag({ queries: queriesFrom(parse(r.body)) });
      return json({ queries: store.wiqlLagQueries });
    case 'POST runstatistics': {
      const listed = (parse(r.body) as { listed?: unknown } | undefined)?.listed;
      if (typeof listed !== 'boolean') throw new SeedError('runstatistics: expected {listed: boolean}');
      store.runStatisticsListed = listed;
      return json({ listed });
    }
    case 'POST latency':
      em.conditions.latencyMs = msFrom(parse(r.body), 'latency');
      return json({ ms: em.conditions.latencyMs });
    case 'POST topology': {
      const kind = (parse(r.body) as { kind?: unknown } | undefined)?.kind;
      if (!isTopologyKind(kind))
        throw new SeedError(`topology: expected {kind: ${Object.keys(TOPOLOGIES).join(' | ')}}`);
      em.conditions.topology = TOPOLOGIES[kind];
      return json(topologyInfo(em, r));
    }
    case 'POST attachmentlimit':
      em.conditions.serverAttachmentLimit = attachmentLimitFrom(parse(r.body));
      return json({ bytes: em.conditions.serverAttachmentLimit });
    case 'GET topology':
      return json(topologyInfo(em, r));
    case 'DELETE faults':
      em.faults.clear();
      return json({ ok: true });
    case 'GET attachments':
      return json(
        [...store.attachments.values()].map((a): AttachmentInfo => ({
          id: a.id,
          fileName: a.fileName,
          size: a.bytes.length,
          createdDate: a.createdDate,
        })),
      );
    case 'GET attachments/:id': {
      const a = store.attachments.get((id ?? '').toLowerCase());
      return a ? { status: 200, bytes: a.bytes } : json({ message: `no attachment ${id}` }, 404);
    }
    default:
      return json({ message: `unknown control request ${r.method} /_control/${r.segments.join('/')}` }, 404);
  }
}

export function handleControl(em: Emulation, r: ControlRequest, res: ServerResponse): void {
  let answer: Answer;
  try {
    answer = route(em, r);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    answer = json({ message }, e instanceof SeedError || e instanceof AdoError ? 400 : 500);
  }
  if (answer.bytes) {
    res.writeHead(answer.status, { 'Content-Type': 'application/octet-stream' }).end(answer.bytes);
  } else {
    res
      .writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8' })
      .end(JSON.stringify(answer.json));
  }
}
