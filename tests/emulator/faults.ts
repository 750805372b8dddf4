// Scripted failures: tests queue FaultSpecs; each matching request consumes one use. A fault either
// answers with its own status/body/headers, destroys the socket, or only delays normal handling.
import type { FaultSpec } from './types';

interface Armed {
  spec: FaultSpec;
  regex: RegExp;
  left: number;
}

/** Default bodies in the service's shape for the statuses tests usually inject. */
export function defaultFaultBody(status: number): Record<string, unknown> {
  const message =
    status === 429
      ? "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'ATCPU' in namespace 'User'."
      : status === 401
        ? "TF400813: The user '' is not authorized to access this resource."
        : `Emulator: injected fault (HTTP ${status}).`;
  return {
    $id: '1',
    innerException: null,
    message,
    typeName:
      'Microsoft.VisualStudio.Services.Common.VssServiceException, Microsoft.VisualStudio.Services.Common',
    typeKey: status === 429 ? 'RequestBlockedException' : 'VssServiceException',
    errorCode: 0,
    eventId: 3000,
  };
}

export class FaultQueue {
  private armed: Armed[] = [];

  add(specs: FaultSpec[]): void {
    for (const spec of specs) {
      if (typeof spec.pathRegex !== 'string') throw new Error('fault needs pathRegex (string)');
      this.armed.push({ spec, regex: new RegExp(spec.pathRegex, 'i'), left: spec.times ?? 1 });
    }
  }

  /** The first armed fault matching the request, consuming one use of it. */
  take(method: string, path: string): FaultSpec | undefined {
    const hit = this.armed.find(
      (a) =>
        a.left > 0 &&
        (!a.spec.method || a.spec.method.toUpperCase() === method.toUpperCase()) &&
        a.regex.test(path),
    );
    if (!hit) return undefined;
    hit.left -= 1;
    this.armed = this.armed.filter((a) => a.left > 0);
    return hit.spec;
  }

  clear(): void {
    this.armed = [];
  }
}
