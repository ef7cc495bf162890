// The demo company: start its central platform API on 127.0.0.1 with a per-run random token.
//   const sb = await startSandbox({ port: 0, seed: 7, orders: 500, faults: 'slow,500' });
//   await runSync(store, { url: sb.url, token: sb.token }, job);
//   sb.snapshot() // every record as the platform now has it
//   await sb.close();
import { randomBytes } from 'node:crypto';
import { resolveConfig } from './data';
import {
  CentralPlatform,
  createCentralServer,
  listen,
  parseFaults,
  type FaultStats,
  type SandboxSnapshot,
} from './central-server';
import { createChannelApi, type ChannelApi } from './channel-server';
import { renderSandboxStatement } from './statements';
import { addDays } from '../domain/dates';

export interface SandboxOptions {
  /** 0 = any free port. */
  port?: number;
  seed: number | string;
  orders: number;
  days?: number;
  startDate?: string;
  /** Comma list (or array) of 500, 429, slow, drop, dup, update; "all" for every one (see FAULT_NAMES). */
  faults?: string | readonly string[];
  /** Upper bound of the `slow` delay in ms (default 150). */
  slowMs?: number;
}

export interface SandboxHandle {
  /** Base URL of the central platform API, e.g. http://127.0.0.1:53211 (paths start with /api/v1/). */
  url: string;
  port: number;
  /** Bearer token of this run (random; never written anywhere by the sandbox). */
  token: string;
  close(): Promise<void>;
  /** Every record as the platform has it now, including records the update fault changed. */
  snapshot(): SandboxSnapshot;
  /** Requests served and faults injected so far. */
  stats(): FaultStats;
  platform: CentralPlatform;
  /** The channels' download APIs on the same port (docs/statement-downloads.md). */
  channels: ChannelApi;
  /** The demo company's download credentials for this sandbox (keys included): for the demo setup only. */
  downloadCredentials(): ReturnType<ChannelApi['credentials']>;
}

export async function startSandbox(opts: SandboxOptions): Promise<SandboxHandle> {
  const cfg = resolveConfig({ seed: opts.seed, orders: opts.orders, days: opts.days, startDate: opts.startDate });
  const faults = parseFaults(opts.faults);
  const platform = new CentralPlatform(cfg, { volatile: faults.has('update') });
  const token = randomBytes(24).toString('base64url');
  const statementConfig = { seed: opts.seed, orders: opts.orders, days: opts.days, startDate: opts.startDate };
  const lastDay = addDays(cfg.startDate, cfg.days - 1);
  const channels = createChannelApi({
    seed: opts.seed,
    range: { from: cfg.startDate, to: lastDay },
    statements: async (channel, date) =>
      date >= cfg.startDate && date <= lastDay ? renderSandboxStatement(channel, date, statementConfig) : null,
  });
  const { server, stats } = createCentralServer({
    platform,
    token,
    faults,
    slowMs: opts.slowMs,
    mount: channels.handle,
  });
  const port = await listen(server, opts.port ?? 0);
  let closed: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    platform,
    channels,
    downloadCredentials: () => channels.credentials(`http://127.0.0.1:${port}`),
    snapshot: () => platform.snapshot(),
    stats,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

export { parseFaults, FAULT_NAMES, type FaultName, type FaultStats, type SandboxSnapshot } from './central-server';
export {
  generateOrder,
  generatePaymentBatches,
  iterateOrders,
  resolveConfig,
  CHANNEL_CONTRACTS,
  type DataConfig,
  type PaymentFacts,
  type RefundFacts,
  type SandboxOrder,
} from './data';
