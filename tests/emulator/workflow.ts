// The workflow rules a state change must pass: the transitions the type allows from the item's state
// (every one in an inherited process unless a rule restricts them, only the declared ones in an XML
// process), the reasons of the new state, and fields a rule requires in that state.
import { ruleError, type RuleViolation } from './errors';
import { findField } from './fields';
import type { Project } from './org';
import { findState, type TypeDef } from './processes';
import type { Draft } from './patch';
import type { WorkflowRule } from './types';

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const rulesOf = (rules: readonly WorkflowRule[], project: Project, type: TypeDef): WorkflowRule[] =>
  rules.filter((r) => same(r.project, project.name) && same(r.type, type.name));

/** The states an item of `type` may move to from `from`. */
export function allowedTargets(
  project: Project,
  type: TypeDef,
  from: string,
  rules: readonly WorkflowRule[],
): string[] {
  const restricted = rulesOf(rules, project, type).find(
    (r): r is Extract<WorkflowRule, { kind: 'restrict' }> => r.kind === 'restrict' && same(r.from, from),
  );
  if (restricted) return restricted.to;
  if (project.xmlProcess) return type.workflow[from] ?? [];
  return type.states.filter((s) => !same(s.name, from)).map((s) => s.name);
}

/** The transitions of `type` in `project` as the work item type's REST answer lists them. */
export function transitionsOf(
  project: Project,
  type: TypeDef,
  rules: readonly WorkflowRule[],
): Record<string, string[]> {
  const flow: Record<string, string[]> = { '': type.workflow[''] };
  for (const state of type.states) flow[state.name] = allowedTargets(project, type, state.name, rules);
  return flow;
}

const violation = (ref: string, codes: RuleViolation['codes']): RuleViolation => ({
  field: ref,
  fieldName: findField(ref)?.name ?? ref,
  codes,
});

/** Throws TF401320 when the draft breaks the workflow: a transition, a reason or a required field. */
export function checkWorkflow(d: Draft, project: Project, rules: readonly WorkflowRule[]): void {
  const state = String(d.fields['System.State'] ?? '');
  const before = d.id < 0 ? '' : String(d.original['System.State'] ?? '');
  const violations: RuleViolation[] = [];
  if (before !== '' && !same(state, before)) {
    if (!allowedTargets(project, d.type, before, rules).some((to) => same(to, state))) {
      violations.push(violation('System.State', ['LimitedToValues', 'InvalidListValue']));
    } else if (d.changed.has('System.Reason')) {
      const reasons = findState(d.type, state)?.reasons ?? [];
      if (!reasons.some((r) => same(r, String(d.fields['System.Reason'] ?? '')))) {
        violations.push(violation('System.Reason', ['LimitedToValues', 'InvalidListValue']));
      }
    }
  }
  for (const rule of rulesOf(rules, project, d.type)) {
    if (rule.kind !== 'require' || !same(rule.state, state)) continue;
    const value = d.fields[findField(rule.field)?.ref ?? rule.field];
    if (value === undefined || value === null || String(value).trim() === '') {
      violations.push(violation(findField(rule.field)?.ref ?? rule.field, ['Required', 'InvalidEmpty']));
    }
  }
  if (violations.length > 0) throw ruleError(violations);
}
