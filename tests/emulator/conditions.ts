// What tests set about the server the emulator plays, beside its data: the topology and a latency
// added to every recorded request. Kept apart from the Store so `reset` restores both in one place.
import { DEFAULT_TOPOLOGY, type Topology } from './topology';

/** Upper bound for the latency, so a typo cannot stall a test run for hours. */
export const MAX_LATENCY_MS = 60_000;

export class Conditions {
  topology: Topology = DEFAULT_TOPOLOGY;
  /** Added before every REST, discovery or unknown request is handled (control requests are exempt). */
  latencyMs = 0;

  reset(): void {
    this.topology = DEFAULT_TOPOLOGY;
    this.latencyMs = 0;
  }
}
