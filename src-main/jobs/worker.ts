// Worker thread entry: runs one task from worker-tasks.ts and posts progress and the result back.
import { parentPort, workerData } from 'node:worker_threads';
import { TASKS, type TaskName } from './worker-tasks';

const { task, input } = workerData as { task: TaskName; input: never };

TASKS[task](input, (progress) => parentPort!.postMessage({ type: 'progress', progress }))
  .then((output) => parentPort!.postMessage({ type: 'done', output }))
  .catch((err: unknown) =>
    parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
