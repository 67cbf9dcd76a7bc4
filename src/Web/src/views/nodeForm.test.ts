import { describe, expect, it } from 'vitest';
import type { NodeDetails } from '../api/services';
import { checkNode, nodeChanges, type NodeFormValues } from './nodeForm';

const values = (over: Partial<NodeFormValues> = {}): NodeFormValues => ({
  nodeKey: 'WTR-OHT-900', label: 'Tank 900', category: 'OHT', owner: 'Community:c1', lat: '12.97', lng: '77.59',
  locationName: ' Block A ', capacityLitres: '5000', config: { maxDepthCm: '200', sensorOffsetCm: '', lowLevelPercent: '25', highLevelPercent: '' }, ...over,
});

describe('checkNode', () => {
  it('converts a valid create into what the API takes, only the category’s settings in its config', () => {
    const { problems, input } = checkNode(values({ config: { maxDepthCm: '200', lowLevelPercent: '25', pipeDiameterMm: '50' } }), true);
    expect(problems).toEqual({});
    expect(input).toEqual({
      nodeKey: 'WTR-OHT-900', label: 'Tank 900', category: 'OHT', owner: { tenantType: 'Community', id: 'c1' }, lat: 12.97, lng: 77.59,
      locationName: 'Block A', capacityLitres: 5000, config: { maxDepthCm: 200, lowLevelPercent: 25 },
    });
  });

  it('names every problem by the field the API would name', () => {
    const { problems, input } = checkNode(values({ nodeKey: ' ', label: '', owner: '', lat: '95', lng: '', capacityLitres: '-1', config: { maxDepthCm: '' } }), true);
    expect(input).toBeNull();
    expect(Object.keys(problems).sort()).toEqual(['capacityLitres', 'config.maxDepthCm', 'label', 'lat', 'lng', 'nodeKey', 'tenantType']);
    expect(problems['config.maxDepthCm']).toBe('Tank depth (cm) is required.');
  });

  it('asks for both coordinates or neither, and the settings of the type the category is read as', () => {
    expect(checkNode(values({ lat: '', lng: '77.5' }), true).problems).toEqual({ lat: 'Give both coordinates, or neither.' });
    const flow = checkNode(values({ category: 'FlowMeter', config: { pipeDiameterMm: '0', pulsesPerLitre: 'x' } }), true).problems;
    expect(flow).toEqual({ 'config.pipeDiameterMm': 'Pipe diameter (mm) is above 0.', 'config.pulsesPerLitre': 'Pulses per litre is a number.' });
  });

  it('on edit needs neither key nor owner', () => {
    expect(checkNode(values({ nodeKey: '', owner: '' }), false).problems).toEqual({});
  });
});

const details = (over: Partial<NodeDetails['node']>, config: Record<string, unknown> = { maxDepthCm: 200 }, tags: NodeDetails['tags'] = []) =>
  ({ node: { id: 'n1', label: 'Tank A', category: 'OHT', lat: 1, lng: 2, locationName: null, capacityLitres: 1000, tenantType: 'community', communityId: 'c1', version: 3, ...over }, config, tags }) as unknown as NodeDetails;

describe('nodeChanges', () => {
  it('lists what someone else changed, field by field', () => {
    const read = details({});
    const theirs = details({ label: 'Tank B', locationName: 'Roof', version: 4 }, { maxDepthCm: 250 }, [{ name: 'zone', value: 'north' }]);
    expect(nodeChanges(read, theirs)).toEqual([
      'Label: Tank A → Tank B', 'Location: (none) → Roof', 'Tank depth (cm): 200 → 250', 'Tags: (none) → zone:north',
    ]);
  });

  it('says a move, and nothing when only the version moved', () => {
    expect(nodeChanges(details({}), details({ version: 9 }))).toEqual([]);
    expect(nodeChanges(details({}), details({ tenantType: 'customer', communityId: null, customerId: 'k1' } as never))).toEqual(['Owner: moved to another tenant']);
  });
});
