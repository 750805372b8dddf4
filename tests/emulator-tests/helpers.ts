// Shared set-up for the emulator's own tests: one emulator per test file, real azure-devops-node-api
// clients pointed at it, and a typed view of the errors the clients throw.
import * as assert from 'node:assert/strict';
import { BuildApi } from 'azure-devops-node-api/BuildApi';
import { CoreApi } from 'azure-devops-node-api/CoreApi';
import { BearerCredentialHandler } from 'azure-devops-node-api/handlers/bearertoken';
import { ReleaseApi } from 'azure-devops-node-api/ReleaseApi';
import { TestApi } from 'azure-devops-node-api/TestApi';
import { WorkApi } from 'azure-devops-node-api/WorkApi';
import { WorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import type { IRequestHandler } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import { startEmulator, type Emulator } from '../emulator/harness';

export const JOB_TOKEN = 'job-token-123';

/** Starts one emulator for the surrounding describe() and resets it with the job token accepted. */
export function useEmulator(): () => Emulator {
  let em: Emulator | undefined;
  before(async function () {
    this.timeout(20_000);
    em = await startEmulator();
    await em.setTokens([JOB_TOKEN]);
  });
  after(async () => {
    await em?.stop();
  });
  return () => {
    if (!em) throw new Error('emulator not started');
    return em;
  };
}

export function clients(em: Emulator, handler: IRequestHandler = new BearerCredentialHandler(JOB_TOKEN)) {
  const url = em.collectionUrl;
  return {
    wit: new WorkItemTrackingApi(url, [handler]),
    build: new BuildApi(url, [handler]),
    test: new TestApi(url, [handler]),
    release: new ReleaseApi(url, [handler]),
    work: new WorkApi(url, [handler]),
    core: new CoreApi(url, [handler]),
  };
}

// String ops, as the task sends them (the client's typings use the numeric Operation enum).
export type PatchOp = { op: 'add' | 'replace' | 'remove' | 'test'; path: string; value?: unknown };

/** The patch op that sets `field` to `value`. */
export const add = (field: string, value: unknown): PatchOp => ({
  op: 'add',
  path: `/fields/${field}`,
  value,
});

/** The patch document of a new item with only a title. */
export const titled = (title: string): PatchOp[] => [add('System.Title', title)];

/** What azure-devops-node-api attaches to the errors it throws for status > 299. */
export interface ClientError extends Error {
  statusCode?: number;
  result?: { message?: string; typeKey?: string; customProperties?: Record<string, unknown> };
  responseHeaders?: Record<string, string>;
  rateLimit?: { retryAfter?: number };
  code?: string;
}

export async function rejection(p: Promise<unknown>): Promise<ClientError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
    return e as ClientError;
  }
  assert.fail('expected the call to fail');
}

export async function assertOnlyKnownRequests(em: Emulator): Promise<void> {
  const log = await em.requests();
  const odd = log.filter((r) => r.kind !== 'rest' && r.kind !== 'discovery');
  assert.deepEqual(
    odd.map((r) => `${r.method} ${r.path}`),
    [],
  );
}
