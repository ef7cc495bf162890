// Runs the sandbox's central platform in its own process for benchmarks (a real platform is remote:
// its CPU must not share the sync's event loop). Prints {"url","token"} on stdout, serves until killed.
//   node --import tsx test/bench/sandbox-child.ts <seed> <orders>
import { startSandbox } from '../../src-main/sandbox';

const [seed = 'bench', orders = '20000'] = process.argv.slice(2);
const sb = await startSandbox({ seed, orders: Number(orders) });
process.stdout.write(`${JSON.stringify({ url: sb.url, token: sb.token })}\n`);
process.on('SIGTERM', () => void sb.close().then(() => process.exit(0)));
