import * as path from 'node:path';
import type { RunContext } from '../facts/context';
import type { RunFacts } from '../facts/model';
import { stepPath } from '../facts/runFacts';
import type { Settings } from '../inputs/settings';
import type { Boards, Pipelines, TaskHost } from '../ports';
import { loc } from '../text/messages';

/** Azure DevOps takes at most 130 MB in one (simple) attachment upload. */
export const MAX_ATTACHMENT_BYTES = 130 * 1024 * 1024;

interface Io {
  readonly host: Pick<TaskHost, 'findFiles' | 'readFile'>;
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
  readonly content: () => Promise<Buffer>;
}

/**
 * Uploads the files the new item carries (brief §4): each failed step's full log (`attachLogs`) and the files the
 * `attachments` patterns match. Returns their URLs and comments for `AttachedFile` relations of the create
 * request. A file that cannot be read or uploaded is left out with a warning: attachments never cost the item.
 */
export async function collectAttachments(
  io: Io,
  request: Request,
): Promise<{ url: string; comment: string }[]> {
  const files = [...stepLogs(io, request), ...matchedFiles(io, request)];
  if (request.dryRun) {
    files.forEach((file) => io.log.info(loc('DryRunAttach', file.fileName, file.comment)));
    return [];
  }
  const uploads = files.map(async (file) => {
    try {
      const url = await io.boards.uploadAttachment(request.project, file.fileName, await file.content());
      return [{ url, comment: file.comment }];
    } catch (error) {
      io.log.warning(loc('AttachmentNotUploaded', (error as Error).message, file.fileName));
      return [];
    }
  });
  return (await Promise.all(uploads)).flat();
}

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
          content: async () => Buffer.from(await io.pipelines.buildLog(project, buildId, log.logId)),
        },
      ];
    }
    if (log?.kind === 'release' && context.release) {
      const releaseId = context.release.id;
      return [
        {
          fileName,
          comment,
          content: async () =>
            Buffer.from((await io.pipelines.releaseTaskLogLines(project, releaseId, log)).join('\n')),
        },
      ];
    }
    return [];
  });
}

function matchedFiles(io: Io, { settings }: Request): File[] {
  if (settings.attachments.length === 0) return [];
  return io.host.findFiles(settings.attachments).flatMap(({ pattern, files }) => {
    if (files.length === 0) {
      io.log.warning(loc('AttachmentNoMatch', pattern));
      return [];
    }
    return files.flatMap((file): File[] => {
      const fileName = path.basename(file.path);
      if (file.size > MAX_ATTACHMENT_BYTES) {
        io.log.warning(loc('AttachmentTooLarge', fileName, Math.ceil(file.size / 1024 / 1024)));
        return [];
      }
      return [
        {
          fileName,
          comment: `Attached by the pipeline (${pattern})`,
          content: async () => io.host.readFile(file.path),
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
