import { AdoError } from '../errors';
import type { WriterIdentity } from '../ports';
import { onServices } from '../inputs/connectionEndpoint';
import { loc } from '../text/messages';
import { atRevisionLimit, isNetworkCode, isTimeoutMessage, retryAfterMs } from './retry';

/** What the failing call was doing, for the message: e.g. "create the Bug in project WebApp". */
export interface CallContext {
  readonly action: string;
  readonly url: string;
  readonly project?: string;
  /** As whom the call was made; the job token of the call's project when not told. */
  readonly identity?: WriterIdentity;
  /** The run's records the call reads, whose permission a refusal names instead of the area's. */
  readonly records?: RecordsPermission;
  /** The call saves something in Boards (a create, a change, a comment). */
  readonly write?: boolean;
}

/** What a read of the run's records needs: a permission of its own, which the area's permissions do not give. */
export type RecordsPermission = 'builds' | 'testRuns' | 'releases';

const RECORDS_FIX: Readonly<Record<RecordsPermission, (who: string, project: string) => string>> = {
  builds: (who, project) => loc('ViewBuildsFix', who, project),
  testRuns: (who, project) => loc('ViewTestRunsFix', who, project),
  releases: (who, project) => loc('ViewReleasesFix', who, project),
};

interface ServiceError {
  statusCode?: number;
  code?: string;
  result?: {
    message?: string;
    typeKey?: string;
    customProperties?: { RuleValidationErrors?: { errorMessage?: string; fieldReferenceName?: string }[] };
  };
  message?: string;
  /** A successful status with a page instead of JSON (rest.ts's NotJsonAnswer). */
  page?: string;
  responseHeaders?: Record<string, string | string[] | undefined>;
}

/**
 * Turns a failed REST call (typed-rest-client's network error, or the service's answer) into an AdoError whose message tells the user
 * what happened and what to change. Recognises codes from the message, not the status alone: the service
 * answers many different refusals with the same 400.
 */
export function toAdoError(error: unknown, call: CallContext): AdoError {
  if (error instanceof AdoError) return error;
  if (error instanceof UnverifiedWrite) return unverified(toAdoError(error.cause, call), error.check);
  const e = (error ?? {}) as ServiceError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const serviceMessage = (e.result?.message ?? e.message ?? String(error)).trim();
  const code = /\b(TF\d{5,6}|VS\d{6})\b/.exec(serviceMessage)?.[1];
  const refused = refusedFields(code, e, serviceMessage);
  const failure: Failure = { e, status, code, serviceMessage, refused, call, action: call.action };
  const message = MESSAGES.find(([applies]) => applies(failure))?.[1](failure) ?? fallbackMessage(failure);
  return new AdoError(message, { status, code, cause: error, refusedFields: refused, serviceMessage });
}

/**
 * A write whose answer was lost (`cause`) and whose landing could not be checked either (`check`): Azure DevOps
 * may have saved it. Its message says so, for a user who would otherwise repeat it by hand.
 */
export class UnverifiedWrite extends Error {
  constructor(
    override readonly cause: unknown,
    readonly check: unknown,
  ) {
    super('a write whose answer was lost, and whose landing could not be checked');
    this.name = 'UnverifiedWrite';
  }
}

// The same error, its message saying that the write may have landed.
function unverified(error: AdoError, check: unknown): AdoError {
  const why = check instanceof Error ? check.message : String(check);
  return new AdoError(`${error.message} ${loc('WriteOutcomeUnknown', why)}`, error);
}

/** A failed call as the messages read it. */
interface Failure {
  readonly e: ServiceError;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly serviceMessage: string;
  readonly refused: readonly string[];
  readonly call: CallContext;
  readonly action: string;
}

// Node's codes for a server certificate it does not trust: one of an authority the agent was not given (a
// TLS-inspecting proxy's, the organization's own), or not valid for the host or the day.
const UNTRUSTED_CERTIFICATE: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

// Azure DevOps's 404 for a project named by id (VS800075) or by name (TF200016) that does not exist or that the
// identity may not see: it answers both alike.
const PROJECT_NOT_FOUND: ReadonlySet<string> = new Set(['VS800075', 'TF200016']);

// The message of a failure, the first that applies, in this order.
const MESSAGES: readonly (readonly [applies: (f: Failure) => boolean, message: (f: Failure) => string])[] = [
  [(f) => isNetworkCode(f.e.code), (f) => loc('Unreachable', f.action, f.call.url, f.e.code ?? '')],
  [
    (f) => f.e.code !== undefined && UNTRUSTED_CERTIFICATE.has(f.e.code),
    (f) => loc('CertificateUntrusted', f.action, f.call.url, f.e.code ?? '', nodeReason(f.e.message ?? '')),
  ],
  // typed-rest-client's timeout names only the request's path.
  [
    (f) => f.status === undefined && isTimeoutMessage(f.e.message),
    (f) => loc('TimedOut', f.action, f.call.url),
  ],
  // A redirect the client did not follow (a federated token follows none): where it pointed says why.
  [(f) => f.status !== undefined && f.status >= 300 && f.status < 400, redirected],
  // Read before the status: the page, or no content at all, came with a successful one.
  [(f) => f.e.page === '', (f) => loc('AnswerEmpty', f.action, f.call.url, f.status ?? 200)],
  [
    (f) => typeof f.e.page === 'string',
    // A page in place of a write's answer: what answered may have passed the write on before.
    (f) =>
      loc('AnswerNotJson', f.action, f.call.url, f.status ?? 200, f.e.page ?? '') +
      (f.call.write ? ` ${loc('PageAfterWrite')}` : ''),
  ],
  [(f) => serverTooOld(f) !== undefined, tooOld],
  // A read of the run's records is the job token's whatever writes to Boards: refused, that token outlived the
  // job's timeout or was revoked; a project answered as one that does not exist, a project it was not given.
  [
    (f) => f.call.records !== undefined && isRejected(f),
    (f) => loc('RecordsTokenRejected', f.action, refusalCode(f)),
  ],
  [
    (f) => f.call.records !== undefined && f.status === 404 && PROJECT_NOT_FOUND.has(f.code ?? ''),
    recordsUnseen,
  ],
  [(f) => f.code === 'TF237111', (f) => loc('AreaRefused', f.action, permissionFix(f.call))],
  [(f) => f.code === 'TF401289', tagsRefused],
  [(f) => f.code === 'VS800075', (f) => loc('CallFailed', f.action, projectUnreadable(f.call))],
  // A federated identity refused after a successful exchange (a renewed token too) is not a user of the
  // organization.
  [(f) => isRejected(f) && federatedIdentity(f.call) !== undefined, federatedNotInOrganization],
  [isRejected, (f) => loc('CredentialsRejected', f.action, refusalCode(f), f.call.project ?? '')],
  [(f) => f.code === 'TF401347', (f) => loc('TreePathRefused', f.action, f.serviceMessage)],
  [(f) => f.code === 'TF51535', (f) => loc('FieldUnknown', f.action, f.serviceMessage)],
  [(f) => f.code === 'TF401326', (f) => loc('FieldReadOnly', f.action, f.serviceMessage)],
  [(f) => f.code === 'TF401324', (f) => loc('FieldTooLong', f.action, f.serviceMessage)],
  [(f) => f.code === 'TF401320', rulesBroken],
  [(f) => atRevisionLimit(f.serviceMessage), (f) => loc('RevisionLimit', f.action, f.serviceMessage)],
  [(f) => f.status === 429, rateLimited],
  [(f) => f.status === 403, (f) => loc('AccessDenied', f.action, f.serviceMessage, accessFix(f.call))],
];

// The task gave up on a 429: what the service asked to wait (a wait past the retry budget is not waited for, so
// the user learns which budget to raise).
function rateLimited(f: Failure): string {
  const asked = retryAfterMs(f.e.responseHeaders?.['retry-after']);
  const wait = asked === undefined ? '' : loc('RateLimitWait', Math.ceil(asked / 1000));
  return loc('RateLimited', f.action, f.serviceMessage, wait);
}

// A server older than the REST API version asked for names that version (its numeric part) first and its own
// latest last, in wordings that vary between servers: the fix is a newer server, which the words do not say.
function serverTooOld(f: Failure): { latest: string; asked: string } | undefined {
  if (f.e.result?.typeKey !== 'VssVersionOutOfRangeException') return undefined;
  const asked = /\bversion of "?(\d+\.\d+)/.exec(f.serviceMessage)?.[1];
  const latest = /\b(\d+\.\d+)\.?$/.exec(f.serviceMessage)?.[1];
  return asked && latest ? { latest, asked } : undefined;
}

function tooOld(f: Failure): string {
  const { latest, asked } = serverTooOld(f) ?? { latest: '', asked: '' };
  return loc('ServerTooOld', f.action, f.call.url, latest, asked);
}

function redirected(f: Failure): string {
  const location = f.e.responseHeaders?.['location'];
  const to = (Array.isArray(location) ? location[0] : location) || '-';
  return loc('Redirected', f.action, f.call.url, f.status ?? 0, to);
}

// 203: the sign-in page, the answer to refused credentials of a request that did not ask for a 401.
function isRejected(f: Failure): boolean {
  return f.status === 401 || f.status === 203 || f.code === 'TF400813';
}

/** What a refusal of credentials is known by: its TF code, else its status. */
const refusalCode = (f: Failure): string => f.code ?? `HTTP ${f.status ?? 401}`;

function federatedIdentity(call: CallContext): { connection: string; servicePrincipal: string } | undefined {
  const identity = call.identity;
  return identity?.kind === 'connection' && identity.servicePrincipal
    ? { connection: identity.connection, servicePrincipal: identity.servicePrincipal }
    : undefined;
}

function federatedNotInOrganization(f: Failure): string {
  const { connection, servicePrincipal } = federatedIdentity(f.call) ?? {
    connection: '',
    servicePrincipal: '',
  };
  return loc(
    'FederatedIdentityNotInOrganization',
    f.action,
    servicePrincipal,
    connection,
    refusalCode(f),
    organizationName(f.call.url),
  );
}

function fallbackMessage(f: Failure): string {
  return f.status === undefined
    ? loc('CallFailed', f.action, f.serviceMessage)
    : loc('CallFailedStatus', f.action, f.status, f.serviceMessage);
}

// The fields an input of the task sets, which a rule requiring one of them points to rather than to `fields`.
const INPUT_OF_FIELD: Readonly<Record<string, string>> = {
  'System.Title': 'title',
  'System.AreaPath': 'areaPath',
  'System.IterationPath': 'iterationPath',
  'System.AssignedTo': 'assignTo',
  'Microsoft.VSTS.Common.Priority': 'priority',
  'Microsoft.VSTS.Common.Severity': 'severity',
  'System.Tags': 'tags',
};

// The service repeats the first rule in its message: name each field and each rule once.
function rulesBroken(f: Failure): string {
  const rules = (f.e.result?.customProperties?.RuleValidationErrors ?? []).flatMap((rule) =>
    rule.errorMessage ? [rule.errorMessage.trim()] : [],
  );
  const messages = [...new Set([f.serviceMessage, ...rules])];
  const distinct = messages.filter((m) => !messages.some((other) => other !== m && other.includes(m)));
  const broken = distinct.join(' ');
  const fields = f.refused.join(', ');
  // InvalidEmpty: a field the rules require was left empty, which no input of the task but `fields` can fill.
  const empty = (f.e.result?.customProperties?.RuleValidationErrors ?? []).find(
    (rule) => rule.fieldReferenceName && /\bInvalidEmpty\b/.test(rule.errorMessage ?? ''),
  )?.fieldReferenceName;
  if (empty) {
    const input = INPUT_OF_FIELD[empty];
    return input
      ? loc('RulesRequireInput', f.action, fields, broken, input)
      : loc('RulesRequire', f.action, fields, broken, empty);
  }
  return fields ? loc('RulesBrokenBy', f.action, fields, broken) : loc('RulesBroken', f.action, broken);
}

// TF401320 names each field in RuleValidationErrors; TF401347, TF401326 and TF401324 (a value too long for its
// field) name the field in their message.
function refusedFields(code: string | undefined, e: ServiceError, message: string): string[] {
  if (code === 'TF401320') {
    return (e.result?.customProperties?.RuleValidationErrors ?? []).flatMap((rule) =>
      rule.fieldReferenceName ? [rule.fieldReferenceName] : [],
    );
  }
  if (code === 'TF401347' || code === 'TF401326' || code === 'TF401324') {
    const field = /field '([\w.-]+)'/.exec(message)?.[1];
    return field ? [field] : [];
  }
  if (code === 'TF51535') {
    const field = /field ([A-Za-z_][\w.-]*[\w-])/i.exec(message)?.[1];
    return field ? [field] : [];
  }
  return [];
}

/**
 * What to grant, to whom and where, so the writing identity may create and update work items under an area of
 * `project`. The job token acts as the build service of the run's project, or of the collection, whichever
 * project it writes to; a service connection acts as its own identity.
 */
export function permissionFix(call: Pick<CallContext, 'url' | 'project' | 'identity'>): string {
  const { who, project } = writerIn(call);
  return loc('PermissionFix', who, project);
}

// A read of the run's records needs its own permission; everything else the area's.
function accessFix(call: CallContext): string {
  if (call.records === undefined) return permissionFix(call);
  const { who, project } = writerIn(call);
  return RECORDS_FIX[call.records](who, project);
}

// The job token's identity may not see the project of a read of the run's records: a release's build in another
// project, with the job authorization scope limited to the release's.
function recordsUnseen(f: Failure): string {
  const { who, project } = writerIn(f.call);
  return loc('RecordsNotVisible', f.action, f.serviceMessage, project, who, project);
}

/**
 * Why a project could not be read, and the two fixes: Azure DevOps answers 404 alike for a project that does not
 * exist, one the writing identity was not added to (VS800075 for a service connection's), and one a
 * project-scoped job token of another project may not see, so the 'project' input may well be right.
 */
export function projectUnreadable(call: Pick<CallContext, 'url' | 'project' | 'identity'>): string {
  const { who, project } = writerIn(call);
  return loc('ProjectNotFound', project, who, project);
}

// Creating a tag is a project permission of its own, which the area's permissions do not give.
function tagsRefused(f: Failure): string {
  const { who, project } = writerIn(f.call);
  return loc('TagsRefused', f.action, who, project);
}

// The identity the call wrote as, named as the permission dialogs show it, and the project it wrote to.
function writerIn(call: Pick<CallContext, 'url' | 'project' | 'identity'>): { who: string; project: string } {
  const project = call.project ?? '<project>';
  const identity = call.identity ?? { kind: 'jobToken', runProject: project, release: false };
  return { who: writerNamed(identity, call.url), project };
}

function writerNamed(identity: WriterIdentity, url: string): string {
  const organization = organizationName(url);
  if (identity.kind === 'connection')
    return identity.servicePrincipal
      ? loc('PermissionWhoFederated', identity.servicePrincipal, identity.connection)
      : loc('PermissionWhoConnection', identity.connection);
  if (!identity.release) return loc('PermissionWhoJob', identity.runProject, organization, organization);
  // Azure DevOps Server 2020 runs every classic release's job with the collection's scope, whatever the setting.
  return onServices(url)
    ? loc('PermissionWhoRelease', identity.runProject, organization, organization)
    : loc('PermissionWhoReleaseServer', identity.runProject, organization, organization);
}

// Node.js 24 ends a certificate error's words with advice to start it with --use-system-ca. The agent starts the
// task's Node.js, so the user cannot follow it as worded; the messages give the agent's own settings instead,
// and read the same on both of the task's Node.js versions.
const NODE_FLAG_ADVICE =
  /; if the root CA is installed locally, try running Node\.js with\s+--use-system-ca\.?$/;

/** Node.js's words for a failed connection, without its advice about its own command line. */
export function nodeReason(message: string): string {
  return message.replace(NODE_FLAG_ADVICE, '');
}

/** `https://dev.azure.com/fabrikam/` → fabrikam; `https://fabrikam.visualstudio.com/` → fabrikam; on-premises: the collection. */
export function organizationName(url: string): string {
  try {
    const { hostname, pathname } = new URL(url);
    const legacy = /^([^.]+)\.visualstudio\.com$/i.exec(hostname);
    if (legacy?.[1]) return legacy[1];
    // dev.azure.com/<organization>/ and on-premises …/tfs/<collection>/: the last segment names it, decoded (a
    // server's collection may be called "Fabrikam Fiber Collection", as its identities are).
    const last = pathname.split('/').filter(Boolean).at(-1);
    if (last === undefined) return hostname;
    try {
      return decodeURIComponent(last);
    } catch {
      return last;
    }
  } catch {
    return url;
  }
}
