import type { Schemas } from '../api/client';

export const CalibrationTypes = [['linear', 'Linear (slope · x + intercept)'], ['polynomial', 'Polynomial (c0 + c1·x + …)'], ['lookup_table', 'Lookup table (raw:value pairs)']] as const;

export interface CalibrationFormValues {
  field: string;
  type: string;
  slope: string;
  intercept: string;
  coefficients: string;
  points: string;
  validFrom: string;
  validUntil: string;
}

const numbers = (text: string) => text.split(/[,\s]+/).filter(Boolean).map(Number);

/**
 * The form's problems by the field the API names (`parameters.slope`), and the calibration to send: a numeric field, a
 * type and its parameters (a slope other than 0; one to six coefficients, lowest power first; at least two raw:value
 * points, raw increasing), a start, and an end after it when given. Times are the browser's local ones, sent as UTC.
 */
export function checkCalibration(values: CalibrationFormValues): { problems: Record<string, string>; body: Schemas['CalibrationBody'] | null } {
  const problems: Record<string, string> = {};
  if (!values.field) problems.field = 'Choose the field it calibrates.';
  let parameters: Record<string, unknown> | null = null;
  if (values.type === 'linear') {
    const slope = Number(values.slope.trim() || 'x');
    const intercept = values.intercept.trim() === '' ? 0 : Number(values.intercept);
    if (!Number.isFinite(slope) || slope === 0) problems['parameters.slope'] = 'The slope is a number other than 0.';
    if (!Number.isFinite(intercept)) problems['parameters.intercept'] = 'The intercept is a number.';
    parameters = { slope, intercept };
  } else if (values.type === 'polynomial') {
    const coefficients = numbers(values.coefficients);
    if (coefficients.length < 1 || coefficients.length > 6 || !coefficients.every(Number.isFinite)) {
      problems['parameters.coefficients'] = 'One to six numbers, lowest power first: 0.5, 1.02.';
    }
    parameters = { coefficients };
  } else if (values.type === 'lookup_table') {
    const points = values.points.split(/[,\n]+/).map((p) => p.trim()).filter(Boolean).map((p) => p.split(':').map((x) => Number(x.trim())));
    const valid = points.length >= 2 && points.every((p) => p.length === 2 && p.every(Number.isFinite)) && points.every((p, i) => i === 0 || p[0]! > points[i - 1]![0]!);
    if (!valid) problems['parameters.points'] = 'At least two raw:value pairs, raw increasing: 0:0, 512:100, 1023:210.';
    parameters = { points };
  } else {
    problems.type = 'Choose a type.';
  }

  const from = Date.parse(values.validFrom);
  const until = values.validUntil ? Date.parse(values.validUntil) : null;
  if (!Number.isFinite(from)) problems.validFrom = 'Give when it starts to apply.';
  if (until !== null && (!Number.isFinite(until) || (Number.isFinite(from) && until <= from))) problems.validUntil = 'The end is after the start.';
  if (Object.keys(problems).length > 0) return { problems, body: null };
  return {
    problems,
    body: {
      field: values.field,
      type: values.type,
      parameters: parameters as Schemas['CalibrationBody']['parameters'],
      validFrom: new Date(from).toISOString(),
      validUntil: until === null ? null : new Date(until).toISOString(),
    },
  };
}

/** A stored calibration's parameters as a person reads them. */
export function describeParameters(type: string, parameters: unknown): string {
  const p = (parameters ?? {}) as { slope?: number; intercept?: number; coefficients?: number[]; points?: number[][] };
  if (type === 'linear') return `${p.slope} · x + ${p.intercept ?? 0}`;
  if (type === 'polynomial') return (p.coefficients ?? []).map((c, i) => (i === 0 ? `${c}` : `${c}·x${i > 1 ? `^${i}` : ''}`)).join(' + ');
  return (p.points ?? []).map(([raw, value]) => `${raw}→${value}`).join(', ');
}
