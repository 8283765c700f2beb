import { describe, expect, it } from 'vitest';
import { isInvalidSettingsError } from '../../shared/platform/config/InvalidSettingsError';
import { warmSettings, warmTriggerCoolDownSeconds } from '../../shared/warming/warmSettings';

describe('WARM_TRIGGER_COOLDOWN_SECONDS', () => {
  it('defaults to 300 s when unset or empty; 0 keeps only the in-flight cap', () => {
    expect(warmTriggerCoolDownSeconds({})).toBe(300);
    expect(warmTriggerCoolDownSeconds({ WARM_TRIGGER_COOLDOWN_SECONDS: '' })).toBe(300);
    expect(warmTriggerCoolDownSeconds({ WARM_TRIGGER_COOLDOWN_SECONDS: '  ' })).toBe(300); // blank, not 0 (Number(' ') is 0)
    expect(warmTriggerCoolDownSeconds({ WARM_TRIGGER_COOLDOWN_SECONDS: '0' })).toBe(0);
    expect(warmTriggerCoolDownSeconds({ WARM_TRIGGER_COOLDOWN_SECONDS: '86400' })).toBe(86_400);
  });

  it.each(['-1', '1.5', 'five', '86401'])('refuses %s, naming the setting', (value) => {
    let caught: unknown;
    try {
      warmTriggerCoolDownSeconds({ WARM_TRIGGER_COOLDOWN_SECONDS: value });
    } catch (error) {
      caught = error;
    }
    expect(isInvalidSettingsError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^invalid app settings: setting 'WARM_TRIGGER_COOLDOWN_SECONDS' /);
  });
});

describe('warmSettings', () => {
  it('an invalid WARM_TRIGGER_COOLDOWN_SECONDS does not stop the other warm settings from being read', () => {
    expect(warmSettings({ WARM_TRIGGER_COOLDOWN_SECONDS: 'five', WARM_HTTP_ALLOWED_HOSTS: 'data.example.com' }).allowedHosts).toEqual(['data.example.com']);
  });
});
