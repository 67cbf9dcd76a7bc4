import type { Schemas } from '../api/client';

export const SourceFields = ['field1', 'field2', 'field3', 'field4', 'field5', 'field6', 'field7', 'field8'] as const;
export const ChannelSources = ['both', 'polled', 'pushed'] as const;

/** One row of the mapping table as typed: the metric a ThingSpeak field feeds (empty: unmapped), its scale and offset. */
export interface MappingRow {
  field: string;
  canonicalField: string;
  scaleFactor: string;
  offset: string;
}

export interface ChannelFormValues {
  channelId: string;
  readKey: string;
  reportingIntervalSeconds: string;
  source: string;
  rows: MappingRow[];
}

/** Where each mapped row stands among the mappings sent (`mappings[1]` is the second mapped row), by its ThingSpeak field. */
export function mappingIndexes(rows: Pick<MappingRow, 'field' | 'canonicalField'>[]): Record<string, number> {
  return Object.fromEntries(rows.filter((r) => r.canonicalField).map((r, i) => [r.field, i]));
}

const number = (text: string, fallback: number) => (text.trim() === '' ? fallback : Number(text.trim()));

/**
 * The form's problems by the field the API names (a mapping's as `mappings[0].scaleFactor`), and the channel to send
 * (and preview) when there are none: a channel id, a reporting interval in whole seconds, at least one mapped field,
 * no metric fed twice, finite scales and offsets. An empty read key is left out, so the stored one is kept.
 */
export function checkChannel(values: ChannelFormValues, dataTypes: Record<string, string>): { problems: Record<string, string>; body: Schemas['ChannelBody'] | null } {
  const problems: Record<string, string> = {};
  const channelId = Number(values.channelId.trim());
  if (!Number.isInteger(channelId) || channelId <= 0) problems.channelId = 'The channel id is a whole number above 0.';
  const interval = number(values.reportingIntervalSeconds, 60);
  if (!Number.isInteger(interval) || interval < 1 || interval > 86_400) problems.reportingIntervalSeconds = 'The reporting interval is 1 to 86,400 whole seconds.';
  const mapped = values.rows.filter((r) => r.canonicalField);
  if (mapped.length === 0) problems.mappings = 'Map at least one field to a metric.';
  const seen = new Set<string>();
  mapped.forEach((row, i) => {
    if (seen.has(row.canonicalField)) problems[`mappings[${i}].canonicalField`] = `${row.canonicalField} is fed by another field already.`;
    seen.add(row.canonicalField);
    if (!Number.isFinite(number(row.scaleFactor, 1))) problems[`mappings[${i}].scaleFactor`] = 'The scale is a number.';
    if (!Number.isFinite(number(row.offset, 0))) problems[`mappings[${i}].offset`] = 'The offset is a number.';
  });
  if (Object.keys(problems).length > 0) return { problems, body: null };
  return {
    problems,
    body: {
      channelId,
      readKey: values.readKey.trim() || null,
      writeKey: null,
      reportingIntervalSeconds: interval,
      source: values.source || null,
      mappings: mapped.map((row) => ({
        field: row.field, canonicalField: row.canonicalField, dataType: dataTypes[row.canonicalField] ?? null,
        scaleFactor: number(row.scaleFactor, 1), offset: number(row.offset, 0),
      })),
    },
  };
}
