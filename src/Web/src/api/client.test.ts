import { describe, expect, it, vi } from 'vitest';
import { MaxChoices, unwrapAll } from './client';

/** A list of `total` items as the API pages it, 100 a page. */
const pages = (total: number) =>
  vi.fn(async (page: number) => {
    const from = (page - 1) * 100;
    const data = Array.from({ length: Math.max(0, Math.min(100, total - from)) }, (_, i) => ({ id: `n${from + i + 1}` }));
    const pagination = { limit: 100, page, total, totalPages: Math.ceil(total / 100) };
    return { data: { data, meta: { pagination } }, response: new Response(null, { status: 200 }) } as never;
  });

describe('unwrapAll', () => {
  it('reads every page of a list longer than one page', async () => {
    const read = pages(250);

    const items = await unwrapAll<{ id: string }>(read);

    expect(items).toHaveLength(250);
    expect(items.at(-1)).toEqual({ id: 'n250' });
    expect(read.mock.calls.map(([page]) => page)).toEqual([1, 2, 3]);
  });

  it('reads one page of an empty list', async () => {
    const read = pages(0);

    expect(await unwrapAll(read)).toEqual([]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('stops at the most a choice list loads', async () => {
    const read = pages(MaxChoices + 1000);

    expect(await unwrapAll(read)).toHaveLength(MaxChoices);
    expect(read).toHaveBeenCalledTimes(MaxChoices / 100);
  });
});
