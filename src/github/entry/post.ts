// What the runner starts for the post step (bundled into dist/post/index.js). A crash in cleanup must not fail a
// job that did its work, hence exit code 0.
import { SecretRegistry } from '../../core/redact.js';
import { guardCrashes } from '../../process/guard-output.js';
import { run } from '../post.js';

const secrets = new SecretRegistry();
guardCrashes(secrets, 0);
await run(secrets);
