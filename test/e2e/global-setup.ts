// Playwright global setup: one demo company (300 orders, fresh data folder) for every UI test.
// Its address goes to the tests through the environment; the returned function stops it.
import { startDemo } from './demo-server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const demo = await startDemo({ orders: 300 });
  process.env.OTD_E2E_URL = demo.url;
  process.env.OTD_E2E_TOKEN = demo.token;
  process.env.OTD_E2E_OPEN = demo.open;
  process.env.OTD_E2E_DATA_DIR = demo.dataDir;
  return () => demo.stop();
}
