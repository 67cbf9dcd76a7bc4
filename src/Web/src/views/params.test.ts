import { describe, expect, it } from 'vitest';
import { toggle } from './params';

describe('toggle', () => {
  it('adds a value to a repeated parameter and takes it out again, keeping the others', () => {
    const params = new URLSearchParams('severity=critical&view=timeline');
    toggle(params, 'severity', 'warning');
    expect(params.getAll('severity')).toEqual(['critical', 'warning']);
    toggle(params, 'severity', 'critical');
    expect(params.toString()).toBe('view=timeline&severity=warning');
  });
});
