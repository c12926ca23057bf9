import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../src/core/redact.js';
import { createActionLogger, type ActionsCore } from '../../src/github/action-io.js';

/** A recording stand-in for @actions/core's logging functions: what would reach the runner, line by line. */
function recordingCore(): { core: ActionsCore; written: string[] } {
  const written: string[] = [];
  const core = {
    info: (message: string) => written.push(message),
    warning: (message: string) => written.push(`warning:${message}`),
    error: (message: string) => written.push(`error:${message}`),
    debug: (message: string) => written.push(`debug:${message}`),
    setSecret: (value: string) => written.push(`mask:${value}`),
  } as unknown as ActionsCore;
  return { core, written };
}

describe('the Action logger', () => {
  it('never lets a line of text from GitLab become a workflow command', () => {
    const { core, written } = recordingCore();
    createActionLogger(core, new SecretRegistry()).info(
      'token "x"\n::set-output name=token::stolen\n  ::stop-commands::abc',
    );
    expect(written).toEqual(['token "x"\n: :set-output name=token::stolen\n  : :stop-commands::abc']);
  });

  it('masks a secret before redacting every later mention of it', () => {
    const { core, written } = recordingCore();
    const log = createActionLogger(core, new SecretRegistry());
    log.protectSecret('glpat-abcdefghijklmnopqrst');
    log.info('value glpat-abcdefghijklmnopqrst');
    expect(written).toEqual(['mask:glpat-abcdefghijklmnopqrst', 'value ***']);
  });
});
