// Handlers for work item types (with their fields, states and transitions) and a type's field.
import { list, ok, requireProject, type Handler, type RequestContext } from '../context';
import { enumName, FIELDS_EXPAND } from '../enums';
import { notFound } from '../errors';
import { FIELDS, type FieldDef } from '../fields';
import type { Project } from '../org';
import { PROCESSES, typeOfProject, type TypeDef } from '../processes';
import { transitionsOf } from '../workflow';
import { typeInProject } from '../workItems';

function fieldJson(
  ctx: RequestContext,
  t: TypeDef,
  def: FieldDef,
  withAllowed: boolean,
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    defaultValue: t.defaults[def.ref] ?? null,
    helpText: def.helpText,
    alwaysRequired: def.ref === 'System.Title',
    referenceName: def.ref,
    name: def.name,
    url: `${ctx.collectionUrl}_apis/wit/fields/${def.ref}`,
  };
  if (withAllowed) {
    json.allowedValues =
      def.ref === 'System.State'
        ? t.states.map((s) => s.name)
        : def.ref === 'System.Reason'
          ? [...new Set(t.states.flatMap((s) => s.reasons))]
          : (def.allowed ?? []).map(String);
    json.dependentFields = [];
  }
  return json;
}

const defsOf = (t: TypeDef): FieldDef[] =>
  t.fields.map((ref) => FIELDS.get(ref.toLowerCase())).filter((d): d is FieldDef => d !== undefined);

function typeJson(ctx: RequestContext, project: Project, t: TypeDef): Record<string, unknown> {
  const fields = defsOf(t).map((d) => fieldJson(ctx, t, d, false));
  // "" is the initial (create) transition.
  const transitions = Object.fromEntries(
    Object.entries(transitionsOf(project, t, ctx.store.rules)).map(([from, to]) => [
      from,
      to.map((state) => ({ to: state, actions: null })),
    ]),
  );
  return {
    name: t.name,
    referenceName: t.referenceName,
    description: t.description,
    color: t.color,
    icon: { id: t.icon, url: `${ctx.collectionUrl}_apis/wit/workItemIcons/${t.icon}?color=${t.color}&v=2` },
    isDisabled: project.disabledTypes?.includes(t.name.toLowerCase()) === true,
    xmlForm: null,
    fields,
    fieldInstances: fields,
    transitions,
    states: t.states.map((s) => ({ name: s.name, color: s.color, category: s.category })),
    _links: {
      self: {
        href: `${ctx.collectionUrl}${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(t.name)}`,
      },
    },
    url: `${ctx.collectionUrl}${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(t.name)}`,
  };
}

export const listTypes: Handler = (ctx) => {
  const project = requireProject(ctx);
  return list(PROCESSES[project.process].map((t) => typeJson(ctx, project, typeOfProject(project, t))));
};

/** Work Item Types - Get: the type named in the path, in any case (404 VS402323 when the project has none). */
export const getType: Handler = (ctx) => {
  const project = requireProject(ctx);
  return ok(typeJson(ctx, project, typeInProject(project, ctx.params.type ?? '')));
};

// By name or by the client's enum number (WorkItemTypeFieldsExpandLevel), as the service reads it.
const expandsAllowed = (ctx: RequestContext): boolean =>
  ['allowedvalues', 'all'].includes(enumName(ctx.query.$expand, FIELDS_EXPAND) ?? '');

export const getTypeField: Handler = (ctx) => {
  const t = typeInProject(requireProject(ctx), ctx.params.type);
  const key = (ctx.params.field ?? '').toLowerCase();
  const def = defsOf(t).find((d) => d.ref.toLowerCase() === key || d.name.toLowerCase() === key);
  if (!def)
    throw notFound(`TF51535: Cannot find field ${ctx.params.field}.`, 'WorkItemFieldInvalidException');
  return ok(fieldJson(ctx, t, def, expandsAllowed(ctx)));
};
