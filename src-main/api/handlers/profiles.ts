import type { Handlers } from './index';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { listUsers } from '../../store/settings';
import { ProfileError } from '../../statements/profile';
import { profileViews, resetEditedProfile, saveEditedProfile } from '../../statements/edited-profiles';

async function requireUser(ctx: AppContext, userId: string): Promise<void> {
  if (!(await listUsers(ctx.store.read)).some((u) => u.userId === userId)) {
    throw new AppError('forbidden', `"${userId}" is not a local user of this workstation`);
  }
}

/** A profile problem is the user's input to correct: every problem is listed, each naming its field. */
async function asInputError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ProfileError) throw new AppError('invalid_input', e.message, { problems: e.problems });
    throw e;
  }
}

export const profileHandlers: Pick<Handlers, 'profiles.list' | 'profiles.save' | 'profiles.reset'> = {
  'profiles.list': async (_input, ctx) => profileViews(ctx.store.read),
  'profiles.save': async ({ id, profile, actor, reason }, ctx) => {
    await requireUser(ctx, actor);
    return asInputError(() => saveEditedProfile(ctx.store, id, profile, actor, reason));
  },
  'profiles.reset': async ({ id, actor, reason }, ctx) => {
    await requireUser(ctx, actor);
    return asInputError(() => resetEditedProfile(ctx.store, id, actor, reason));
  },
};
