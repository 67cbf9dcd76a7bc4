import { describe, expect, it } from 'vitest';
import { checkRule, describeRule, inputOf, type RuleFormValues } from './ruleForm';

const values = (over: Partial<RuleFormValues> = {}): RuleFormValues => ({
  name: ' Tank low ', target: 'node', nodeId: 'n1', communityId: '', analyticsType: '', tagId: '', distributorId: '', metric: 'water_level_cm',
  operator: '<', threshold: '50', upperThreshold: '', clearThreshold: '60', durationMinutes: '10', severity: 'warning', cooldownMinutes: '', isEnabled: true, ...over,
});

describe('checkRule', () => {
  it('turns a valid node rule into what the API takes, the duration in seconds and the default cooldown', () => {
    expect(checkRule(values(), false)).toEqual({
      problems: {},
      input: {
        name: 'Tank low', nodeId: 'n1', selector: null, metric: 'water_level_cm', operator: '<', threshold: 50, upperThreshold: null, clearThreshold: 60,
        durationSeconds: 600, severity: 'warning', cooldownMinutes: 15, isEnabled: true, distributorId: null,
      },
    });
  });

  it('sends a selector, with its distributor when a superadmin writes it', () => {
    const { input } = checkRule(values({ target: 'selector', communityId: 'c1', analyticsType: 'EvaraTank', tagId: 't1', distributorId: 'd1' }), true);
    expect(input).toMatchObject({ nodeId: null, selector: { tagId: 't1', communityId: 'c1', analyticsType: 'EvaraTank' }, distributorId: 'd1' });
    expect(checkRule(values({ target: 'selector', tagId: 't1' }), false).input).toMatchObject({ selector: { tagId: 't1', communityId: null, analyticsType: null } });
    expect(checkRule(values({ target: 'selector' }), true).problems).toEqual({
      nodeId: 'Choose a tag, a community or a type (or several).', distributorId: 'Choose the distributor that owns it.',
    });
  });

  it('keeps a duration that is not whole minutes, as a stored 90 s reads back', () => {
    expect(checkRule(values({ durationMinutes: '1.5' }), false).input?.durationSeconds).toBe(90);
  });

  it('names every problem by the field the API names', () => {
    const { problems, input } = checkRule(values({ name: '', nodeId: '', metric: '', operator: '', threshold: 'x', durationMinutes: '2000', cooldownMinutes: '-1', severity: 'loud' }), false);
    expect(input).toBeNull();
    expect(Object.keys(problems).sort()).toEqual(['cooldownMinutes', 'durationSeconds', 'metric', 'name', 'nodeId', 'operator', 'severity', 'threshold']);
  });

  it('checks the condition as the API does: bands, clear thresholds on the safe side, none for equality', () => {
    expect(checkRule(values({ operator: 'outside', upperThreshold: '40', clearThreshold: '' }), false).problems).toEqual({
      upperThreshold: 'An outside-band rule needs an upper threshold above the lower one.',
    });
    expect(checkRule(values({ operator: 'outside', threshold: '10', upperThreshold: '90', clearThreshold: '45' }), false).problems.clearThreshold)
      .toBe('The clear margin of a band is not negative and less than half the band.');
    expect(checkRule(values({ clearThreshold: '40' }), false).problems.clearThreshold).toBe('The clear threshold of a lower limit lies at or above it.');
    expect(checkRule(values({ operator: '>', clearThreshold: '70' }), false).problems.clearThreshold).toBe('The clear threshold of an upper limit lies at or below it.');
    expect(checkRule(values({ operator: '=', clearThreshold: '50' }), false).problems.clearThreshold).toBe('Equality rules have no clear threshold.');
    expect(checkRule(values({ upperThreshold: '70' }), false).problems.upperThreshold).toBe('Only outside-band rules have an upper threshold.');
  });
});

describe('a stored rule', () => {
  const rule = {
    id: 'r1', distributorId: 'd1', name: 'Tank low', nodeId: null, selectorTagId: null, selectorCommunityId: 'c1', selectorAnalyticsType: 'EvaraTank',
    metric: 'water_level_cm', operator: '<', threshold: 50, upperThreshold: null, clearThreshold: 60, durationSeconds: 600, severity: 'warning',
    cooldownMinutes: 30, isEnabled: true, version: 2, createdAt: '', updatedAt: '',
  };

  it('goes back to the API as it was', () => {
    expect(inputOf(rule)).toEqual({
      name: 'Tank low', nodeId: null, selector: { tagId: null, communityId: 'c1', analyticsType: 'EvaraTank' }, metric: 'water_level_cm', operator: '<',
      threshold: 50, upperThreshold: null, clearThreshold: 60, durationSeconds: 600, severity: 'warning', cooldownMinutes: 30, isEnabled: true, distributorId: 'd1',
    });
  });

  it('reads as a sentence', () => {
    expect(describeRule(rule)).toBe('water_level_cm < 50 for 10 min, clears at 60');
    expect(describeRule({ ...rule, operator: 'outside', threshold: 10, upperThreshold: 90, clearThreshold: null, durationSeconds: 0 })).toBe('water_level_cm outside 10..90');
  });
});
