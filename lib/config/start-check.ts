import { ConfigError, parseEnv } from './env';

export interface StartCheckIo {
  log(message: string): void;
  exit(code: number): never;
}

/**
 * Parses the environment once, before the server answers anything: a bad value
 * stops the process with every bad variable listed, instead of a server that
 * stays up and answers each request with a 500.
 */
export function checkEnvAtStart(source: Record<string, string | undefined>, io: StartCheckIo): void {
  try {
    parseEnv(source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.log(`Idemscope cannot start. ${error.message}`);
    io.exit(1);
  }
}
