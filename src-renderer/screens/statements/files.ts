// What the user hands in (picked files, a picked folder, or files and folders dropped on the page),
// turned into named files, read as base64 in the browser, and grouped into import calls that fit
// the operation's limits (100 files, and a request body the web server accepts).

/** A file to import and the name it is known by (a folder's files keep their path inside it). */
export interface Picked {
  file: File;
  name: string;
}

/** Bigger files go through the command line (otd import): the operation takes ~64 MiB a file. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Base64 characters per call: under the web server's 96 MiB request limit with room for JSON. */
const MAX_CALL_BASE64 = 80 * 1024 * 1024;
const MAX_CALL_FILES = 100;
const MAX_NAME = 255;

/** Hidden files (.DS_Store, ._x) are not statements, as in the command line's folder import. */
function hidden(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.'));
}

function shortName(path: string): string {
  return path.length <= MAX_NAME ? path : `…${path.slice(path.length - MAX_NAME + 1)}`;
}

/** Files from an <input type=file> (multiple, or webkitdirectory for a folder). */
export function fromInput(list: FileList | null): Picked[] {
  return [...(list ?? [])]
    .map((file) => ({ file, name: shortName(file.webkitRelativePath || file.name) }))
    .filter((p) => !hidden(p.name));
}

function readEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    // readEntries answers in batches until it answers with none.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: Picked[]): Promise<void> {
  const path = entry.fullPath.replace(/^\/+/, '') || entry.name;
  if (hidden(path)) return;
  if (entry.isFile) out.push({ file: await fileOf(entry as FileSystemFileEntry), name: shortName(path) });
  else if (entry.isDirectory) {
    const children = (await readEntries(entry as FileSystemDirectoryEntry)).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const child of children) await walk(child, out);
  }
}

/**
 * Files and folders dropped on the page. The entries must be taken while the drop event is being
 * handled (the browser empties the DataTransfer afterwards): call this synchronously in onDrop.
 */
export function fromDrop(data: DataTransfer): Promise<Picked[]> {
  const entries = [...data.items]
    .filter((i) => i.kind === 'file')
    .map((i) => i.webkitGetAsEntry?.() ?? null)
    .filter((e): e is FileSystemEntry => e !== null);
  const files = [...data.files];
  return (async () => {
    if (entries.length === 0) return files.map((file) => ({ file, name: shortName(file.name) }));
    const out: Picked[] = [];
    for (const e of entries) await walk(e, out);
    return out;
  })();
}

/** The file's bytes as base64 (without the data: prefix). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`${file.name} could not be read`));
    reader.readAsDataURL(file);
  });
}

/** Split files into calls of at most 100 files and ~80 MiB of base64 each, keeping their order. */
export function chunks<T extends { base64: string }>(items: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= MAX_CALL_FILES || size + item.base64.length > MAX_CALL_BASE64)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.base64.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** 12345 → "12.1 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
