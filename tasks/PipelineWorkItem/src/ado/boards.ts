import type {
  CommentList,
  WorkItem,
  WorkItemField,
  WorkItemQueryResult,
  WorkItemStateColor,
  WorkItemStateTransition,
  WorkItemType,
  WorkItemTypeFieldWithReferences,
} from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import type { TeamSettingsIteration } from 'azure-devops-node-api/interfaces/WorkInterfaces';
import { inParallel, PARALLEL_READS } from './parallel';
import { AdoError } from '../errors';
import type { Boards, Comment, WriterIdentity } from '../ports';
import { stripBidi } from '../text/agentText';
import { loc } from '../text/messages';
import { maskingStream } from '../text/streamRedact';
import { redactor } from '../text/redact';
import { storableText } from '../text/logText';
import type { FieldTypes } from '../workItem/draft';
import type { JsonPatchOperation } from '../workItem/patch';
import type { StateCategory, StateInfo, WorkItemTypeInfo } from '../workItem/workItemType';
import { CallContext, permissionFix, projectUnreadable, toAdoError, UnverifiedWrite } from './errors';
import { failureOf } from './resilientHttp';
import { Rest, segment } from './rest';
import { answeredByService, RetryPolicy, verdict } from './retry';

const CATEGORIES: readonly StateCategory[] = ['Proposed', 'InProgress', 'Resolved', 'Completed', 'Removed'];
const V = '6.0';
/** Work Items - List takes at most 200 ids. */
const MAX_IDS_PER_LIST = 200;
// The comments API was still a preview in REST 6.0.
const COMMENTS = '6.0-preview.3';
// The most comments the service returns in one page.
const COMMENTS_PAGE = 200;
const PATCH_JSON = 'application/json-patch+json';

interface List<T> {
  readonly value?: T[];
}

/**
 * Boards over the Work Item Tracking and Work REST APIs: the only place that knows their shapes and quirks. Every
 * text it sends (fields, comments, history, relation attributes, file names, queries) is masked on the way out,
 * without the characters Boards cannot store.
 */
export class AdoBoards implements Boards {
  private readonly rest: Rest;

  constructor(
    rest: Rest,
    private readonly policy: RetryPolicy,
    /** Values no request may carry, asked at each request: tokens join once credentials are read. */
    private readonly secrets: () => readonly string[],
    private readonly identity?: WriterIdentity,
  ) {
    // Masked, made storable, masked again: a secret holding a character the service refuses is masked before that
    // character goes (and no longer matches), and one such a character split is whole once it is gone.
    this.rest = rest.masking((text) => {
      const mask = redactor(secrets());
      return mask(storableText(mask(text)));
    });
  }

  // What to grant, to whom, when the service refuses a write under an area of `project`.
  private permissionFix(project: string): string {
    return permissionFix({ url: this.rest.baseUrl, project, identity: this.identity });
  }

  private async call<T>(action: string, project: string, body: () => Promise<T>, write = false): Promise<T> {
    const call: CallContext = { action, url: this.rest.baseUrl, project, identity: this.identity, write };
    try {
      return await body();
    } catch (error) {
      throw toAdoError(error, call);
    }
  }

  // A call that saves something in Boards: its error says so where that changes what to do.
  private saving<T>(action: string, project: string, body: () => Promise<T>): Promise<T> {
    return this.call(action, project, body, true);
  }

  /**
   * Sends a write, and again while its outcome is unknown and `landed` does not find it: a write is never sent
   * twice when the first one may have landed. When even that check cannot be made, the write is given up, and
   * its error says that it may have landed.
   */
  private write<T>(
    send: () => Promise<T>,
    landed: (answered: boolean) => Promise<T | undefined>,
  ): Promise<T> {
    // A write that could not be looked for is never sent again: its outcome stays unknown.
    const unknown = (error: unknown): boolean =>
      !(error instanceof UnverifiedWrite) && verdict(failureOf(error), false) === 'unknownOutcome';
    return this.policy.run(
      async () => {
        try {
          return await send();
        } catch (error) {
          if (!unknown(error)) throw error;
          const done = await landed(answeredByService(failureOf(error))).catch((check: unknown) => {
            throw new UnverifiedWrite(error, check);
          });
          if (done !== undefined) return done;
          throw error;
        }
      },
      unknown,
      (error) => failureOf(error).retryAfterMs,
    );
  }

  workItemType(project: string, name: string): Promise<WorkItemTypeInfo | undefined> {
    return this.call(loc('ActionReadTypes', project), project, async () => {
      const path = `${segment(project)}/_apis/wit/workitemtypes/${segment(name)}`;
      const type = await this.rest.answered<WorkItemType>(
        { method: 'GET', path, apiVersion: V },
        'undefined',
      );
      return type && typeInfo(type);
    });
  }

  workItemTypes(project: string): Promise<WorkItemTypeInfo[]> {
    return this.call(loc('ActionReadTypes', project), project, async () => {
      const path = `${segment(project)}/_apis/wit/workitemtypes`;
      const types = await this.rest.answered<List<WorkItemType>>(
        { method: 'GET', path, apiVersion: V },
        'undefined',
      );
      if (!types) {
        throw new Error(projectUnreadable({ url: this.rest.baseUrl, project, identity: this.identity }));
      }
      return (types.value ?? []).map(typeInfo);
    });
  }

  currentIteration(project: string, team: string | undefined): Promise<string | undefined> {
    const action =
      team === undefined
        ? loc('ActionReadIterationDefaultTeam', project)
        : loc('ActionReadIterationTeam', team);
    return this.call(action, project, async () => {
      const teamPath = team === undefined ? '' : `/${segment(team)}`;
      const path = `${segment(project)}${teamPath}/_apis/work/teamsettings/iterations`;
      const query = { $timeframe: 'current' };
      const iterations = await this.rest.answered<List<TeamSettingsIteration>>(
        { method: 'GET', path, query, apiVersion: V },
        'undefined',
      );
      if (!iterations) {
        throw new Error(team === undefined ? loc('DefaultTeamNotFound', project) : loc('TeamNotFound', team));
      }
      return iterations.value?.[0]?.path;
    });
  }

  queryIds(project: string, wiql: string): Promise<number[]> {
    return this.call(loc('ActionQuery', project), project, async () => {
      const path = `${segment(project)}/_apis/wit/wiql`;
      const result = await this.rest.answered<WorkItemQueryResult>({
        method: 'POST',
        path,
        body: { query: wiql },
        apiVersion: V,
      });
      return (result.workItems ?? []).flatMap((ref) => (ref.id === undefined ? [] : [ref.id]));
    });
  }

  async workItemState(project: string, id: number): Promise<string | undefined> {
    const item = await this.itemState(project, id);
    return item?.id ? String(item.fields?.['System.State'] ?? '') : undefined;
  }

  stateReasons(project: string, type: string): Promise<string[]> {
    return this.call(loc('ActionReadReasons', type, project), project, async () => {
      const path = `${segment(project)}/_apis/wit/workitemtypes/${segment(type)}/fields/System.Reason`;
      const query = { $expand: 'allowedValues' };
      const field = await this.rest.answered<WorkItemTypeFieldWithReferences>(
        { method: 'GET', path, query, apiVersion: V },
        'undefined',
      );
      return (field?.allowedValues ?? []).map(String);
    });
  }

  async workItemRevision(project: string, id: number): Promise<{ state: string; rev: number } | undefined> {
    const item = await this.itemState(project, id);
    return item?.id && item.rev !== undefined
      ? { state: String(item.fields?.['System.State'] ?? ''), rev: item.rev }
      : undefined;
  }

  async workItemTags(project: string, ids: readonly number[]): Promise<Map<number, string[]>> {
    // The list takes at most 200 ids per request, the batches read a few at a time; deleted items are left out
    // (errorPolicy omit), not an error.
    const batches = Array.from({ length: Math.ceil(ids.length / MAX_IDS_PER_LIST) }, (_, i) =>
      ids.slice(i * MAX_IDS_PER_LIST, (i + 1) * MAX_IDS_PER_LIST),
    );
    const read = (batch: readonly number[]) =>
      this.call(loc('ActionReadItems', batch.join(', ')), project, () => {
        const path = `${segment(project)}/_apis/wit/workitems`;
        const query = { ids: batch.join(','), fields: 'System.Tags', errorPolicy: 'omit' };
        return this.rest.answered<{ value?: (WorkItem | null)[] }>({
          method: 'GET',
          path,
          query,
          apiVersion: V,
        });
      });
    const tags = new Map<number, string[]>();
    for (const items of await inParallel(batches, PARALLEL_READS, read)) {
      for (const item of items.value ?? []) {
        if (!item?.id) continue;
        const value = String(item.fields?.['System.Tags'] ?? '');
        tags.set(
          item.id,
          value
            .split(';')
            .map((tag) => tag.trim())
            .filter((tag) => tag !== ''),
        );
      }
    }
    return tags;
  }

  // The item's state and revision (the answer carries `rev` whatever fields are asked for); undefined on 404.
  private itemState(project: string, id: number): Promise<WorkItem | undefined> {
    return this.call(loc('ActionReadItem', id), project, () => {
      const path = `${segment(project)}/_apis/wit/workitems/${segment(id)}`;
      const query = { fields: 'System.State' };
      return this.rest.answered<WorkItem>({ method: 'GET', path, query, apiVersion: V }, 'undefined');
    });
  }

  // Project and type were read before any write, so a 404 on one is the service's other way of refusing the
  // area: TF237111, which it sends with status 404 as well as 403.
  private areaRefused(message: string): AdoError {
    return new AdoError(message, { status: 404, code: 'TF237111' });
  }

  validateWorkItem(project: string, type: string, patch: readonly JsonPatchOperation[]): Promise<void> {
    return this.call(loc('ActionValidate', type, project), project, async () => {
      const path = `${segment(project)}/_apis/wit/workitems/$${segment(type)}`;
      const query = { validateOnly: 'true' };
      // Nothing is saved, so a failed attempt is simply not repeated.
      const answer = await this.rest.answered<WorkItem>(
        { method: 'POST', path, query, body: patch, contentType: PATCH_JSON, apiVersion: V },
        'undefined',
      );
      if (!answer)
        throw this.areaRefused(loc('CreateAnswered404', type, project, this.permissionFix(project)));
    });
  }

  createWorkItem(
    project: string,
    type: string,
    patch: readonly JsonPatchOperation[],
    landed: (answered: boolean) => Promise<number | undefined>,
  ): Promise<{ id: number }> {
    return this.saving(loc('ActionCreate', type, project), project, async () => {
      const path = `${segment(project)}/_apis/wit/workitems/$${segment(type)}`;
      const request = { method: 'POST', path, body: patch, contentType: PATCH_JSON, apiVersion: V } as const;
      const item = await this.write(
        () => this.rest.answered<WorkItem>(request, 'undefined'),
        async (answered) => {
          const id = await landed(answered);
          return id === undefined ? undefined : { id };
        },
      );
      if (!item?.id)
        throw this.areaRefused(loc('CreateAnswered404', type, project, this.permissionFix(project)));
      return { id: item.id };
    });
  }

  updateWorkItem(
    project: string,
    id: number,
    patch: readonly JsonPatchOperation[],
    landed: (answered: boolean) => Promise<boolean>,
  ): Promise<void> {
    return this.saving(loc('ActionUpdate', id), project, async () => {
      const path = `${segment(project)}/_apis/wit/workitems/${segment(id)}`;
      const request = { method: 'PATCH', path, body: patch, contentType: PATCH_JSON, apiVersion: V } as const;
      const item = await this.write(
        () => this.rest.answered<WorkItem>(request, 'undefined'),
        async (answered) => ((await landed(answered)) ? { id } : undefined),
      );
      if (!item?.id) throw this.areaRefused(loc('UpdateAnswered404', id, this.permissionFix(project)));
    });
  }

  comments(
    project: string,
    id: number,
    enough: (newestFirst: readonly Comment[]) => boolean,
  ): Promise<Comment[]> {
    return this.call(loc('ActionReadComments', id), project, async () => {
      const path = `${segment(project)}/_apis/wit/workItems/${segment(id)}/comments`;
      const read: Comment[] = [];
      let latest: Comment[];
      let continuationToken: string | undefined;
      do {
        // The order is sent: the service documents none by default. Newest first lets a reader stop early.
        const query = { $top: COMMENTS_PAGE, order: 'desc', continuationToken };
        const page = await this.rest.answered<CommentList>({
          method: 'GET',
          path,
          query,
          apiVersion: COMMENTS,
        });
        latest = (page.comments ?? []).flatMap((comment) =>
          comment.id === undefined ? [] : [{ id: comment.id, text: comment.text ?? '' }],
        );
        read.push(...latest);
        continuationToken = page.continuationToken || undefined;
        // Only the new page is looked at: an item of thousands of comments would be scanned once per page.
      } while (continuationToken !== undefined && !enough(latest));
      return read;
    });
  }

  addComment(
    project: string,
    id: number,
    html: string,
    landed: (answered: boolean) => Promise<boolean>,
  ): Promise<void> {
    return this.saving(loc('ActionComment', id), project, async () => {
      const path = `${segment(project)}/_apis/wit/workItems/${segment(id)}/comments`;
      const request = { method: 'POST', path, body: { text: html }, apiVersion: COMMENTS } as const;
      await this.write(
        () => this.rest.answered<unknown>(request),
        async (answered) => ((await landed(answered)) ? '' : undefined),
      );
    });
  }

  fieldTypes(project: string): Promise<FieldTypes> {
    return this.call(loc('ActionReadFields', project), project, async () => {
      const path = `${segment(project)}/_apis/wit/fields`;
      const fields = await this.rest.answered<List<WorkItemField>>({ method: 'GET', path, apiVersion: V });
      // The REST API spells field types as names; the client's enum numbers are not on the wire.
      const named = (fields.value ?? []).flatMap((field) =>
        field.referenceName ? [{ ...field, type: String(field.type).toLowerCase() }] : [],
      );
      return {
        html: named
          .filter((f) => f.type === 'html' || f.type === 'history')
          .map((f) => String(f.referenceName)),
        // An identity field answers type String too, and takes a name, not a line of text.
        singleLine: named
          .filter((f) => f.type === 'string' && f.isIdentity !== true)
          .map((f) => String(f.referenceName)),
      };
    });
  }

  uploadAttachment(project: string, fileName: string, body: () => NodeJS.ReadableStream): Promise<string> {
    return this.call(loc('ActionUpload', fileName), project, async () => {
      const path = `${segment(project)}/_apis/wit/attachments`;
      // Masked before its characters are replaced: a password holding `:` or `?` would no longer match.
      const query = { fileName: attachmentName(redactor(this.secrets())(fileName)), uploadType: 'Simple' };
      // Each attempt opens the file again and masks it on the way: nothing is held in memory. A body that
      // fails midway ends the request early, and the service stores what it got: that upload is not used.
      const attempt = async (): Promise<{ url?: string } | undefined> => {
        let broken: Error | undefined;
        const stream = (): NodeJS.ReadableStream => {
          const source = body();
          const masked = maskingStream(this.secrets());
          source.on('error', (error: Error) => {
            broken ??= error;
            masked.destroy();
          });
          return source.pipe(masked);
        };
        const answer = await this.rest.json<{ url?: string }>({
          method: 'POST',
          path,
          query,
          stream,
          apiVersion: V,
        });
        if (broken) throw broken;
        return answer;
      };
      // An attachment nobody links is harmless, so an upload is simply sent again.
      const reference = await this.policy.run(
        attempt,
        (error) => verdict(failureOf(error), true) === 'retry',
        (error) => failureOf(error).retryAfterMs,
      );
      if (!reference?.url) throw new Error(loc('NoAttachmentUrl'));
      return reference.url;
    });
  }
}

function typeInfo(type: WorkItemType): WorkItemTypeInfo {
  return {
    name: type.name ?? '',
    fields: (type.fields ?? type.fieldInstances ?? []).map((field) => field.referenceName ?? ''),
    states: (type.states ?? []).flatMap(stateInfo),
    ...(type.transitions ? { transitions: transitionsOf(type.transitions) } : {}),
    ...(type.isDisabled === true ? { disabled: true } : {}),
  };
}

function stateInfo(state: WorkItemStateColor): StateInfo[] {
  const category = CATEGORIES.find((c) => c.toLowerCase() === (state.category ?? '').toLowerCase());
  return state.name && category ? [{ name: state.name, category }] : [];
}

function transitionsOf(transitions: { [from: string]: WorkItemStateTransition[] }): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(transitions).map(([from, to]) => [
      from,
      (to ?? []).flatMap((transition) => (transition.to ? [transition.to] : [])),
    ]),
  );
}

// What names in Azure DevOps may not hold (control characters, half a surrogate pair) and what Windows refuses in a
// file name, where people download the attachment: a Linux file may be named so, and the upload would be refused.
// Each becomes `_`; bidirectional controls go, so that the name reads as it shows.
const REFUSED_IN_NAMES = /[\p{Cc}\p{Cs}\\/:*?"<>|]/gu;

function attachmentName(fileName: string): string {
  return stripBidi(fileName).replace(REFUSED_IN_NAMES, '_');
}
