import { describe, expect, it } from 'vitest';
import { slotViewProblems } from '../../shared/admin/slots/checkSlotViews';
import { viewOwners, type SlotView } from '../../shared/admin/slots/slotViews';
import { parseClusterNodes } from '../../shared/platform/topology/parseClusterNodes';

// The comparison runs on the host's event loop for every read of a slot request's 3 s of gossip: its cost must follow
// the slots, not their square. Views as CLUSTER NODES prints them: four nodes agree that m0 owns every slot, three
// were reset (CLUSTER RESET SOFT) and know only themselves, so they give all 16,384 slots to nobody.
const id = (n: number) => String(n).repeat(40);
const line = (n: number, me: number, slots: string) => `${id(n)} 127.0.0.1:${7000 + n}@${17000 + n} ${n === me ? 'myself,' : ''}master - 0 0 ${n + 1} connected${slots}`;
function view(me: number, text: string): SlotView {
  const entries = parseClusterNodes(text);
  const self = entries.find((e) => e.flags.includes('myself')) as SlotView['self'];
  return { id: self.id, address: { host: '127.0.0.1', port: 7000 + me }, addressKey: `127.0.0.1:${7000 + me}`, role: 'master', self, view: entries, owner: viewOwners(entries), snapshot: {} as SlotView['snapshot'] };
}
const agreeing = (me: number) => view(me, [line(0, me, ' 0-16383'), line(1, me, ''), line(2, me, ''), line(3, me, '')].join('\n'));
const reset = (me: number) => view(me, line(me, me, ''));

describe('slotViewProblems', () => {
  it('16,384 disputed slots in three views: one bounded refusal naming them, in well under a second', () => {
    const views = [agreeing(0), agreeing(1), agreeing(2), agreeing(3), reset(4), reset(5), reset(6)];
    const started = performance.now();
    const problems = slotViewProblems(views);
    const took = performance.now() - started;
    expect(problems.map((p) => p.code)).toEqual(['cluster_views_disagree']);
    const message = problems[0]?.message ?? '';
    expect(message).toContain('16384 slot(s) with different owners in 7 views');
    for (const port of [7004, 7005, 7006]) expect(message).toContain(`127.0.0.1:${port} (master) sees 0-16383 owned by nobody (the others: 127.0.0.1:7000)`);
    expect(message.length).toBeLessThan(1000);
    expect(took).toBeLessThan(400); // was 2 to 4 s (the slot list copied for every slot)
  });
});
