#!/usr/bin/env node
// The otd command: runs the TypeScript sources through tsx so `npx otd …` works right after
// `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
