import type { BatchOperation, BatchResult, DeviceConfigInput } from '../api/services';
import { Categories, ConfigFields } from './nodeForm';

/** The batch route takes at most this many operations. */
export const MaxImportRows = 500;

const Text = ['nodeKey', 'label', 'category', 'tenantType', 'distributorId', 'communityId', 'customerId', 'locationName'] as const;
const Numbers = ['lat', 'lng', 'capacityLitres'] as const;
const Settings = [...new Set(Object.values(ConfigFields).flat().map((f) => f.name))];

/** The columns an import file may have, as the API names the fields; the first four are required. */
export const ImportColumns: readonly string[] = [...Text, ...Numbers, ...Settings];
const Required = ['nodeKey', 'label', 'category', 'tenantType'];

/** One row's problem, named by its line in the file (the header is line 1) and the field. */
export interface RowProblem {
  row: number;
  field: string | null;
  message: string;
}

/** A parsed file: the create operations to send and the line each came from, or what is wrong with the file or its rows. */
export interface ImportPlan {
  operations: BatchOperation[];
  rows: number[];
  fileProblem: string | null;
  rowProblems: RowProblem[];
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF lines; blank lines skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }

  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }

  return rows.map((r) => r.map((f) => f.trim()));
}

/**
 * Reads an import file into node create operations. Columns are matched by name (any case, any order). What the API's
 * JSON could not carry (a category or tenant type that is none, a number that is not one) is a row problem here and the
 * row is not sent; everything else the platform checks item by item.
 */
export function planImport(text: string): ImportPlan {
  const plan: ImportPlan = { operations: [], rows: [], fileProblem: null, rowProblems: [] };
  const lines = parseCsv(text.replace(/^\uFEFF/, ''));
  const [header, ...body] = lines;
  if (!header || body.every((r) => r.every((f) => f === ''))) return { ...plan, fileProblem: 'The file has no rows under its header.' };

  const columns = header.map((name) => ImportColumns.find((c) => c.toLowerCase() === name.toLowerCase()) ?? null);
  const unknown = header.filter((_, i) => columns[i] === null);
  if (unknown.length > 0) return { ...plan, fileProblem: `Unknown column ${unknown.map((u) => `"${u}"`).join(', ')}; the columns are ${ImportColumns.join(', ')}.` };
  const missing = Required.filter((r) => !columns.includes(r));
  if (missing.length > 0) return { ...plan, fileProblem: `The file needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` };

  const data = body.map((cells, i) => ({ cells, row: i + 2 })).filter(({ cells }) => cells.some((f) => f !== ''));
  if (data.length > MaxImportRows) return { ...plan, fileProblem: `At most ${MaxImportRows} rows per file; this one has ${data.length}.` };

  for (const { cells, row } of data) {
    const value = (name: string) => {
      const at = columns.indexOf(name);
      return at < 0 ? '' : (cells[at] ?? '');
    };
    const problems: RowProblem[] = [];
    const category = Categories.find((c) => c.toLowerCase() === value('category').toLowerCase());
    if (!category) problems.push({ row, field: 'category', message: `category is one of ${Categories.join(', ')}.` });
    const type = ['Distributor', 'Community', 'Customer'].find((t) => t.toLowerCase() === value('tenantType').toLowerCase()) as
      | 'Distributor' | 'Community' | 'Customer' | undefined;
    if (!type) problems.push({ row, field: 'tenantType', message: 'tenantType is distributor, community or customer.' });
    const numbers: Record<string, number | null> = {};
    for (const name of [...Numbers, ...Settings]) {
      const text = value(name);
      const parsed = text === '' ? null : Number(text);
      if (parsed !== null && !Number.isFinite(parsed)) problems.push({ row, field: name, message: `${name} is a number.` });
      numbers[name] = parsed;
    }

    if (problems.length > 0) {
      plan.rowProblems.push(...problems);
      continue;
    }

    const id = (name: string) => value(name) || null;
    const config: DeviceConfigInput = Object.fromEntries(Settings.filter((s) => numbers[s] !== null).map((s) => [s, numbers[s]]));
    plan.operations.push({
      op: 'create',
      id: null,
      version: null,
      node: {
        nodeKey: value('nodeKey'), label: value('label'), category: category!, analyticsType: null, tenantType: type!,
        distributorId: id('distributorId'), communityId: id('communityId'), customerId: id('customerId'),
        lat: numbers.lat ?? null, lng: numbers.lng ?? null, locationName: value('locationName') || null,
        capacityLitres: numbers.capacityLitres ?? null, config,
      },
    });
    plan.rows.push(row);
  }

  return plan;
}

/** What an import did: nodes created (none when an all-or-nothing import met a bad row), and every row that was not. */
export interface ImportOutcome {
  created: number;
  rolledBack: boolean;
  problems: RowProblem[];
}

/**
 * The batch's per-item results told by the file's lines, beside the rows never sent; the API's field (`node.label`)
 * read as the file's column. `result` is null when nothing was sent.
 */
export function importOutcome(plan: ImportPlan, result: BatchResult | null, atomic: boolean): ImportOutcome {
  const refused: RowProblem[] = (result?.results ?? []).flatMap((item) =>
    (item.errors ?? []).map((e) => ({ row: plan.rows[item.index] ?? 0, field: e.field ? e.field.replace(/^node\./, '') : null, message: e.message })));
  const rolledBack = atomic && (plan.rowProblems.length > 0 || (result?.failed ?? 0) > 0);
  return {
    created: rolledBack ? 0 : (result?.succeeded ?? 0),
    rolledBack,
    problems: [...plan.rowProblems, ...refused].sort((a, b) => a.row - b.row),
  };
}
