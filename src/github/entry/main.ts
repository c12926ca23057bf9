// What the runner starts for the main step (bundled into dist/main/index.js). The crash guard lives here, not in
// run(): it owns the process, which under local-action belongs to local-action.
import { SecretRegistry } from '../../core/redact.js';
import { guardCrashes } from '../../process/guard-output.js';
import { run } from '../main.js';

const secrets = new SecretRegistry();
guardCrashes(secrets);
await run(secrets);
