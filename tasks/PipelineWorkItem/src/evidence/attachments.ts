import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { AdoError } from '../errors';
import type { RunContext } from '../facts/context';
import type { RunFacts } from '../facts/model';
import { stepPath } from '../facts/runFacts';
import type { Settings } from '../inputs/settings';
import type { Boards, FoundFiles, Pipelines, TaskHost } from '../ports';
import { loc } from '../text/messages';
import { type Refusal, samePath } from './confinement';
import {
  fitting,
  initialLimit,
  learnedLimit,
  MAX_BYTES_PER_ITEM,
  MAX_FILES_PER_ITEM,
  megabytes,
  PARALLEL_UPLOADS,
  SERVICES_ATTACHMENT_LIMIT,
} from './limits';
import { inParallel } from '../ado/parallel';

/** The service's answer to an attachment over the per-attachment limit. */
const TOO_LARGE = 'TF237082';

interface Io {
  readonly host: Pick<TaskHost, 'findFiles' | 'openFile' | 'variable'>;
  readonly pipelines: Pipelines;
  readonly boards: Boards;
  readonly log: { info(message: string): void; warning(message: string): void };
}

interface Request {
  readonly settings: Pick<Settings, 'attachLogs' | 'attachments'>;
  readonly context: RunContext;
  readonly facts: RunFacts;
  readonly project: string;
  readonly dryRun: boolean;
}

interface File {
  readonly fileName: string;
  readonly comment: string;
  /** Known for matched files; a step log's size is known only once it is read. */
  readonly size?: number;
  /** The content, read within `limit` bytes; undefined when it is longer (a log). */
  readonly content: (limit: number) => Promise<(() => NodeJS.ReadableStream) | undefined>;
}

const REFUSALS: Record<Refusal, (file: string) => string> = {
  outside: (file) => loc('AttachmentOutside', file),
  proc: (file) => loc('AttachmentProcFile', file),
  special: (file) => loc('AttachmentNotRegular', file),
  dangling: (file) => loc('AttachmentDangling', file),
  unreadable: (file) => loc('AttachmentUnreadable', file),
  folderOutside: (file) => loc('AttachmentFolderOutside', file),
};

/**
 * Uploads the files the new item carries: each failed step's full log (`attachLogs`) and the files the
 * `attachments` patterns match inside the job's directories, within the item's limits (files, bytes) and the
 * service's per-attachment limit, four at a time, streamed. Returns their URLs and comments for `AttachedFile`
 * relations of the create request. A file that is refused, cannot be read or cannot be uploaded is left out with
 * a warning: attachments never cost the item.
 */
export async function collectAttachments(
  io: Io,
  request: Request,
): Promise<{ url: string; comment: string }[]> {
  const uploads: Uploads = {
    limit: initialLimit(io.host.variable('System.ServerType')),
    overServerLimit: new Set(),
  };
  const candidates = [...stepLogs(io, request), ...matchedFiles(io, request, uploads.limit)];
  const kept = fitting(candidates.map((file) => file.size ?? 0));
  if (kept < candidates.length) {
    io.log.warning(
      loc(
        'AttachmentsOverItemLimit',
        candidates.length - kept,
        MAX_FILES_PER_ITEM,
        megabytes(MAX_BYTES_PER_ITEM),
      ),
    );
  }
  const files = candidates.slice(0, kept);
  if (request.dryRun) {
    files.forEach((file) => io.log.info(loc('DryRunAttach', file.fileName, file.comment)));
    return [];
  }
  const attached = (
    await inParallel(files, PARALLEL_UPLOADS, (file) => uploadOne(io, request, uploads, file))
  ).flat();
  if (uploads.overServerLimit.size > 0) {
    const names = files.filter((file) => uploads.overServerLimit.has(file)).map((file) => file.fileName);
    io.log.warning(loc('AttachmentOverServerLimit', megabytes(uploads.limit), names.join(', ')));
  }
  return attached;
}

/** The uploads of one item: the service's per-attachment limit as far as known, and the files over it. */
interface Uploads {
  limit: number;
  /** Files the service refused as too large, and those skipped once its limit was known. */
  readonly overServerLimit: Set<File>;
}

async function uploadOne(
  io: Io,
  request: Request,
  uploads: Uploads,
  file: File,
): Promise<{ url: string; comment: string }[]> {
  if (file.size !== undefined && file.size > uploads.limit) {
    uploads.overServerLimit.add(file);
    return [];
  }
  try {
    const body = await file.content(uploads.limit);
    if (!body) {
      io.log.warning(loc('AttachmentLogTooLarge', file.fileName, megabytes(uploads.limit)));
      return [];
    }
    const url = await io.boards.uploadAttachment(request.project, file.fileName, body);
    return [{ url, comment: file.comment }];
  } catch (error) {
    if (error instanceof AdoError && error.code === TOO_LARGE) {
      uploads.limit = Math.min(
        uploads.limit,
        learnedLimit(file.size ?? Number.MAX_SAFE_INTEGER, error.message),
      );
      uploads.overServerLimit.add(file);
    } else {
      io.log.warning(loc('AttachmentNotUploaded', (error as Error).message, file.fileName));
    }
    return [];
  }
}

const oneChunk = (text: string) => (): NodeJS.ReadableStream => Readable.from([Buffer.from(text)]);

function stepLogs(io: Io, { settings, context, facts, project }: Request): File[] {
  if (!settings.attachLogs) return [];
  return facts.failures.flatMap((failure, index): File[] => {
    const log = failure.log;
    const step = stepPath(failure) || 'the job';
    const fileName = `${String(index + 1).padStart(2, '0')}-${safeName(failure.step || failure.job || 'job')}.log`;
    const comment = `Log of ${step}`;
    if (log?.kind === 'build' && context.build) {
      const buildId = context.build.id;
      return [
        {
          fileName,
          comment,
          content: async (limit) => {
            const text = await io.pipelines.buildLog(project, buildId, log.logId, limit);
            return text === undefined ? undefined : oneChunk(text);
          },
        },
      ];
    }
    if (log?.kind === 'release' && context.release) {
      const releaseId = context.release.id;
      return [
        {
          fileName,
          comment,
          content: async (limit) => {
            const text = await io.pipelines.releaseTaskLog(project, releaseId, log, limit);
            return text === undefined ? undefined : oneChunk(text);
          },
        },
      ];
    }
    return [];
  });
}

function matchedFiles(io: Io, { settings }: Request, limit: number): File[] {
  if (settings.attachments.length === 0) return [];
  const seen = new Set<string>();
  return io.host.findFiles(settings.attachments).flatMap((found: FoundFiles) => {
    const { pattern, files, refused, failed } = found;
    refused.forEach(({ path: file, reason }) => io.log.warning(REFUSALS[reason](file)));
    if (failed !== undefined) io.log.warning(loc('AttachmentPatternFailed', pattern, failed));
    else if (files.length === 0 && refused.length === 0) io.log.warning(loc('AttachmentNoMatch', pattern));
    return files.flatMap((file): File[] => {
      const real = samePath(file.realPath);
      if (seen.has(real)) return [];
      seen.add(real);
      const fileName = basename(file.path);
      if (file.size > limit) {
        const [size, most] = [megabytes(file.size), megabytes(limit)];
        io.log.warning(
          limit === SERVICES_ATTACHMENT_LIMIT
            ? loc('AttachmentTooLarge', fileName, size, most)
            : loc('AttachmentTooLargeForOneUpload', fileName, size, most),
        );
        return [];
      }
      return [
        {
          fileName,
          comment: `Attached by the pipeline (${pattern})`,
          size: file.size,
          content: (max) => Promise.resolve(() => io.host.openFile(file, max)),
        },
      ];
    });
  });
}

// Step names become file names: keep them readable and valid on every OS.
function safeName(name: string): string {
  return (
    name
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'step'
  );
}
