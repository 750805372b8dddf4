// Writing answers the way the service does: JSON errors, activity headers, injected fault answers.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Reply } from './context';
import type { AdoError } from './errors';
import { defaultFaultBody, faultHeaders } from './faults';
import type { FaultSpec } from './types';

/** Writes the reply. A client that already closed its socket loses it silently (Node drops the write). */
export function send(res: ServerResponse, reply: Reply, cut = false): void {
  const headers: Record<string, string> = {
    ActivityId: randomUUID(),
    'X-TFS-ProcessId': randomUUID(),
    ...reply.headers,
  };
  let payload: Buffer;
  if ('json' in reply) {
    headers['Content-Type'] = 'application/json; charset=utf-8; api-version=7.1';
    payload = Buffer.from(JSON.stringify(reply.json));
  } else if ('text' in reply) {
    headers['Content-Type'] = reply.contentType;
    payload = Buffer.from(reply.text, 'utf8');
  } else {
    headers['Content-Type'] = reply.contentType;
    payload = reply.bytes;
  }
  if (!cut) {
    res.writeHead(reply.status, headers).end(payload);
    return;
  }
  // The head and half the body, then the connection closes: an answer cut off mid-way.
  res.writeHead(reply.status, { ...headers, 'Content-Length': String(payload.length) });
  res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.socket?.destroy());
}

export const errorReply = (e: AdoError): Reply => ({
  status: e.status,
  json: e.toJSON(),
  headers: e.headers,
});

export function faultReply(fault: FaultSpec, status: number): Reply {
  const headers = faultHeaders(fault, status);
  if (typeof fault.body === 'string') {
    const type =
      Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ??
      'text/html; charset=utf-8';
    return { status, text: fault.body, contentType: type, headers };
  }
  return { status, json: fault.body ?? defaultFaultBody(status), headers };
}
