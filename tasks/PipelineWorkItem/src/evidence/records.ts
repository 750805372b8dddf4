import type { RunContext } from '../facts/context';
import { NO_FACTS, RunFacts } from '../facts/model';
import { factsFromRelease, factsFromTimeline, ownStage } from '../facts/runFacts';
import type { Pipelines } from '../ports';
import { loc } from '../text/messages';

/** The run's records as far as they could be read. */
export interface RunRecords {
  readonly facts: RunFacts;
  /** false when the timeline (or release) could not be read: the facts are then empty. */
  readonly readable: boolean;
}

// The run's records refine the outcome and fill the details; without them the job status still decides.
export async function readFacts(
  pipelines: Pipelines,
  context: RunContext,
  warn: (message: string) => void,
): Promise<RunRecords> {
  try {
    if (context.release) {
      const deployment = await pipelines.releaseDeployment(
        context.project,
        context.release,
        context.environment,
      );
      return { facts: deployment ? factsFromRelease(deployment, context.jobId) : NO_FACTS, readable: true };
    }
    if (!context.build) return { facts: NO_FACTS, readable: true };
    const records = await pipelines.timeline(context.project, context.build.id);
    // A deployment job files in its environment's lane: its outcome is its own stage's.
    const deployment = context.environment && context.jobId ? ownStage(records, context.jobId) : undefined;
    return { facts: factsFromTimeline(deployment ?? records, context.jobId), readable: true };
  } catch (error) {
    warn(loc('RecordsUnreadable', (error as Error).message));
    return { facts: NO_FACTS, readable: false };
  }
}
