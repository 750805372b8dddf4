// Loaded by `npm run test:e2e` (mocha --require), which does not package: the e2e layer runs the packaged
// task, so it stops before the first test, with one message, when the VSIX is missing or older than its sources.
import { packagedVsix } from './vsix';

export const mochaHooks = {
  beforeAll(): void {
    packagedVsix();
  },
};
