// The handler table: one entry per contract operation (the type makes a missing one a compile error).
import type { AppContext } from '../context';
import type { OpName, OpParsedInput, OpResult } from '../contract';
import { foundationHandlers } from './foundation';
import { statementHandlers } from './statements';
import { reconHandlers } from './recon';
import { downloadHandlers } from './downloads';
import { demoHandlers } from './demo';
import { journalHandlers } from './journal';
import { closeHandlers } from './close';
import { profileHandlers } from './profiles';

export type Handlers = { [N in OpName]: (input: OpParsedInput<N>, ctx: AppContext) => Promise<OpResult<N>> };

export const handlers: Handlers = {
  ...foundationHandlers,
  ...statementHandlers,
  ...reconHandlers,
  ...downloadHandlers,
  ...demoHandlers,
  ...journalHandlers,
  ...closeHandlers,
  ...profileHandlers,
};
