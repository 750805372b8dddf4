import type { RunContext } from '../facts/context';
import { NO_FACTS } from '../facts/model';
import { runView } from '../facts/values';
import { fingerprintOf } from '../lifecycle/fingerprint';
import type { TaggedBy } from '../lifecycle/openItems';
import { recurrenceSettled, runKey } from '../lifecycle/marker';
import type { Boards, Comment } from '../ports';

/**
 * A recurrence's comments read ahead. The open items' query needs the type's states, and the comment needs the
 * item's comments (its occurrence number, and whether this run wrote there already): three round trips after
 * the run's first reads. With the default fingerprint, which the run's identity alone makes, the newest item
 * of that fingerprint (usually the one open item) is asked for with the first reads and its comments are read
 * while the open items' query runs, so the comment follows that query at once.
 */
export interface CommentsAhead {
  /** Starts the query for the newest item of the default fingerprint, then the read of its comments. */
  start(): void;
  /** The comments read ahead when `item` is the one they were read for (once); else undefined. */
  take(item: number): Promise<Comment[] | undefined>;
}

/** `newestTagged`: the newest item of a fingerprint, in any state (the query a new item's note shares). */
export function commentsAheadOf(
  boards: Pick<Boards, 'comments'>,
  project: string,
  context: RunContext,
  newestTagged: (fingerprint: TaggedBy) => Promise<number | undefined>,
): CommentsAhead {
  let ahead: Promise<{ id: number; comments: Promise<Comment[]> } | undefined> | undefined;
  return {
    start: () => {
      const { values, lane } = runView(context, NO_FACTS, 'failed');
      const fingerprint = fingerprintOf(undefined, values, lane);
      const read = Promise.resolve()
        .then(() => newestTagged(fingerprint))
        .then((id) => {
          if (id === undefined) return undefined;
          const comments = boards.comments(project, id, recurrenceSettled(runKey(context)));
          comments.catch(() => undefined);
          return { id, comments };
        });
      ahead = read.catch(() => undefined);
    },
    take: async (item) => {
      const read = await ahead;
      if (read?.id !== item) return undefined;
      ahead = undefined;
      return read.comments.catch(() => undefined);
    },
  };
}
