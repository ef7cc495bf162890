// Operations of statement downloads: the channels' credentials (what is configured, never the keys),
// a download of one channel-day as a job, and the 14:30 scheduler's state with the last attempts.
import { z } from 'zod';
import { op } from '../define';
import type { JobState } from '../../jobs/runner';
import { DOWNLOAD_CHANNELS } from '../../statements/download/common';
import type { ChannelDownloadView } from '../../statements/download/credentials';
import type { SchedulerState } from '../../statements/scheduler';
import type { DownloadAttemptRow } from '../../store/downloads';
import { UserId } from './foundation';

const id = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'letters, digits, . _ - only');
const apiUrl = z
  .string()
  .trim()
  .max(300)
  .refine((u) => /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(u), 'an http:// or https:// address');
const pem = z
  .string()
  .trim()
  .max(20_000)
  .refine((s) => /-----BEGIN [A-Z ]+-----/.test(s.replace(/\\n/g, '\n')), 'a PEM text (-----BEGIN …-----)');
const keys = { privateKey: pem.optional(), platformPublicKey: pem.optional(), actor: UserId };

export const DownloadSettingsUpdate = z.discriminatedUnion('channel', [
  z
    .object({
      channel: z.literal('wechat'),
      url: apiUrl.optional(),
      mchid: id.optional(),
      serialNo: id.optional(),
      platformSerial: id.optional(),
      ...keys,
    })
    .strict(),
  z
    .object({
      channel: z.literal('lakala'),
      url: apiUrl.optional(),
      appid: id.optional(),
      serialNo: id.optional(),
      merchantNo: id.optional(),
      platformSerial: id.optional(),
      ...keys,
    })
    .strict(),
  z
    .object({
      channel: z.literal('unionpay'),
      url: apiUrl.optional(),
      merId: id.optional(),
      certId: id.optional(),
      /** Download at 14:30 every day and catch up at start-up (default on). */
      automatic: z.boolean().optional(),
      ...keys,
    })
    .strict(),
]);

export interface DownloadSettingsView {
  /** The channels with a download API, in the channel order. */
  channels: ChannelDownloadView[];
  /** Channels that stay manual imports, and why. */
  manual: { channel: string; reason: string }[];
}

export interface DownloadStatus {
  /** The scheduler of this process (null where none runs: the CLI, a test context). */
  scheduler: SchedulerState | null;
  /** Newest first. */
  attempts: DownloadAttemptRow[];
}

export const downloadOps = {
  'downloads.settings.get': op<DownloadSettingsView>()(z.object({}).strict()),
  'downloads.settings.update': op<DownloadSettingsView>()(DownloadSettingsUpdate),
  /** Download one channel-day and import it (source 'download'); the job's result is its ImportReport. */
  'downloads.run': op<JobState>()(
    z.object({ channel: z.enum(DOWNLOAD_CHANNELS), date: z.iso.date(), actor: UserId }).strict(),
  ),
  'downloads.status': op<DownloadStatus>()(
    z
      .object({
        channel: z.enum(DOWNLOAD_CHANNELS).optional(),
        limit: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
  ),
};
