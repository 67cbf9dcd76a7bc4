import { describe, expect, it } from 'vitest';
import { checkChannel, mappingIndexes, SourceFields, type MappingRow } from './channelForm';

const rows = (mapped: Record<string, Partial<MappingRow>>): MappingRow[] =>
  SourceFields.map((field) => ({ field, canonicalField: '', scaleFactor: '', offset: '', ...mapped[field] }));

describe('checkChannel', () => {
  it('sends the mapped rows only, with their data types, defaults for empty scale and offset, and no read key when left empty', () => {
    const { problems, body } = checkChannel({
      channelId: ' 2900013 ', readKey: '', reportingIntervalSeconds: '', source: 'pushed',
      rows: rows({ field1: { canonicalField: 'water_level_cm', scaleFactor: '0.1' }, field4: { canonicalField: 'tds_ppm', offset: '-2' } }),
    }, { water_level_cm: 'float', tds_ppm: 'integer' });
    expect(problems).toEqual({});
    expect(body).toEqual({
      channelId: 2900013, readKey: null, writeKey: null, reportingIntervalSeconds: 60, source: 'pushed',
      mappings: [
        { field: 'field1', canonicalField: 'water_level_cm', dataType: 'float', scaleFactor: 0.1, offset: 0 },
        { field: 'field4', canonicalField: 'tds_ppm', dataType: 'integer', scaleFactor: 1, offset: -2 },
      ],
    });
  });

  it('names each problem as the API would: a mapping by its place among the mapped rows', () => {
    const { problems } = checkChannel({
      channelId: 'abc', readKey: '', reportingIntervalSeconds: '0', source: '',
      rows: rows({ field2: { canonicalField: 'ph', scaleFactor: 'x' }, field5: { canonicalField: 'ph' } }),
    }, {});
    expect(problems).toEqual({
      channelId: 'The channel id is a whole number above 0.',
      reportingIntervalSeconds: 'The reporting interval is 1 to 86,400 whole seconds.',
      'mappings[0].scaleFactor': 'The scale is a number.',
      'mappings[1].canonicalField': 'ph is fed by another field already.',
    });
    expect(checkChannel({ channelId: '1', readKey: '', reportingIntervalSeconds: '', source: '', rows: rows({}) }, {}).problems)
      .toEqual({ mappings: 'Map at least one field to a metric.' });
  });

  it('places the mapped rows', () => {
    expect(mappingIndexes(rows({ field3: { canonicalField: 'a' }, field7: { canonicalField: 'b' } }))).toEqual({ field3: 0, field7: 1 });
  });
});
