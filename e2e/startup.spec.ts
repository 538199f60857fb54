import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { E2E_PORT, E2E_SERVER_ENV } from './config';

/**
 * The production build the suite's server runs, started a second time with a
 * bad environment: it must refuse to start and say why, not come up and answer
 * every request with a 500.
 */
test('the server refuses to start with a bad environment, naming every bad variable', async () => {
  test.setTimeout(90_000);
  const port = E2E_PORT + 97;
  const env = { ...process.env, ...E2E_SERVER_ENV, PORT: String(port), IDEMSCOPE_SCAN_COUNT: '5', IDEMSCOPE_VIEWER_TOKEN: 'short' };
  const server = spawn('npx', ['next', 'start', '-p', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      resolve(null);
    }, 60_000);
    server.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  expect(code, `the server should have exited; it printed:\n${output}`).toBe(1);
  expect(output).toContain('IDEMSCOPE_SCAN_COUNT');
  expect(output).toContain('IDEMSCOPE_VIEWER_TOKEN');
  expect(output).not.toContain('short');
});
