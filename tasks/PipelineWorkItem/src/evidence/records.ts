import type { RunContext } from '../facts/context';
import { NO_FACTS, RunFacts } from '../facts/model';
import { factsFromRelease, factsFromTimeline } from '../facts/runFacts';
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
    return context.build
      ? {
          facts: factsFromTimeline(
            await pipelines.timeline(context.project, context.build.id),
            context.jobId,
          ),
          readable: true,
        }
      : { facts: NO_FACTS, readable: true };
  } catch (error) {
    warn(loc('RecordsUnreadable', (error as Error).message));
    return { facts: NO_FACTS, readable: false };
  }
}
