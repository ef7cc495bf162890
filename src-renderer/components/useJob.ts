// Start or attach to a long job (sync, export), follow its progress, cancel it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobState } from '../../src-main/api/contract';
import { call, followJob, toApiError, type ApiError } from '../api/client';

export interface JobHandle {
  /** The job while it runs, and its final state after (until the next start). */
  job: JobState | null;
  running: boolean;
  cancelling: boolean;
  error: ApiError | null;
  start(starter: () => Promise<JobState>): Promise<JobState | null>;
  attach(job: JobState): Promise<JobState | null>;
  cancel(): void;
  clearError(): void;
}

export function useJob(): JobHandle {
  const [job, setJob] = useState<JobState | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const mounted = useRef(true);
  const following = useRef<string | null>(null);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const update = useCallback((state: JobState) => {
    if (mounted.current) setJob(state);
  }, []);

  const attach = useCallback(
    async (state: JobState) => {
      following.current = state.id;
      update(state);
      setCancelling(false);
      try {
        return await followJob(state, (s) => {
          if (following.current === s.id) update(s);
        });
      } catch (e) {
        if (mounted.current) setError(toApiError(e));
        return null;
      } finally {
        if (mounted.current) setCancelling(false);
      }
    },
    [update],
  );

  const start = useCallback(
    async (starter: () => Promise<JobState>) => {
      setError(null);
      let state: JobState;
      try {
        state = await starter();
      } catch (e) {
        if (mounted.current) setError(toApiError(e));
        return null;
      }
      return attach(state);
    },
    [attach],
  );

  const cancel = useCallback(() => {
    if (!job || job.status !== 'running') return;
    setCancelling(true);
    call('jobs.cancel', { jobId: job.id }).catch((e: unknown) => {
      if (!mounted.current) return;
      setCancelling(false);
      setError(toApiError(e, 'jobs.cancel'));
    });
  }, [job]);

  return {
    job,
    running: job?.status === 'running',
    cancelling,
    error,
    start,
    attach,
    cancel,
    clearError: () => setError(null),
  };
}
