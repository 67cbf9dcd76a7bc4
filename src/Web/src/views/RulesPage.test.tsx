import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { RuleForm } from './RulesPage';

const mutation = () => ({ error: null as unknown, isPending: false, data: undefined as unknown, variables: undefined as unknown, mutate: vi.fn(), reset: vi.fn() });
const state = vi.hoisted(() => ({ save: null as unknown as ReturnType<typeof mutation>, backtest: null as unknown as ReturnType<typeof mutation> }));

vi.mock('../auth/AuthContext', () => ({ useAuth: () => ({ me: { role: 'distributor', distributorId: 'd1' }, can: () => true }) }));
vi.mock('../api/services', () => ({ alertRuleApi: { version: () => Promise.resolve(5) } }));
vi.mock('../hooks/queries', () => ({
  useRuleSave: () => state.save,
  useRuleBacktest: () => state.backtest,
  useNodeChoices: () => ({ data: [{ id: 'n1', label: 'Tank One', analyticsType: 'EvaraTank' }, { id: 'n2', label: 'Meter Two', analyticsType: 'EvaraFlow' }] }),
  useCommunities: () => ({ data: [{ id: 'c1', name: 'Green Valley' }] }),
  useDistributorChoices: () => ({ data: [] }),
  useTags: () => ({ data: [{ id: 't1', name: 'zone', value: 'north', nodes: 2 }] }),
  useDeviceTypes: () => ({
    data: [
      { analyticsType: 'EvaraTank', categories: [], fields: [{ name: 'water_level_cm', dataType: 'float', unit: 'cm' }] },
      { analyticsType: 'EvaraFlow', categories: [], fields: [{ name: 'flow_rate_lpm', dataType: 'float', unit: 'L/min' }] },
    ],
  }),
  useNodeLabels: () => new Map([['n1', 'Tank One']]),
  useSeries: () => ({ isPending: false, isError: false, data: { points: [{ timestamp: '2026-12-01T00:00:00Z', values: { water_level_cm: 120 } }, { timestamp: '2026-12-02T00:00:00Z', values: { water_level_cm: 20 } }] } }),
}));

const rule = {
  id: 'r1', distributorId: 'd1', name: 'Tank low', nodeId: 'n1', selectorTagId: null, selectorCommunityId: null, selectorAnalyticsType: null,
  metric: 'water_level_cm', operator: '<', threshold: 50, upperThreshold: null, clearThreshold: null, durationSeconds: 0, severity: 'critical',
  cooldownMinutes: 15, isEnabled: true, version: 4, createdAt: '', updatedAt: '',
};

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('RuleForm', () => {
  beforeEach(() => {
    state.save = mutation();
    state.backtest = mutation();
  });

  it('puts each problem on its field and neither saves nor backtests', () => {
    render(<RuleForm rule={null} onDone={() => undefined} />);
    fill('Clear threshold', '40');
    fireEvent.click(screen.getByRole('button', { name: 'Backtest' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    for (const [label, message] of [
      ['Name', 'Give the rule a name.'],
      ['Node', 'Choose the node it watches.'],
      ['Metric', 'Choose the metric it watches.'],
      ['Operator', 'Choose how it compares.'],
      ['Threshold', 'The threshold is a number.'],
    ] as const) {
      expect(screen.getByLabelText(label).getAttribute('aria-invalid'), label).toBe('true');
      expect(screen.getByText(message).id).toBe(screen.getByLabelText(label).getAttribute('aria-describedby'));
    }
    expect(state.save.mutate).not.toHaveBeenCalled();
    expect(state.backtest.mutate).not.toHaveBeenCalled();
  });

  it("offers the chosen node's metrics and backtests the rule as the form holds it over the days chosen", () => {
    render(<RuleForm rule={null} onDone={() => undefined} />);
    fill('Name', 'Meter high');
    fill('Node', 'n2');
    expect([...(screen.getByLabelText('Metric') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'flow_rate_lpm']);
    fill('Metric', 'flow_rate_lpm');
    fill('Operator', '>');
    fill('Threshold', '80');
    fireEvent.change(screen.getByLabelText('Over the last'), { target: { value: '30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Backtest' }));
    expect(state.backtest.mutate).toHaveBeenCalledWith({ input: expect.objectContaining({ nodeId: 'n2', metric: 'flow_rate_lpm', operator: '>', threshold: 80 }), days: 30 });
    expect(state.save.mutate).not.toHaveBeenCalled();
  });

  it('shows what the backtest found, on the chart too', () => {
    state.backtest.data = {
      from: '2026-11-30T00:00:00Z', to: '2026-12-07T00:00:00Z', nodes: 1, readings: 10080, raised: 1, truncated: false,
      alerts: [{ nodeId: 'n1', breachSince: '2026-12-01T23:50:00Z', raisedAt: '2026-12-02T00:00:00Z', value: 20, resolvedAt: null, resolvedValue: null, message: 'Tank low: water_level_cm 20 < 50' }],
    };
    state.backtest.variables = { input: { metric: 'water_level_cm', nodeId: 'n1' }, days: 7 };
    const { container } = render(<RuleForm rule={rule} onDone={() => undefined} />);
    expect(screen.getByTestId('backtest-result').textContent).toContain('This rule would have raised 1 alert in the last 7 days (10,080 readings of 1 node)');
    expect(screen.getByRole('table', { name: 'Backtested alerts' }).textContent).toContain('still open');
    expect(container.querySelectorAll('rect.mark')).toHaveLength(1);
  });

  it('selects every node with a tag', () => {
    render(<RuleForm rule={null} onDone={() => undefined} />);
    fireEvent.click(screen.getByLabelText('Every node with a tag, of a community or of a type'));
    fill('Name', 'North low');
    fill('Tag', 't1');
    fill('Metric', 'water_level_cm');
    fill('Operator', '<');
    fill('Threshold', '30');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith(
      { id: null, version: 0, input: expect.objectContaining({ nodeId: null, selector: { tagId: 't1', communityId: null, analyticsType: null } }) }, expect.anything());
  });

  it("stands the API's refusal of the backtest on its field", () => {
    state.backtest.error = new ApiError(422, [{ code: 'VALIDATION_ERROR', message: "EvaraTank nodes report no metric 'x'.", field: 'metric' }], 'r1');
    render(<RuleForm rule={rule} onDone={() => undefined} />);
    expect(screen.getByLabelText('Metric').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText("EvaraTank nodes report no metric 'x'.")).toBeTruthy();
  });

  it('explains a conflict, keeps the input, and saves over their version after a reload', async () => {
    state.save.error = new ApiError(409, [{ code: 'CONCURRENCY_CONFLICT', message: 'changed', field: null }], 'r2');
    const view = render(<RuleForm rule={rule} onDone={() => undefined} />);
    fill('Threshold', '45');
    expect(screen.getByRole('alert').textContent).toContain('Someone changed this rule after you opened it.');
    fireEvent.click(screen.getByRole('button', { name: 'Load their version and keep my input' }));
    await waitFor(() => expect(state.save.reset).toHaveBeenCalled());
    state.save.error = null;
    view.rerender(<RuleForm rule={rule} onDone={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith({ id: 'r1', version: 5, input: expect.objectContaining({ threshold: 45, nodeId: 'n1' }) }, expect.anything());
  });
});
