import { describe, expect, it } from 'vitest';
import { checkAuditFilters, summarise } from './auditMetadata';

describe('summarise', () => {
  it("reads an update's changes as each field before and after, nothing as empty", () => {
    const summary = summarise(JSON.stringify({ changes: { label: { from: 'Tank A', to: 'Tank B' }, capacityLitres: { from: null, to: 5000 } }, operation: 'move' }));
    expect(summary).toEqual({
      kind: 'changed',
      lines: [
        { field: 'label', before: 'Tank A', after: 'Tank B' },
        { field: 'capacityLitres', before: '', after: '5000' },
        { field: 'operation', after: 'move' },
      ],
    });
  });

  it("reads a create's and a delete's state, nested values as compact JSON", () => {
    expect(summarise(JSON.stringify({ created: { name: 'North', tags: ['a'] } }))).toEqual({
      kind: 'created',
      lines: [{ field: 'name', after: 'North' }, { field: 'tags', after: '["a"]' }],
    });
    expect(summarise(JSON.stringify({ deleted: { name: 'North' } }))).toEqual({ kind: 'deleted', lines: [{ field: 'name', before: 'North' }] });
  });

  it('reads a nested object as its set entries, leaving out the empty ones', () => {
    expect(summarise(JSON.stringify({ filter: { from: null, resourceType: 'node', limit: 25 }, cursor: null }))).toEqual({
      kind: 'details',
      lines: [{ field: 'filter', after: 'resourceType=node, limit=25' }, { field: 'cursor', after: '' }],
    });
  });

  it('keeps what it cannot read as it is', () => {
    expect(summarise('not json')).toEqual({ kind: 'details', lines: [{ field: 'metadata', after: 'not json' }] });
    expect(summarise(JSON.stringify({ reason: 'invalid_credentials' }))).toEqual({ kind: 'details', lines: [{ field: 'reason', after: 'invalid_credentials' }] });
  });
});

describe('checkAuditFilters', () => {
  it('names the field of each problem as the API does', () => {
    expect(checkAuditFilters({ userId: 'bob', from: '2026-12-02T10:00', to: '2026-12-01T10:00' })).toEqual({
      user_id: 'A user id looks like 0192f000-0000-7000-8000-000000000001.',
      to: 'To must be after From.',
    });
  });

  it('passes filters the API accepts', () => {
    expect(checkAuditFilters({ userId: '0192f000-0000-7000-8000-000000000001', from: '2026-12-01T10:00', to: '2026-12-02T10:00' })).toEqual({});
    expect(checkAuditFilters({ userId: '', from: '', to: '' })).toEqual({});
  });
});
