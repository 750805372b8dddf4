import { AdoError } from '../errors';
import type { WriterIdentity } from '../ports';
import { loc } from '../text/messages';
import { isNetworkCode } from './retry';

/** What the failing call was doing, for the message: e.g. "create the Bug in project WebApp". */
export interface CallContext {
  readonly action: string;
  readonly url: string;
  readonly project?: string;
  /** As whom the call was made; the job token of the call's project when not told. */
  readonly identity?: WriterIdentity;
}

interface ServiceError {
  statusCode?: number;
  code?: string;
  result?: {
    message?: string;
    typeKey?: string;
    customProperties?: { RuleValidationErrors?: { errorMessage?: string; fieldReferenceName?: string }[] };
  };
  message?: string;
}

/**
 * Turns a failed REST call (typed-rest-client's network error, or the service's answer) into an AdoError whose message tells the user
 * what happened and what to change. Recognises codes from the message, not the status alone (brief: platform notes).
 */
export function toAdoError(error: unknown, call: CallContext): AdoError {
  if (error instanceof AdoError) return error;
  const e = (error ?? {}) as ServiceError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const serviceMessage = (e.result?.message ?? e.message ?? String(error)).trim();
  const code = /\b(TF\d{5,6}|VS\d{6})\b/.exec(serviceMessage)?.[1];
  const options = {
    status,
    code,
    cause: error,
    refusedFields: refusedFields(code, e, serviceMessage),
    serviceMessage,
  };
  const action = call.action;

  if (isNetworkCode(e.code)) {
    return new AdoError(loc('Unreachable', action, call.url, e.code), options);
  }
  if (code === 'TF237111') {
    return new AdoError(loc('AreaRefused', action, permissionFix(call)), options);
  }
  if (
    (status === 401 || code === 'TF400813') &&
    call.identity?.kind === 'connection' &&
    call.identity.servicePrincipal
  ) {
    // The exchange succeeded (a renewed token was refused too): the identity is not a user of the organization.
    const { connection, servicePrincipal } = call.identity;
    return new AdoError(
      loc(
        'FederatedIdentityNotInOrganization',
        action,
        servicePrincipal,
        connection,
        code ?? 'HTTP 401',
        organizationName(call.url),
      ),
      options,
    );
  }
  if (status === 401 || code === 'TF400813') {
    return new AdoError(loc('CredentialsRejected', action, code ?? 'HTTP 401', call.project ?? ''), options);
  }
  if (code === 'TF401347') {
    return new AdoError(loc('TreePathRefused', action, serviceMessage), options);
  }
  if (code === 'TF51535') {
    return new AdoError(loc('FieldUnknown', action, serviceMessage), options);
  }
  if (code === 'TF401326') {
    return new AdoError(loc('FieldReadOnly', action, serviceMessage), options);
  }
  if (code === 'TF401320') {
    // The service repeats the first rule in its message: name each field and each rule once.
    const rules = (e.result?.customProperties?.RuleValidationErrors ?? []).flatMap((rule) =>
      rule.errorMessage ? [rule.errorMessage.trim()] : [],
    );
    const messages = [...new Set([serviceMessage, ...rules])];
    const distinct = messages.filter((m) => !messages.some((other) => other !== m && other.includes(m)));
    const broken = distinct.join(' ');
    const fields = options.refusedFields.join(', ');
    return new AdoError(
      fields ? loc('RulesBrokenBy', action, fields, broken) : loc('RulesBroken', action, broken),
      options,
    );
  }
  if (status === 429) {
    return new AdoError(loc('RateLimited', action, serviceMessage), options);
  }
  if (status === 403) {
    return new AdoError(loc('AccessDenied', action, serviceMessage, permissionFix(call)), options);
  }
  return new AdoError(
    status === undefined
      ? loc('CallFailed', action, serviceMessage)
      : loc('CallFailedStatus', action, status, serviceMessage),
    options,
  );
}

// TF401320 names each field in RuleValidationErrors; TF401347 and TF401326 name the field in their message.
function refusedFields(code: string | undefined, e: ServiceError, message: string): string[] {
  if (code === 'TF401320') {
    return (e.result?.customProperties?.RuleValidationErrors ?? []).flatMap((rule) =>
      rule.fieldReferenceName ? [rule.fieldReferenceName] : [],
    );
  }
  if (code === 'TF401347' || code === 'TF401326') {
    const field = /field '([\w.]+)'/.exec(message)?.[1];
    return field ? [field] : [];
  }
  if (code === 'TF51535') {
    const field = /field ([A-Za-z_][\w.]*\w)/i.exec(message)?.[1];
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
  const organization = organizationName(call.url);
  const project = call.project ?? '<project>';
  const identity = call.identity ?? { kind: 'jobToken', runProject: project, release: false };
  return loc('PermissionFix', writerNamed(identity, organization, call.url), project);
}

function writerNamed(identity: WriterIdentity, organization: string, url: string): string {
  if (identity.kind === 'connection')
    return identity.servicePrincipal
      ? loc('PermissionWhoFederated', identity.servicePrincipal, identity.connection)
      : loc('PermissionWhoConnection', identity.connection);
  if (!identity.release) return loc('PermissionWhoJob', identity.runProject, organization, organization);
  // Azure DevOps Server 2020 ignores the scope setting for classic releases: they always run with the
  // collection's identity. Services is the one place that is known not to be a Server.
  return isServices(url)
    ? loc('PermissionWhoRelease', identity.runProject, organization, organization)
    : loc('PermissionWhoReleaseServer', identity.runProject, organization, organization);
}

function isServices(url: string): boolean {
  try {
    return /(^|\.)dev\.azure\.com$|\.visualstudio\.com$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** `https://dev.azure.com/fabrikam/` → fabrikam; `https://fabrikam.visualstudio.com/` → fabrikam; on-premises: the collection. */
export function organizationName(url: string): string {
  try {
    const { hostname, pathname } = new URL(url);
    const legacy = /^([^.]+)\.visualstudio\.com$/i.exec(hostname);
    if (legacy?.[1]) return legacy[1];
    // dev.azure.com/<organization>/ and on-premises …/tfs/<collection>/: the last segment names it.
    return pathname.split('/').filter(Boolean).at(-1) ?? hostname;
  } catch {
    return url;
  }
}
