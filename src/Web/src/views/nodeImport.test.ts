import { describe, expect, it } from 'vitest';
import { importOutcome, parseCsv, planImport } from './nodeImport';

describe('parseCsv', () => {
  it('reads quoted commas, doubled quotes, line breaks in quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', 'z'], ['']]);
  });
});

const header = 'nodeKey,label,category,tenantType,communityId,lat,lng,maxDepthCm';

describe('planImport', () => {
  it('turns rows into create operations and keeps each one’s line', () => {
    const plan = planImport(`\uFEFF${header}\nK1,Tank 1,oht,community,c1,12.9,77.6,200\n\nK2,Meter 2,FlowMeter,Community,c1,,,\n`);
    expect(plan.fileProblem).toBeNull();
    expect(plan.rows).toEqual([2, 4]);
    expect(plan.operations[0]).toEqual({
      op: 'create', id: null, version: null,
      node: {
        nodeKey: 'K1', label: 'Tank 1', category: 'OHT', analyticsType: null, tenantType: 'Community', distributorId: null, communityId: 'c1',
        customerId: null, lat: 12.9, lng: 77.6, locationName: null, capacityLitres: null, config: { maxDepthCm: 200 },
      },
    });
  });

  it('keeps rows JSON cannot carry out of the batch, naming the line and field', () => {
    const plan = planImport(`${header}\nK1,Tank 1,Tower,community,c1,,,\nK2,Tank 2,OHT,community,c1,north,,\nK3,Tank 3,OHT,estate,c1,,,`);
    expect(plan.operations).toHaveLength(0);
    expect(plan.rowProblems).toEqual([
      { row: 2, field: 'category', message: 'category is one of OHT, Sump, Borewell, FlowMeter.' },
      { row: 3, field: 'lat', message: 'lat is a number.' },
      { row: 4, field: 'tenantType', message: 'tenantType is distributor, community or customer.' },
    ]);
  });

  it('refuses a file with an unknown or missing column, no rows, or more than 500', () => {
    expect(planImport('nodeKey,label,category,tenantType,colour\nK,L,OHT,community,red').fileProblem).toContain('Unknown column "colour"');
    expect(planImport('nodeKey,label\nK,L').fileProblem).toBe('The file needs the columns category, tenantType.');
    expect(planImport(`${header}\n`).fileProblem).toBe('The file has no rows under its header.');
    const many = Array.from({ length: 501 }, (_, i) => `K${i},T,OHT,community,c1,,,200`).join('\n');
    expect(planImport(`${header}\n${many}`).fileProblem).toBe('At most 500 rows per file; this one has 501.');
  });
});

describe('importOutcome', () => {
  const plan = { operations: [], rows: [2, 3, 5], fileProblem: null, rowProblems: [{ row: 4, field: 'lat', message: 'lat is a number.' }] };
  const result = {
    atomic: false, succeeded: 2, failed: 1,
    results: [
      { index: 0, op: 'create', id: 'a', status: 201, eTag: null, errors: null },
      { index: 1, op: 'create', id: null, status: 400, eTag: null, errors: [{ code: 'VALIDATION_ERROR', message: "'Label' must not be empty.", field: 'node.label' }] },
      { index: 2, op: 'create', id: 'b', status: 201, eTag: null, errors: null },
    ],
  };

  it('counts what was created and tells every refusal by line and column', () => {
    expect(importOutcome(plan, result, false)).toEqual({
      created: 2, rolledBack: false,
      problems: [{ row: 3, field: 'label', message: "'Label' must not be empty." }, { row: 4, field: 'lat', message: 'lat is a number.' }],
    });
  });

  it('all or nothing: one bad row and nothing is created', () => {
    expect(importOutcome(plan, { ...result, atomic: true, succeeded: 0 }, true)).toMatchObject({ created: 0, rolledBack: true });
    expect(importOutcome(plan, null, true)).toMatchObject({ created: 0, rolledBack: true, problems: [{ row: 4 }] });
  });
});
