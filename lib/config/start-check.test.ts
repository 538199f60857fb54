import { describe, expect, it } from 'vitest';
import { checkEnvAtStart, type StartCheckIo } from './start-check';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function io() {
  const logged: string[] = [];
  const sink: StartCheckIo = {
    log: (message) => logged.push(message),
    exit: (code) => {
      throw new Exited(code);
    },
  };
  return { logged, sink };
}

describe('checkEnvAtStart', () => {
  it('lets a good environment through without a word', () => {
    const { logged, sink } = io();
    checkEnvAtStart({ IDEMSCOPE_SCAN_COUNT: '500' }, sink);
    expect(logged).toEqual([]);
  });

  it('exits with 1 and names every bad variable', () => {
    const { logged, sink } = io();
    let exited: unknown;
    try {
      checkEnvAtStart({ IDEMSCOPE_SCAN_COUNT: '5', IDEMSCOPE_OPERATOR_TOKEN: 'short' }, sink);
    } catch (error) {
      exited = error;
    }
    expect(exited).toBeInstanceOf(Exited);
    expect((exited as Exited).code).toBe(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('IDEMSCOPE_SCAN_COUNT');
    expect(logged[0]).toContain('IDEMSCOPE_OPERATOR_TOKEN');
  });
});
