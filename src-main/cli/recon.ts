// otd reconcile / otd discrepancies / otd sandbox score: reconciliation from a terminal (scheduled T+1
// runs, scripting) and the sandbox's scorer (docs/anomaly-manifest.md). JSON on stdout with --json.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { type Command, args, CliError, foregroundJob, printJson, required } from './common';
import { openStore, type Store } from '../store';
import { CHANNEL_CODES, type Channel } from '../domain/channels';
import { addDays, isIsoDate } from '../domain/dates';
import { formatFen } from '../domain/money';
import { AppError } from '../api/errors';
import { DayLockedError, reconcile } from '../recon/engine';
import { scoreAgainstManifests } from '../recon/score';
import { openDiscrepancies } from '../store/recon-score';
import { MANIFEST_VERSION, type SandboxManifest } from '../sandbox/statements/manifest';

const MAX_DAYS = 62;

function channelFlag(v: string | undefined): Channel | undefined {
  if (v === undefined) return undefined;
  if (!(CHANNEL_CODES as readonly string[]).includes(v))
    throw new CliError(`--channel must be one of ${CHANNEL_CODES.join(', ')}, got "${v}"`);
  return v as Channel;
}

function dateFlag(v: string | undefined, flag: string): string | undefined {
  if (v !== undefined && !isIsoDate(v)) throw new CliError(`--${flag} must be a date YYYY-MM-DD, got "${v}"`);
  return v;
}

/** An existing database only: a typo in --db must not create an empty one and reconcile nothing. */
async function openExisting(db: string | undefined): Promise<Store> {
  const path = resolve(required(db, 'db'));
  if (!existsSync(path)) throw new CliError(`no database at ${path}`);
  return openStore(path);
}

export const reconCommands: Command[] = [
  {
    name: 'reconcile',
    summary:
      '--db PATH --date D [--to D] [--channel C] [--actor A] [--json]  reconcile channel-days; open counts per type: ' +
      'long short amount_differs duplicate status_differs fee_differs wire_without_order timing settlement_differs',
    async run(argv) {
      const { values } = args(argv, {
        db: { type: 'string' },
        date: { type: 'string' },
        to: { type: 'string' },
        channel: { type: 'string' },
        actor: { type: 'string' },
      });
      const from = dateFlag(required(values.date, 'date'), 'date')!;
      const to = dateFlag(values.to, 'to') ?? from;
      if (to < from || addDays(from, MAX_DAYS - 1) < to)
        throw new CliError(`--to must be on or after --date and at most ${MAX_DAYS} days later`);
      const channel = channelFlag(values.channel);
      const store = await openExisting(values.db);
      const job = foregroundJob('reconcile');
      try {
        const days = await reconcile(
          store,
          { from, to, channels: channel ? [channel] : undefined },
          {
            // Like `otd import`: the run records who started it; a run is not a decision, so no local user is needed.
            actor: values.actor ?? `cli:${userInfo().username}`,
            signal: job.signal,
            onProgress: (phase, done, total) => job.progress(phase, done, total),
          },
        ).catch((e: unknown) => {
          if (e instanceof DayLockedError) throw new AppError('locked', e.message);
          throw e;
        });
        const out = days.map((d) => ({
          channel: d.channel,
          businessDate: d.businessDate,
          matched: d.matched,
          open: d.open,
          proof: d.proof,
        }));
        if (values.json) printJson(out);
        else {
          for (const d of out) {
            const open = Object.entries(d.open)
              .filter(([, v]) => v.count > 0)
              .map(([t, v]) => `${t}=${v.count}`)
              .join(' ');
            process.stdout.write(
              `${d.businessDate} ${d.channel.padEnd(9)} matched ${d.matched.count} (${formatFen(d.matched.fen)})  ` +
                `proof ${d.proof.ok ? 'ok' : 'FAILS'}  ${open || 'nothing open'}\n`,
            );
          }
        }
        return 0;
      } finally {
        job.dispose();
        await store.close();
      }
    },
  },
  {
    name: 'discrepancies',
    summary:
      '--db PATH [--date D] [--channel C] [--json]  open and carried discrepancies with their member keys and age ' +
      '(the types above, and order_incomplete: a delivered order whose car payments miss its price; no channel)',
    async run(argv) {
      const { values } = args(argv, { db: { type: 'string' }, date: { type: 'string' }, channel: { type: 'string' } });
      const date = dateFlag(values.date, 'date');
      const channel = channelFlag(values.channel);
      const store = await openExisting(values.db);
      try {
        const list = await openDiscrepancies(store.read, { date, channel });
        if (values.json) printJson(list);
        else {
          for (const d of list) {
            process.stdout.write(
              `${d.id} ${d.businessDate} ${(d.channel ?? '-').padEnd(9)} ${d.type.padEnd(18)} ${formatFen(d.amountFen).padStart(14)}  ` +
                `age ${d.ageDays}  ${d.members.map((m) => m.key).join(' ')}\n`,
            );
          }
          process.stdout.write(`${list.length} open\n`);
        }
        return 0;
      } finally {
        await store.close();
      }
    },
  },
  {
    name: 'sandbox score',
    summary:
      '--db PATH --manifest FILE [--manifest FILE…] [--json]  recall and precision of the reconciliation against sandbox manifests (exit 1 unless both are 1)',
    async run(argv) {
      const { values } = args(argv, { db: { type: 'string' }, manifest: { type: 'string', multiple: true } });
      const files = values.manifest ?? [];
      if (files.length === 0) throw new CliError('missing --manifest');
      const manifests: SandboxManifest[] = [];
      for (const f of files) manifests.push(await readManifest(resolve(f)));
      const store = await openExisting(values.db);
      try {
        const score = await scoreAgainstManifests(store, manifests);
        if (values.json) printJson(score);
        else {
          process.stdout.write(
            `recall ${score.recall.toFixed(4)} (${score.found}/${score.expected})  precision ${score.precision.toFixed(4)} (${score.explained}/${score.produced})\n`,
          );
          for (const m of score.missed)
            process.stdout.write(
              `missed   ${m.anomalyId} ${m.types.join('|')} on ${m.runDate}: ${m.members.join(' ')}\n`,
            );
          for (const s of score.spurious)
            process.stdout.write(
              `spurious ${s.id} ${s.type} ${s.channel ?? '-'} ${s.runDate}: ${s.members.join(' ')}\n`,
            );
        }
        return score.recall === 1 && score.precision === 1 ? 0 : 1;
      } finally {
        await store.close();
      }
    },
  },
];

async function readManifest(path: string): Promise<SandboxManifest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new CliError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON'}`);
  }
  const m = parsed as Partial<SandboxManifest> | null;
  if (!m || m.manifestVersion !== MANIFEST_VERSION || typeof m.date !== 'string' || !Array.isArray(m.anomalies)) {
    throw new CliError(`${path}: not a sandbox manifest (manifestVersion ${MANIFEST_VERSION} with date and anomalies)`);
  }
  return m as SandboxManifest;
}
