import { describe, expect, it } from 'vitest';
import { checkCalibration, describeParameters, type CalibrationFormValues } from './calibrationForm';

const values = (over: Partial<CalibrationFormValues> = {}): CalibrationFormValues => ({
  field: 'temperature_c', type: 'linear', slope: '1.02', intercept: '', coefficients: '', points: '', validFrom: '2026-12-01T10:00', validUntil: '', ...over,
});

describe('checkCalibration', () => {
  it('sends each type with its parameters, times in UTC', () => {
    expect(checkCalibration(values()).body).toEqual({
      field: 'temperature_c', type: 'linear', parameters: { slope: 1.02, intercept: 0 }, validFrom: new Date('2026-12-01T10:00').toISOString(), validUntil: null,
    });
    expect(checkCalibration(values({ type: 'polynomial', coefficients: '0.5, 1.01, 0.002' })).body?.parameters).toEqual({ coefficients: [0.5, 1.01, 0.002] });
    expect(checkCalibration(values({ type: 'lookup_table', points: '0:0, 512:100\n1023:210' })).body?.parameters).toEqual({ points: [[0, 0], [512, 100], [1023, 210]] });
  });

  it('names each problem as the API does', () => {
    expect(checkCalibration(values({ field: '', slope: '0', validFrom: '' })).problems).toEqual({
      field: 'Choose the field it calibrates.', 'parameters.slope': 'The slope is a number other than 0.', validFrom: 'Give when it starts to apply.',
    });
    expect(checkCalibration(values({ type: 'polynomial', coefficients: '1,2,3,4,5,6,7' })).problems).toHaveProperty(['parameters.coefficients']);
    expect(checkCalibration(values({ type: 'lookup_table', points: '5:1, 2:3' })).problems).toHaveProperty(['parameters.points']);
    expect(checkCalibration(values({ validUntil: '2026-11-30T10:00' })).problems).toEqual({ validUntil: 'The end is after the start.' });
  });

  it('reads stored parameters as a person would', () => {
    expect(describeParameters('linear', { slope: 2, intercept: 1 })).toBe('2 · x + 1');
    expect(describeParameters('polynomial', { coefficients: [0.5, 1, 0.2] })).toBe('0.5 + 1·x + 0.2·x^2');
    expect(describeParameters('lookup_table', { points: [[0, 0], [10, 5]] })).toBe('0→0, 10→5');
  });
});
