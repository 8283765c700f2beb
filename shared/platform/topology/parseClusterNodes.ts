/** One line of `CLUSTER NODES`, as the node that printed it sees the node it describes. */
export interface ClusterNodeEntry {
  id: string;
  host: string;
  port: number;
  busPort: number;
  /** Announced hostname (Redis 7 `,hostname` suffix), when set. */
  hostname?: string;
  flags: string[];
  /** Id of the master for replicas, undefined for masters. */
  masterId?: string;
  pingSent: number;
  pongReceived: number;
  configEpoch: number;
  linkState: 'connected' | 'disconnected';
  /** Inclusive slot ranges served, in the order listed. */
  slots: [number, number][];
  /** The raw slot tokens (ranges only, no open-slot brackets) in the order listed, as redis-cli signs them. */
  slotTokens: string[];
  migrating: { slot: number; to: string }[];
  importing: { slot: number; from: string }[];
}

/** Parses `CLUSTER NODES` output. Lines it cannot read are skipped rather than guessed at. */
export function parseClusterNodes(text: string): ClusterNodeEntry[] {
  const entries: ClusterNodeEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    if (fields.length < 8) continue;
    const [id = '', address = '', flags = '', master = '', pingSent = '0', pong = '0', epoch = '0', link = '', ...slotFields] = fields;
    const parsed = /^(.*):(\d+)@(\d+)(?:,(.*))?$/.exec(address);
    if (!parsed) continue;
    const entry: ClusterNodeEntry = {
      id,
      host: (parsed[1] ?? '').replace(/^\[(.*)\]$/, '$1'),
      port: Number(parsed[2]),
      busPort: Number(parsed[3]),
      flags: flags.split(',').filter((f) => f !== '' && f !== 'noflags'),
      pingSent: Number(pingSent),
      pongReceived: Number(pong),
      configEpoch: Number(epoch),
      linkState: link === 'connected' ? 'connected' : 'disconnected',
      slots: [],
      slotTokens: [],
      migrating: [],
      importing: [],
    };
    if (parsed[4]) entry.hostname = parsed[4];
    if (master !== '-') entry.masterId = master;
    for (const token of slotFields) addSlotToken(entry, token);
    entries.push(entry);
  }
  return entries;
}

function addSlotToken(entry: ClusterNodeEntry, token: string): void {
  if (token === '') return;
  const open = /^\[(\d+)-([<>])-(\w+)\]$/.exec(token);
  if (open) {
    const slot = Number(open[1]);
    if (open[2] === '>') entry.migrating.push({ slot, to: open[3] ?? '' });
    else entry.importing.push({ slot, from: open[3] ?? '' });
    return;
  }
  const range = /^(\d+)(?:-(\d+))?$/.exec(token);
  if (!range) return;
  const start = Number(range[1]);
  entry.slots.push([start, range[2] === undefined ? start : Number(range[2])]);
  entry.slotTokens.push(token);
}

/** The entry flagged `myself`. */
export function selfEntry(entries: readonly ClusterNodeEntry[]): ClusterNodeEntry | undefined {
  return entries.find((e) => e.flags.includes('myself'));
}

/** True for a replica entry (`slave` flag). */
export function isReplica(entry: ClusterNodeEntry): boolean {
  return entry.flags.includes('slave');
}
