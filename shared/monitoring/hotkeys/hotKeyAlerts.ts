import { createHash } from 'node:crypto';
import type { ControlPlane } from '../../platform/controlPlane';
import { loadSettings } from '../../platform/config/loadSettings';
import type { HotKeyValue } from '../alerts/evaluateAlerts';
import { openMonitoring } from '../collection/openMonitoring';
import type { HotkeysReport } from './hotkeysReport';

/**
 * A finished radar's keys to the `hot_key` alert rule (share of the node's commands over the whole radar): a key at
 * or above `raiseAt` raises one `Alert.Raised` (with `key`), a later radar that finds it below `clearAt` or not among
 * its top keys resolves it. Re-running the final chunk after a crash evaluates the same values again: no second event.
 */
export async function recordHotKeyAlerts(cp: ControlPlane, clusterId: string, jobId: string, report: HotkeysReport): Promise<void> {
  const values: HotKeyValue[] = report.keys
    .filter((k) => k.share !== null)
    .map((k) => {
      const key = k.keyEncoding === 'base64' ? `b64:${k.key}` : k.key;
      return { node: k.node, subject: { key }, subjectId: createHash('sha256').update(JSON.stringify([k.node, key])).digest('hex').slice(0, 20), value: k.share as number };
    });
  const monitoring = await openMonitoring(loadSettings(), cp);
  await monitoring.alerts.evaluateHotKeys(clusterId, values, Date.now(), jobId);
}
