// What tests set about the server the emulator plays, beside its data: the topology and a latency
// added to every recorded request. Kept apart from the Store so `reset` restores both in one place.
import { DEFAULT_TOPOLOGY, type Topology } from './topology';

/** Upper bound for the latency, so a typo cannot stall a test run for hours. */
export const MAX_LATENCY_MS = 60_000;

const MB = 1024 * 1024;
/** Azure DevOps Services takes attachments up to 60 MB (Microsoft Learn, "Work tracking object limits"). */
export const SERVICES_ATTACHMENT_LIMIT = 60 * MB;
/** Azure DevOps Server's default maximum attachment size per collection, 4 MB (same page). */
export const SERVER_DEFAULT_ATTACHMENT_LIMIT = 4 * MB;
/** The most a collection administrator can set on Azure DevOps Server: 2 GB (same page). */
export const SERVER_MAX_ATTACHMENT_LIMIT = 2048 * MB;

export class Conditions {
  topology: Topology = DEFAULT_TOPOLOGY;
  /** Added before every REST, discovery or unknown request is handled (control requests are exempt). */
  latencyMs = 0;
  /** The collection's maximum attachment size on the one-host (Azure DevOps Server) topologies. */
  serverAttachmentLimit = SERVER_DEFAULT_ATTACHMENT_LIMIT;

  /** The per-attachment limit of the server played now: fixed on Services, the collection's setting on Server. */
  attachmentLimit(): number {
    return this.topology.kind === 'services' ? SERVICES_ATTACHMENT_LIMIT : this.serverAttachmentLimit;
  }

  reset(): void {
    this.topology = DEFAULT_TOPOLOGY;
    this.latencyMs = 0;
    this.serverAttachmentLimit = SERVER_DEFAULT_ATTACHMENT_LIMIT;
  }
}
