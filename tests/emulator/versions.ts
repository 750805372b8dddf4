// api-version handling: where the client puts it (Accept header, or the query) and what the service
// accepts.
import { badRequest } from './errors';

export function apiVersionOf(accept: string | undefined, query: Record<string, string>): string | null {
  const m = /api-version=([^;,\s]+)/i.exec(accept ?? '');
  return m ? m[1] : (query['api-version'] ?? null);
}

export function checkApiVersion(method: string, version: string | null): void {
  if (!version) {
    // GETs fall back to the latest released version; writes must say which version they speak.
    if (method !== 'GET') {
      throw badRequest(
        `No api-version was supplied for the "${method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
        'VssVersionNotSpecifiedException',
      );
    }
    return;
  }
  const n = Number(/^(\d+(?:\.\d+)?)/.exec(version)?.[1]);
  if (!(n >= 1 && n <= 7.2)) {
    throw badRequest(
      `The requested REST API version of ${version} is out of range for this server. The latest REST API version this server supports is 7.2.`,
      'VssVersionOutOfRangeException',
    );
  }
}
