// Spreadsheet formula injection: a text cell starting with = + - @ (or a tab / carriage return that
// Excel strips) would be evaluated when opened. Such text is prefixed with an apostrophe-like quote
// so it stays text. Numbers are written as numbers and need no treatment.
const DANGEROUS = /^[=+\-@\t\r]/;

export function neutraliseFormula(text: string): string {
  return DANGEROUS.test(text) ? `'${text}` : text;
}

/** For CSV: quote when needed, after neutralising. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const t = neutraliseFormula(value);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}
