// What the runner starts for the main step (bundled into dist/main/index.js). The crash guard and the guard against
// a cancellation cutting a rotation short live here, not in run(): they own the process, which under local-action
// belongs to local-action.
import { SecretRegistry } from '../../core/redact.js';
import { createProcessChangeGuard } from '../../process/change-guard.js';
import { guardCrashes } from '../../process/guard-output.js';
import { run } from '../main.js';

const secrets = new SecretRegistry();
const changes = createProcessChangeGuard();
guardCrashes(secrets, 1, changes);
await run(secrets, changes);
