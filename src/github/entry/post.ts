// What the runner starts for the post step (bundled into dist/post/index.js). A crash in cleanup must not fail a
// job that did its work, hence exit code 0. The post step runs after every job that used the Action, and nearly
// always has nothing to do: it looks at the saved state first and loads the rest (a chunk of its own) only when the
// main step left a token to revoke, so that doing nothing costs about what `node -e 0` does.
import { hasTokenToRevoke } from '../revoke-state.js';

if (hasTokenToRevoke(process.env)) {
  const [{ SecretRegistry }, { guardCrashes }, { run }] = await Promise.all([
    import('../../core/redact.js'),
    import('../../process/guard-output.js'),
    import('../post.js'),
  ]);
  const secrets = new SecretRegistry();
  guardCrashes(secrets, 0);
  await run(secrets);
}
