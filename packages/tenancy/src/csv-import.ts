import { parse } from 'csv-parse/sync';

/** How a bulk import treats bad rows: refuse the whole file, or import the good rows only. */
export type ImportMode = 'all_or_nothing' | 'good_rows';

/** A refused row: its line in the file (the header is line 1), the CSV column and why. */
export interface ImportError {
  line: number;
  field: string;
  message: string;
}

export interface ImportResult {
  imported: number;
  errors: ImportError[];
}

/** One record of the file, by (lower-case) column name, with the line it starts on. */
export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

export interface ParsedCsv {
  records: CsvRecord[];
  /** Problems with the file itself (header, quoting) or with a record's shape. */
  errors: ImportError[];
  /** True when the file cannot be read at all (bad header or quoting): nothing may be imported. */
  fatal: boolean;
}

interface CsvInfo { record: string[]; raw: string; info: { lines: number } }

/**
 * Parse an import file: UTF-8 with or without a BOM, a header row naming the columns (any
 * order, case-insensitive), fields trimmed, empty lines skipped. Unknown and missing required
 * columns are refused, because a misspelt header would otherwise drop a column silently.
 */
export function parseImportCsv(text: string, columns: readonly string[], required: readonly string[]): ParsedCsv {
  let parsed: CsvInfo[];
  try {
    // Line endings normalised first: csv-parse miscounts lines around empty CRLF lines.
    parsed = parse(text.replace(/\r\n?/g, '\n'), { bom: true, info: true, raw: true, relax_column_count: true, skip_empty_lines: true }) as unknown as CsvInfo[];
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { records: [], errors: [{ line, field: 'csv', message: `the file is not valid CSV: ${(err as Error).message}` }], fatal: true };
  }
  const [head, ...body] = parsed;
  if (!head) return { records: [], errors: [{ line: 1, field: 'csv', message: 'the file is empty: a header row is needed' }], fatal: true };
  const header = head.record.map((h) => h.trim().toLowerCase());
  const headerLine = startLine(head);
  const errors: ImportError[] = [];
  header.forEach((name, i) => {
    if (!columns.includes(name)) errors.push({ line: headerLine, field: name || `#${i + 1}`, message: `unknown column; the columns are ${columns.join(', ')}` });
    else if (header.indexOf(name) !== i) errors.push({ line: headerLine, field: name, message: 'column appears twice in the header' });
  });
  for (const name of required) {
    if (!header.includes(name)) errors.push({ line: headerLine, field: name, message: 'required column is missing from the header' });
  }
  if (errors.length) return { records: [], errors, fatal: true };

  const records: CsvRecord[] = [];
  for (const item of body) {
    const line = startLine(item);
    if (item.record.length !== header.length) {
      errors.push({ line, field: 'csv', message: `has ${item.record.length} fields, the header has ${header.length}` });
      continue;
    }
    const values: Record<string, string> = Object.fromEntries(columns.map((c) => [c, '']));
    header.forEach((name, i) => { values[name] = (item.record[i] ?? '').trim(); });
    records.push({ line, values });
  }
  return { records, errors, fatal: false };
}

/** csv-parse counts the line a record ends on; a quoted field may span lines. */
function startLine(item: CsvInfo): number {
  // `raw` starts with the skipped empty lines before the record and ends with its newline.
  const body = item.raw.replace(/^\n+/, '').replace(/\n$/, '');
  return item.info.lines - (body.match(/\n/g)?.length ?? 0);
}

/** Errors in file order (line, then field). */
export function sortErrors(errors: ImportError[]): ImportError[] {
  return errors.sort((a, b) => a.line - b.line || a.field.localeCompare(b.field));
}

/** Split rows into chunks for multi-row inserts (Postgres binds at most 65,535 parameters). */
export function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
