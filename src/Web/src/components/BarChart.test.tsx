import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BarChart } from './BarChart';

describe('BarChart', () => {
  it('draws each count against the largest and writes the number beside it', () => {
    const { container } = render(<BarChart title="By severity" bars={[{ label: 'critical', value: 4 }, { label: 'warning', value: 1 }, { label: 'info', value: 0 }]} />);
    const widths = [...container.querySelectorAll<HTMLElement>('.bar-fill')].map((bar) => bar.style.width);
    expect(widths).toEqual(['100%', '25%', '0%']);
    expect(screen.getByRole('list', { name: 'By severity' }).textContent).toBe('critical4warning1info0');
  });

  it('says there is nothing rather than drawing empty bars', () => {
    render(<BarChart title="By status" bars={[{ label: 'triggered', value: 0 }]} />);
    expect(screen.getByText('None in this period.')).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();
  });
});
