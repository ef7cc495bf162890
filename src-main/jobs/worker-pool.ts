// CPU-heavy steps (parsing big statements, writing large workbooks) run in a worker thread so the
// Electron main thread and the web server stay responsive. A task is a named function in
// worker-tasks.ts; cancelling terminates the worker, and its caller discards the partial output.
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TaskInput, TaskName, TaskOutput } from './worker-tasks';
import { JobCancelledError } from './runner';

const here = fileURLToPath(import.meta.url);
// Under tsx/Vitest this module is worker-pool.ts beside worker.ts; in the electron-vite bundle the
// worker is its own entry, out/main/worker.js, beside the main bundle.
const isSource = here.endsWith('.ts');
const workerFile = isSource ? join(dirname(here), 'worker.ts') : join(dirname(here), 'worker.js');

export interface WorkerProgress {
  phase: string;
  done: number;
  total: number;
}

export function runInWorker<N extends TaskName>(
  task: N,
  input: TaskInput<N>,
  opts: { signal?: AbortSignal; onProgress?: (p: WorkerProgress) => void } = {},
): Promise<TaskOutput<N>> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new JobCancelledError());
    // From source (tsx), Node 20 does not apply `--import tsx` to a worker's own .ts entry, so the
    // worker starts from a tiny ES module that registers tsx and then imports worker.ts.
    const entry = isSource
      ? new URL(
          `data:text/javascript,${encodeURIComponent(
            `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};\n` +
              `register();\nawait import(${JSON.stringify(pathToFileURL(workerFile).href)});\n`,
          )}`,
        )
      : workerFile;
    const worker = new Worker(entry, { workerData: { task, input } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      void worker.terminate();
      finish(() => reject(new JobCancelledError()));
    };
    opts.signal?.addEventListener('abort', onAbort);
    worker.on(
      'message',
      (
        msg:
          | { type: 'progress'; progress: WorkerProgress }
          | { type: 'done'; output: TaskOutput<N> }
          | { type: 'error'; message: string },
      ) => {
        if (msg.type === 'progress') opts.onProgress?.(msg.progress);
        else if (msg.type === 'done') finish(() => resolve(msg.output));
        else finish(() => reject(new Error(msg.message)));
      },
    );
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`worker for ${task} exited with code ${code}`))));
  });
}
