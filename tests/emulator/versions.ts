// api-version handling: where the client puts it (Accept header, or the query) and what the server
// accepts: no version on a write is refused, and so is a version above the server's latest.
import { AdoError } from './errors';

const WEBAPI = 'Microsoft.VisualStudio.Services.WebApi';

export function apiVersionOf(accept: string | undefined, query: Record<string, string>): string | null {
  const m = /api-version=([^;,\s]+)/i.exec(accept ?? '');
  return m ? m[1] : (query['api-version'] ?? null);
}

/**
 * `maxVersion`: the latest REST version of the server being played (topology.ts); `releasedVersion`: the
 * highest version in which the route's resource is released on that server (0.0: preview only).
 */
export function checkApiVersion(
  method: string,
  version: string | null,
  maxVersion: string,
  releasedVersion: string,
): void {
  if (!version) {
    // GETs fall back to the latest released version; writes must say which version they speak.
    if (method !== 'GET') {
      throw new AdoError(
        400,
        `No api-version was supplied for the "${method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
        'VssVersionNotSpecifiedException',
        WEBAPI,
      );
    }
    return;
  }
  if (!/^\d+\.\d+(-preview(\.\d+)?)?$/i.test(version)) {
    // A version is major.minor, with -preview or -preview.N after it (REST API versioning). Wording and type
    // key as the service answers (quoted in a public issue for "6.0."); the status is emulator-chosen.
    throw new AdoError(
      400,
      `Invalid api version string: "${version}". Api version string must be in the format: {Major}.{Minor}[-preview[.{ResourceVersion}]].`,
      'VssInvalidApiResourceVersionException',
      WEBAPI,
    );
  }
  const numeric = /^(\d+(?:\.\d+)?)/.exec(version)?.[1];
  const n = Number(numeric);
  if (!(n >= 1 && n <= Number(maxVersion))) {
    // Wording as Azure DevOps Server answers (e.g. "…version of 7.2 is out of range for this server. The
    // latest REST API version this server supports is 6.1.", quoted in public issues): the server formats
    // the numeric part only, so 7.1-preview.3 is reported as 7.1. Status 400, typeKey
    // VssVersionOutOfRangeException.
    throw new AdoError(
      400,
      `The requested REST API version of ${numeric ?? version} is out of range for this server. The latest REST API version this server supports is ${maxVersion}.`,
      'VssVersionOutOfRangeException',
      WEBAPI,
    );
  }
  if (!/-preview/i.test(version) && n > Number(releasedVersion)) {
    // A resource that is in preview at the version asked for must be asked for with -preview: the wording of
    // VssInvalidPreviewVersionException as the service answers it.
    throw new AdoError(
      400,
      `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
      'VssInvalidPreviewVersionException',
      WEBAPI,
    );
  }
}
