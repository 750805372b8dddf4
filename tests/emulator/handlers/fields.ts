// The collection's field definitions (Fields_List): what a client reads to
// learn a field's kind (html or plain text, identity, tree path, …) and whether it may set it.
// With a project in the path, only the fields of that project's process; without, every field.
import { list, type Handler, type RequestContext } from '../context';
import { FIELDS, type FieldDef, type FieldKind } from '../fields';
import { PROCESSES } from '../processes';

/** Long text cannot be sorted on in queries. */
const UNSORTABLE: ReadonlySet<FieldKind> = new Set(['html', 'plainText', 'history']);

/**
 * WorkItemField2 JSON. Identity fields answer `type: "string"` with `isIdentity: true`, as the REST
 * reference's Fields examples show Assigned To / Created By (type "string"); the `identity` FieldType
 * value is not what these fields were seen to report. Not checked against a live 7.x service.
 */
function fieldJson(ctx: RequestContext, def: FieldDef): Record<string, unknown> {
  const identity = def.kind === 'identity';
  return {
    name: def.name,
    referenceName: def.ref,
    description: def.helpText ?? '',
    type: identity ? 'string' : def.kind,
    usage: 'workItem',
    readOnly: def.readOnly === true,
    canSortBy: !UNSORTABLE.has(def.kind),
    isQueryable: true,
    isIdentity: identity,
    isPicklist: false,
    isPicklistSuggested: false,
    isLocked: false,
    isDeleted: false,
    url: `${ctx.collectionUrl}_apis/wit/fields/${def.ref}`,
  };
}

/** The fields visible in the request's scope, in catalogue order. */
function fieldsInScope(ctx: RequestContext): FieldDef[] {
  const all = [...FIELDS.values()];
  if (!ctx.project) return all;
  const used = new Set(PROCESSES[ctx.project.process].flatMap((t) => t.fields.map((f) => f.toLowerCase())));
  return all.filter((d) => used.has(d.ref.toLowerCase()));
}

export const listFields: Handler = (ctx) => list(fieldsInScope(ctx).map((d) => fieldJson(ctx, d)));
