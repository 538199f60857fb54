import type { ScannerOptions } from '../scanner/scanner';
import type { DashboardConfig } from './config';

/**
 * The scanner's options as the configuration gives them, without a pacer:
 * the dashboard adds its pacer (createScanner in context.ts); benchmarks and
 * tests run the scanner unpaced, to measure or count a pass as it is.
 */
export function scannerOptionsFrom(config: DashboardConfig): ScannerOptions {
  return {
    patterns: config.keyPatterns,
    statsPrefix: config.statsPrefix,
    scanCount: config.scanCount,
    headBytes: config.headBytes,
    stepPauseMs: config.scanStepPauseMs,
    intervalMs: config.scanIntervalSeconds * 1000,
    topStuck: config.topStuck,
    classify: config,
  };
}
