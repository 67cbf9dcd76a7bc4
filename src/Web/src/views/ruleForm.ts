import type { AlertRule, AlertRuleInput } from '../api/services';

export const Operators = ['<', '<=', '>', '>=', '=', '!=', 'outside'] as const;
export const Severities = ['info', 'warning', 'critical'] as const;
export const AnalyticsTypes = ['EvaraTank', 'EvaraFlow', 'EvaraDeep'] as const;

/** The rule form's fields as typed (strings, from FormData), before they are checked. */
export interface RuleFormValues {
  name: string;
  target: 'node' | 'selector';
  nodeId: string;
  communityId: string;
  analyticsType: string;
  tagId: string;
  distributorId: string;
  metric: string;
  operator: string;
  threshold: string;
  upperThreshold: string;
  clearThreshold: string;
  durationMinutes: string;
  severity: string;
  cooldownMinutes: string;
  isEnabled: boolean;
}

const number = (text: string) => (text.trim() === '' ? null : Number(text.trim()));

/**
 * The form's problems by the field the API names, and the rule to send when there are none. Checked as the API checks
 * a rule: a name, one node or a selector, a metric, an operator, finite thresholds (a band's upper bound above its
 * lower, a clear threshold on the safe side), a duration up to a day and a cooldown up to a week.
 */
export function checkRule(values: RuleFormValues, superadmin: boolean): { problems: Record<string, string>; input: AlertRuleInput | null } {
  const problems: Record<string, string> = {};
  if (!values.name.trim()) problems.name = 'Give the rule a name.';
  else if (values.name.trim().length > 200) problems.name = 'A name has at most 200 characters.';
  if (values.target === 'node' && !values.nodeId) problems.nodeId = 'Choose the node it watches.';
  if (values.target === 'selector' && !values.communityId && !values.analyticsType && !values.tagId) problems.nodeId = 'Choose a tag, a community or a type (or several).';
  if (values.target === 'selector' && superadmin && !values.distributorId) problems.distributorId = 'Choose the distributor that owns it.';
  if (!values.metric) problems.metric = 'Choose the metric it watches.';
  if (!(Operators as readonly string[]).includes(values.operator)) problems.operator = 'Choose how it compares.';

  const threshold = number(values.threshold);
  const upper = number(values.upperThreshold);
  const clear = number(values.clearThreshold);
  if (threshold === null || !Number.isFinite(threshold)) problems.threshold = 'The threshold is a number.';
  if (upper !== null && !Number.isFinite(upper)) problems.upperThreshold = 'The upper threshold is a number.';
  if (clear !== null && !Number.isFinite(clear)) problems.clearThreshold = 'The clear threshold is a number.';
  if (!problems.threshold && !problems.upperThreshold && !problems.clearThreshold && threshold !== null) {
    const band = values.operator === 'outside';
    if (band && (upper === null || upper <= threshold)) problems.upperThreshold = 'An outside-band rule needs an upper threshold above the lower one.';
    else if (!band && upper !== null) problems.upperThreshold = 'Only outside-band rules have an upper threshold.';
    else if (clear !== null) {
      if (band && (clear < 0 || 2 * clear >= upper! - threshold)) problems.clearThreshold = 'The clear margin of a band is not negative and less than half the band.';
      if ((values.operator === '>' || values.operator === '>=') && clear > threshold) problems.clearThreshold = 'The clear threshold of an upper limit lies at or below it.';
      if ((values.operator === '<' || values.operator === '<=') && clear < threshold) problems.clearThreshold = 'The clear threshold of a lower limit lies at or above it.';
      if (values.operator === '=' || values.operator === '!=') problems.clearThreshold = 'Equality rules have no clear threshold.';
    }
  }

  const duration = number(values.durationMinutes) ?? 0;
  if (!Number.isFinite(duration) || duration < 0 || duration > 1440) problems.durationSeconds = 'The duration is 0 to 1,440 minutes.';
  const cooldown = number(values.cooldownMinutes) ?? 15;
  if (!Number.isInteger(cooldown) || cooldown < 0 || cooldown > 10_080) problems.cooldownMinutes = 'The cooldown is 0 to 10,080 whole minutes.';
  if (!(Severities as readonly string[]).includes(values.severity)) problems.severity = 'Choose a severity.';

  if (Object.keys(problems).length > 0) return { problems, input: null };
  const selector = values.target === 'selector';
  return {
    problems,
    input: {
      name: values.name.trim(),
      nodeId: selector ? null : values.nodeId,
      selector: selector ? { tagId: values.tagId || null, communityId: values.communityId || null, analyticsType: values.analyticsType || null } : null,
      metric: values.metric,
      operator: values.operator,
      threshold,
      upperThreshold: upper,
      clearThreshold: clear,
      durationSeconds: Math.round(duration * 60),
      severity: values.severity,
      cooldownMinutes: cooldown,
      isEnabled: values.isEnabled,
      distributorId: selector && superadmin ? values.distributorId : null,
    },
  };
}

/** A stored rule as the API takes it back (to switch it on or off, or replace it unchanged). */
export function inputOf(rule: AlertRule): AlertRuleInput {
  const selector = rule.nodeId ? null : { tagId: rule.selectorTagId, communityId: rule.selectorCommunityId, analyticsType: rule.selectorAnalyticsType };
  return {
    name: rule.name, nodeId: rule.nodeId, selector, metric: rule.metric, operator: rule.operator, threshold: rule.threshold,
    upperThreshold: rule.upperThreshold, clearThreshold: rule.clearThreshold, durationSeconds: rule.durationSeconds, severity: rule.severity,
    cooldownMinutes: rule.cooldownMinutes, isEnabled: rule.isEnabled, distributorId: rule.nodeId ? null : rule.distributorId,
  };
}

/** The rule's condition as a person reads it: `water_level_cm < 50 for 10 min, clears at 60`. */
export function describeRule(rule: Pick<AlertRule, 'metric' | 'operator' | 'threshold' | 'upperThreshold' | 'clearThreshold' | 'durationSeconds'>): string {
  const condition = rule.operator === 'outside' ? `${rule.metric} outside ${rule.threshold}..${rule.upperThreshold}` : `${rule.metric} ${rule.operator} ${rule.threshold}`;
  const held = rule.durationSeconds > 0 ? ` for ${Math.round(rule.durationSeconds / 60)} min` : '';
  const clears = rule.clearThreshold !== null ? `, clears at ${rule.clearThreshold}` : '';
  return `${condition}${held}${clears}`;
}
