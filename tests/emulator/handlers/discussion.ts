// Handlers for comments, attachments and WIQL queries.
import { randomUUID } from 'node:crypto';
import { intParam, ok, parseJsonBody, type Handler, type RequestContext } from '../context';
import { COMMENT_FORMAT, COMMENT_ORDER, enumName } from '../enums';
import { AdoError, badRequest, fieldTooLong, notFound, unsupportedContentType } from '../errors';
import { MAX_HTML, UNSTORABLE_CHARACTERS } from '../fieldRules';
import { findField } from '../fields';
import { findTeam } from '../org';
import { commentsOf, renderComment } from '../render';
import { parseWiql } from '../wiql';
import { runQuery } from '../wiqlEval';
import { checkRevisionLimit, now, recordComment } from '../workItems';
import { lookup } from './workItems';

export const addComment: Handler = (ctx) => {
  const item = lookup(ctx, intParam(ctx.params.workItemId, 'workItemId'));
  checkRevisionLimit(item);
  const body = (parseJsonBody(ctx) ?? {}) as Record<string, unknown>;
  const text = typeof body.text === 'string' ? body.text : '';
  // Emulator-chosen wording for an empty comment.
  if (text.trim() === '') throw badRequest('The comment text cannot be empty.', 'ArgumentException');
  // As a long-text field refuses them (fieldRules.ts); wording emulator-chosen.
  if (UNSTORABLE_CHARACTERS.test(text)) {
    throw badRequest('The comment text contains characters that are not valid.', 'ArgumentException');
  }
  // A comment is a discussion entry, as System.History is: held to the same long-text limit, refused alike.
  if (text.length > MAX_HTML) throw fieldTooLong('System.History');
  const format = enumName(ctx.query.format, COMMENT_FORMAT) === 'markdown' ? 'markdown' : 'html';
  const date = now();
  const comment = ctx.store.addComment(item.id, text, format, ctx.identity, date);
  recordComment(item, text, ctx.identity, date);
  return ok(renderComment(comment, item.projectId, ctx.collectionUrl));
};

// The most comments one page holds: the service caps `$top` at 200 and pages the rest (sources in README.md).
const MAX_COMMENTS_PAGE = 200;

export const listComments: Handler = (ctx) => {
  const item = lookup(ctx, intParam(ctx.params.workItemId, 'workItemId'));
  // The reference documents `order` without a default: oldest first when it is not sent, the order that
  // breaks a client counting on newest first (the stricter choice).
  const desc = enumName(ctx.query.order, COMMENT_ORDER) === 'desc';
  const asked = ctx.query.$top === undefined ? MAX_COMMENTS_PAGE : intParam(ctx.query.$top, '$top');
  if (asked < 1) {
    // Emulator-chosen wording for a page size below one.
    throw badRequest('$top must be at least 1.', 'ArgumentOutOfRangeException');
  }
  const top = Math.min(asked, MAX_COMMENTS_PAGE);
  const all = [...commentsOf(ctx.store, item.id)].sort((a, b) => (desc ? b.id - a.id : a.id - b.id));
  // The token is opaque to clients; here it names the first comment of the next page and the order it is for.
  const token = ctx.query.continuationToken;
  const from = token === undefined ? 0 : pageStart(token, all, desc);
  const page = all.slice(from, from + top);
  const next = all[from + top];
  const continuationToken = next
    ? Buffer.from(`${desc ? 'desc' : 'asc'}:${next.id}`).toString('base64url')
    : undefined;
  const url = `${ctx.collectionUrl}${item.projectId}/_apis/wit/workItems/${item.id}/comments`;
  const nextQuery = continuationToken
    ? new URLSearchParams({ $top: String(top), order: desc ? 'desc' : 'asc', continuationToken }).toString()
    : '';
  return ok({
    totalCount: all.length,
    count: page.length,
    comments: page.map((c) => renderComment(c, item.projectId, ctx.collectionUrl)),
    ...(continuationToken ? { continuationToken, nextPage: `${url}?${nextQuery}` } : {}),
    url,
  });
};

function pageStart(token: string, all: readonly { id: number }[], desc: boolean): number {
  const [order, id] = Buffer.from(token, 'base64url').toString().split(':');
  const at = all.findIndex((c) => String(c.id) === id);
  // Emulator-chosen wording for a token the emulator did not hand out (or for another order).
  if (order !== (desc ? 'desc' : 'asc') || at < 0) {
    throw badRequest(`The continuation token '${token}' is not valid.`, 'ArgumentException');
  }
  return at;
}

const SIMPLE_UPLOAD_LIMIT = 130 * 1024 * 1024;

// An attachment's name: Microsoft Learn's "Naming restrictions and conventions" refuses control characters and
// unpaired surrogates in names and points to Windows' file naming rules, which refuse `\ / : * ? " < > |`. No
// reference says what Attachments - Create does with one; the refusal is the stricter choice (wording and type
// emulator-chosen).
const FILE_NAME_REFUSED = /[\p{Cc}\p{Cs}\\/:*?"<>|]/u;

/**
 * TF237082, the service's refusal of a file over the per-attachment limit; the wording is the one public
 * reports quote from Azure DevOps Services ("… (60.000 MB(s)) …"). Status 400 and the typeKey are
 * emulator-chosen: no reference documents them.
 */
function attachmentTooLarge(limit: number): AdoError {
  const size = (limit / (1024 * 1024)).toFixed(3);
  return badRequest(
    `TF237082: The file you are trying to upload exceeds the supported file upload size (${size} MB(s)). Instead of uploading the file, add the file to version control or to the team project web site, and then link the file to the work item.`,
    'AttachmentSizeExceededException',
  );
}

const attachmentUrl = (ctx: RequestContext, id: string, fileName: string): string =>
  `${ctx.collectionUrl}${ctx.project ? `${ctx.project.id}/` : ''}_apis/wit/attachments/${id}?fileName=${encodeURIComponent(fileName)}`;

export const createAttachment: Handler = (ctx) => {
  const type = (ctx.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/octet-stream') {
    throw unsupportedContentType(ctx.contentType ?? '', ctx.method, 'application/octet-stream');
  }
  if ((ctx.query.uploadType ?? 'simple').toLowerCase() !== 'simple') {
    throw badRequest('Emulator: only uploadType=Simple is supported.');
  }
  const fileName = ctx.query.fileName ?? '';
  if (!fileName) throw badRequest('The fileName parameter is required.', 'ArgumentNullException');
  if (FILE_NAME_REFUSED.test(fileName)) {
    throw badRequest(
      `The file name '${fileName}' contains characters that are not valid.`,
      'ArgumentException',
    );
  }
  // One simple upload takes at most 130 MB whatever the collection allows (larger ones go in chunks).
  const limit = Math.min(ctx.attachmentLimit, SIMPLE_UPLOAD_LIMIT);
  if (ctx.bodySize > limit) throw attachmentTooLarge(limit);
  const id = randomUUID();
  ctx.store.attachments.set(id, { id, fileName, bytes: ctx.body, createdDate: now() });
  // 201 Created (the 7.1 spec lists 200; azure-devops-node-api accepts both).
  return ok({ id, url: attachmentUrl(ctx, id, fileName) }, 201);
};

export const queryByWiql: Handler = (ctx) => {
  if (ctx.project && ctx.params.team && !findTeam(ctx.project, ctx.params.team)) {
    throw notFound(
      `The team with id '${ctx.params.team}' does not exist.`,
      'TeamNotFoundException',
      'Microsoft.TeamFoundation.Core.WebApi',
    );
  }
  const body = (parseJsonBody(ctx) ?? {}) as Record<string, unknown>;
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    throw new AdoError(
      400,
      'TF51006: The query text is empty. Provide a WIQL query.',
      'QuerySyntaxException',
    );
  }
  const query = parseWiql(body.query);
  const topRaw = ctx.query.$top;
  const top = topRaw === undefined ? undefined : intParam(topRaw, '$top');
  const items = runQuery(query, { store: ctx.store, project: ctx.project }, top);
  const column = (name: string): Record<string, string> => {
    const def = findField(name);
    const ref = def?.ref ?? name;
    return {
      referenceName: ref,
      name: def?.name ?? name,
      url: `${ctx.collectionUrl}_apis/wit/fields/${ref}`,
    };
  };
  return ok({
    queryType: 'flat',
    queryResultType: 'workItem',
    asOf: now(),
    columns: query.select.map(column),
    sortColumns: query.orderBy.map((o) => ({ field: column(o.field), descending: o.desc })),
    workItems: items.map((i) => ({ id: i.id, url: `${ctx.collectionUrl}_apis/wit/workItems/${i.id}` })),
  });
};
