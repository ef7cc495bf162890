// Migration 6: leaner statement storage, for million-line bills.
// - A text statement's lines are kept once, as the file's own text in deflated chunks of whole
//   lines (statement_text), instead of every printed value again on every line: a line's printed
//   values are read back from its chunk. raw_json stays for formats whose lines are not lines of
//   text (workbooks, XML, zips) and for the files imported before this migration, so it may be NULL.
// - statement_line_day is dropped: nothing looks lines up by channel and day (reconciliation and the
//   lines grid go through the file), and it cost every import a second copy of each line's day.
export const name = 'statement_storage';
export const sql = /* sql */ `
CREATE TABLE statement_text (
  file_id     INTEGER NOT NULL REFERENCES statement_file (id),
  first_line  INTEGER NOT NULL,   -- physical line number (1-based) of the chunk's first line
  line_count  INTEGER NOT NULL,
  encoding    TEXT NOT NULL,      -- of the bytes in body: 'utf-8', 'gb18030' or 'latin1'
  body        BLOB NOT NULL,      -- the lines' bytes joined by LF (line breaks and a BOM removed), raw deflate
  PRIMARY KEY (file_id, first_line)
);

ALTER TABLE statement_line RENAME COLUMN raw_json TO raw_json_0002;
ALTER TABLE statement_line ADD COLUMN raw_json TEXT;  -- NULL when the line is read back from statement_text
UPDATE statement_line SET raw_json = raw_json_0002;
ALTER TABLE statement_line DROP COLUMN raw_json_0002;

DROP INDEX statement_line_day;
`;
