import { describe, expect, it } from 'vitest';
import { PACED_STEP_CPU_MS, ScanPacer, type PacerOptions } from './pacer';

const options = (clock: () => number, over: Partial<PacerOptions> = {}): PacerOptions => ({
  budgetPercent: 2,
  viewerBudgetPercent: 10,
  viewerWindowMs: 60_000,
  stepPauseMs: 1,
  maxStepPauseMs: 10_000,
  intervalMs: 15_000,
  keepAliveMs: 600_000,
  clock,
  ...over,
});

describe('ScanPacer', () => {
  it('runs under the viewer budget while a viewer asked within the window, under the budget after it, at full speed for a fresh request', () => {
    let now = 0;
    const pacer = new ScanPacer(options(() => now));
    expect(pacer.mode(false)).toBe('budget');
    expect(pacer.noteViewer()).toBe(true);
    expect(pacer.mode(false)).toBe('viewer');
    expect(pacer.mode(true)).toBe('full-speed');
    now = 59_999;
    expect(pacer.noteViewer()).toBe(false);
    now = 59_999 + 59_999;
    expect(pacer.mode(false)).toBe('viewer');
    now = 59_999 + 60_000;
    expect(pacer.mode(false)).toBe('budget');
    expect(pacer.mode(true)).toBe('full-speed');
  });

  it('paces a viewer\'s step to the viewer budget and owes what it took over the budget', () => {
    const pacer = new ScanPacer(options(() => 0));
    // 6 ms of Redis CPU at 10 %: the step and its pause span 60 ms; the budget of 2 % wanted 300.
    const pause = pacer.pauseAfterStep('viewer', 0.006, 5);
    expect(pause).toBe(55);
    expect(pacer.owed).toBe(240);
    // A viewer's step pays nothing back: it pauses for itself only, whatever is owed.
    expect(pacer.pauseAfterStep('viewer', 0.006, 5)).toBe(55);
    expect(pacer.owed).toBe(480);
    expect(pacer.pauseAfterStep('viewer', 0, 5)).toBe(1);
    expect(pacer.pauseAfterStep('viewer', 5, 5)).toBe(10_000);
  });

  it('repays one page view\'s minute under the viewer budget within ten minutes at the defaults', () => {
    let now = 0;
    const pacer = new ScanPacer(options(() => now, { maxStepPauseMs: 1_000_000 }));
    pacer.noteViewer();
    // A minute of steps at 10 %: 6 ms of CPU per 60 ms.
    let cpu = 0;
    while (now < 60_000) {
      now += 5 + pacer.pauseAfterStep('viewer', 0.006, 5);
      cpu += 0.006;
    }
    expect(pacer.mode(false)).toBe('budget');
    // What the minute took over the budget is paused off before the next step, then the budget resumes.
    const repay = pacer.pauseAfterStep('budget', 0.006, 5);
    now += 5 + repay;
    cpu += 0.006;
    expect(pacer.owed).toBe(0);
    while (now < 600_000) {
      now += 5 + pacer.pauseAfterStep('budget', 0.006, 5);
      cpu += 0.006;
    }
    expect(cpu / (now / 1000)).toBeCloseTo(0.02, 4);
    expect(cpu / (now / 1000)).toBeLessThanOrEqual(0.02 + 1e-12);
  });

  it('pauses after a step so that the step\'s Redis CPU is at most the budget of the time until the next', () => {
    const pacer = new ScanPacer(options(() => 0));
    // 6 ms of Redis CPU at 2 %: the step and its pause span 300 ms.
    const pause = pacer.pauseAfterStep('budget', 0.006, 5);
    expect(pause).toBe(295);
    expect(0.006 / ((5 + pause) / 1000)).toBeLessThanOrEqual(0.02);
  });

  it('slows down when Redis is busier, whoever made it busy', () => {
    const pacer = new ScanPacer(options(() => 0));
    expect(pacer.pauseAfterStep('budget', 0.012, 5)).toBeGreaterThan(pacer.pauseAfterStep('budget', 0.006, 5));
  });

  it('never pauses less than the step pause, nor longer than the cap, nor at all beyond it at full speed', () => {
    const pacer = new ScanPacer(options(() => 0));
    expect(pacer.pauseAfterStep('budget', 0, 5)).toBe(1);
    expect(pacer.pauseAfterStep('budget', 5, 5)).toBe(10_000);
    expect(pacer.pauseAfterStep('full-speed', 5, 5)).toBe(1);
  });

  it('pays back full-speed steps before the next budgeted one, with idle time counting towards it', () => {
    let now = 0;
    const pacer = new ScanPacer(options(() => now, { maxStepPauseMs: 1_000_000 }));
    pacer.noteViewer();
    // 100 full-speed steps of 6 ms CPU in 5 ms each: the budget wanted 300 ms per step.
    for (let i = 0; i < 100; i++) expect(pacer.pauseAfterStep('full-speed', 0.006, 5)).toBe(1);
    expect(pacer.owed).toBe(100 * 294);
    pacer.idled(9_400);
    expect(pacer.owed).toBe(20_000);
    now = 120_000;
    // The first budgeted step pauses for its own cost and the rest of the debt.
    expect(pacer.pauseAfterStep('budget', 0.006, 5)).toBe(295 + 20_000);
    expect(pacer.owed).toBe(0);
    expect(pacer.pauseAfterStep('budget', 0.006, 5)).toBe(295);
  });

  it('spreads a debt over capped pauses, and never owes more than one keep-alive pause', () => {
    const pacer = new ScanPacer(options(() => 0, { maxStepPauseMs: 10_000, keepAliveMs: 50_000 }));
    for (let i = 0; i < 1000; i++) pacer.pauseAfterStep('full-speed', 0.006, 5);
    expect(pacer.owed).toBe(50_000);
    expect(pacer.pauseAfterStep('budget', 0.006, 5)).toBe(10_000);
    expect(pacer.owed).toBe(50_000 + 295 - 10_000);
  });

  it('still owes what a budgeted pause cut short did not wait out', () => {
    const pacer = new ScanPacer(options(() => 0, { maxStepPauseMs: 10_000, keepAliveMs: 50_000 }));
    for (let i = 0; i < 100; i++) pacer.pauseAfterStep('full-speed', 0.006, 5);
    expect(pacer.owed).toBe(29_400);
    expect(pacer.pauseAfterStep('budget', 0.006, 5)).toBe(10_000);
    expect(pacer.owed).toBe(19_695);
    pacer.cutShort(7_000);
    expect(pacer.owed).toBe(26_695);
  });

  it('treats an unmeasured step as Redis busy all along', () => {
    const pacer = new ScanPacer(options(() => 0));
    expect(pacer.pauseAfterStep('budget', null, 10)).toBe(490);
  });

  it('waits the interval between passes with a viewer, the keep-alive cadence without, nothing for a fresh request', () => {
    let now = 0;
    const pacer = new ScanPacer(options(() => now));
    expect(pacer.pauseBetweenPasses(false)).toBe(600_000);
    pacer.noteViewer();
    expect(pacer.pauseBetweenPasses(false)).toBe(15_000);
    expect(pacer.pauseBetweenPasses(true)).toBe(0);
    now = 120_000;
    expect(pacer.pauseBetweenPasses(false)).toBe(600_000);
  });

  it('tells how long a pass takes at the budget from what it cost Redis', () => {
    const pacer = new ScanPacer(options(() => 0));
    expect(pacer.passMsAtBudget({ steps: 0, cpuSeconds: 0, stepMs: 0, pausedMs: 0 })).toBeNull();
    // 6 CPU-seconds for a million keys at 2 %: five minutes.
    expect(pacer.passMsAtBudget({ steps: 1000, cpuSeconds: 6, stepMs: 30_000, pausedMs: 0 })).toBe(300_000);
    // A pass whose own steps take longer than that takes as long as they do.
    expect(pacer.passMsAtBudget({ steps: 10, cpuSeconds: 0.001, stepMs: 2_000, pausedMs: 0 })).toBe(2_000);
  });

  describe('the COUNT of the next SCAN', () => {
    const pacer = new ScanPacer(options(() => 0));

    it('is the configured COUNT at full speed, whatever the last step cost', () => {
      expect(pacer.scanCount('full-speed', null, 1000)).toBe(1000);
      expect(pacer.scanCount('full-speed', { count: 1000, cpuSeconds: 1, stepMs: 1000 }, 1000)).toBe(1000);
    });

    it('starts a paced walk small, below a smaller configured COUNT', () => {
      expect(pacer.scanCount('budget', null, 1000)).toBe(100);
      expect(pacer.scanCount('viewer', null, 1000)).toBe(100);
      expect(pacer.scanCount('budget', null, 40)).toBe(40);
    });

    it('sizes a paced step to about a millisecond of Redis CPU, from the last step', () => {
      expect(PACED_STEP_CPU_MS).toBe(1);
      // COUNT 1000 over 20M keys held Redis 8.8 ms: a millisecond's worth is 113.
      expect(pacer.scanCount('budget', { count: 1000, cpuSeconds: 0.0088, stepMs: 20 }, 1000)).toBe(113);
      expect(pacer.scanCount('viewer', { count: 1000, cpuSeconds: 0.0088, stepMs: 20 }, 1000)).toBe(113);
      expect(pacer.scanCount('budget', { count: 250, cpuSeconds: 0.001, stepMs: 3 }, 1000)).toBe(250);
      expect(new ScanPacer(options(() => 0, { stepCpuMs: 2 })).scanCount('budget', { count: 1000, cpuSeconds: 0.0088, stepMs: 20 }, 1000)).toBe(227);
    });

    it('grows at most twofold per step, and never past the configured COUNT', () => {
      expect(pacer.scanCount('budget', { count: 100, cpuSeconds: 0.0001, stepMs: 1 }, 1000)).toBe(200);
      expect(pacer.scanCount('budget', { count: 100, cpuSeconds: 0, stepMs: 1 }, 1000)).toBe(200);
      expect(pacer.scanCount('budget', { count: 800, cpuSeconds: 0.0001, stepMs: 1 }, 1000)).toBe(1000);
    });

    it('never asks for less than COUNT 10, or the configured COUNT when that is smaller', () => {
      expect(pacer.scanCount('budget', { count: 10, cpuSeconds: 0.05, stepMs: 60 }, 1000)).toBe(10);
      expect(pacer.scanCount('budget', { count: 7, cpuSeconds: 0.05, stepMs: 60 }, 7)).toBe(7);
    });

    it('reads an unmeasured step as Redis busy throughout it', () => {
      expect(pacer.scanCount('budget', { count: 100, cpuSeconds: null, stepMs: 4 }, 1000)).toBe(25);
    });
  });
});
