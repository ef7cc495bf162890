// Operations of the statement column profiles (Settings): the shipped profile and the user's edited
// one per id, saving an edited profile (validated by the profile schema) and going back to the
// shipped default. Saves and resets are audited decisions of a local user.
import { z } from 'zod';
import { op } from '../define';
import type { ProfileView } from '../../statements/edited-profiles';
import type { ColumnProfile } from '../../statements/profile';
import { UserId } from './foundation';

const ProfileId = z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'a profile id such as lakala');
const Reason = z.string().trim().min(1, 'a reason is required').max(500);

export const profileOps = {
  /** Every shipped profile with the user's edited one (null = the shipped default is in use). */
  'profiles.list': op<ProfileView[]>()(z.object({}).strict()),
  /** Save an edited profile; a changed mapping gets the next version. Result: the profile in effect. */
  'profiles.save': op<ColumnProfile>()(
    z
      .object({
        id: ProfileId,
        /** The whole profile as JSON (docs/column-profiles.md); checked by the profile schema. */
        profile: z.record(z.string(), z.unknown()),
        actor: UserId,
        reason: Reason,
      })
      .strict(),
  ),
  /** Go back to the shipped profile. Result: the profile in effect. */
  'profiles.reset': op<ColumnProfile>()(z.object({ id: ProfileId, actor: UserId, reason: Reason }).strict()),
};
