import { describe, expect, it } from 'vitest';
import { isInvalidSettingsError } from '../../shared/platform/config/InvalidSettingsError';
import { warmSettings } from '../../shared/warming/warmSettings';

describe('WARM_TRIGGER_COOLDOWN_SECONDS', () => {
  it('defaults to 300 s when unset or empty; 0 keeps only the in-flight cap', () => {
    expect(warmSettings({}).triggerCoolDownSeconds).toBe(300);
    expect(warmSettings({ WARM_TRIGGER_COOLDOWN_SECONDS: '' }).triggerCoolDownSeconds).toBe(300);
    expect(warmSettings({ WARM_TRIGGER_COOLDOWN_SECONDS: '0' }).triggerCoolDownSeconds).toBe(0);
    expect(warmSettings({ WARM_TRIGGER_COOLDOWN_SECONDS: '86400' }).triggerCoolDownSeconds).toBe(86_400);
  });

  it.each(['-1', '1.5', 'five', '86401'])('refuses %s, naming the setting', (value) => {
    let caught: unknown;
    try {
      warmSettings({ WARM_TRIGGER_COOLDOWN_SECONDS: value });
    } catch (error) {
      caught = error;
    }
    expect(isInvalidSettingsError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^invalid app settings: setting 'WARM_TRIGGER_COOLDOWN_SECONDS' /);
  });
});
