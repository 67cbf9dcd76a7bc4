import { describe, expect, it } from 'vitest';
import { filtersFrom } from './NodesList';

describe('filtersFrom', () => {
  it('reads every filter of a shared link', () => {
    const filters = filtersFrom(new URLSearchParams('status=Online&status=Alert&category=OHT&tag=zone:north&search=tank&sort=-last_seen&cursor=abc'));
    expect(filters).toEqual({ status: ['Online', 'Alert'], category: ['OHT'], communityId: undefined, tag: 'zone:north', search: 'tank', sort: '-last_seen', cursor: 'abc' });
  });

  it('sorts by name when the link says nothing', () => {
    expect(filtersFrom(new URLSearchParams('')).sort).toBe('label');
  });
});
