import { systemPrincipal } from '../../shared/platform/auth/Principal';
import { collectCluster } from '../../shared/monitoring/collection/collectCluster';
import { monitoringSettings } from '../../shared/monitoring/collection/monitoringSettings';
import { openMonitoring } from '../../shared/monitoring/collection/openMonitoring';
import { runMonitorTick } from '../../shared/monitoring/collection/runMonitorTick';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { openControlPlane } from '../../shared/platform/controlPlane';
import { spawnAzurite, spawnRedisCluster } from '../../tools/local/index';
import { median, report } from '../benchResult';
import { startRedisExporter } from './monitorExporter';

const rounds = 15;

/**
 * One collector tick over a freshly spawned 6-node cluster (target ≤ 50 ms wall), and, in the same run, the time we
 * spend on one node beside one `prometheus-redis-exporter` scrape of the same node.
 */
export async function monitor(): Promise<void> {
  const [cluster, azurite] = await Promise.all([spawnRedisCluster(), spawnAzurite()]);
  const connections = new RedisConnectionManager();
  try {
    const settings = { AzureWebJobsStorage: azurite.connectionString, STATE_TABLE_PREFIX: `bench${Date.now().toString(36)}` };
    const cp = await openControlPlane(settings, { publisher: null, log: { warn: () => {}, error: () => {} } });
    const m = await openMonitoring(settings, cp, {});
    const spec = { mode: 'cluster' as const, endpoints: cluster.seeds, tls: { enabled: false }, secretRef: { kind: 'none' as const } };
    const target = await cp.clusters.put('bench', spec, { principal: systemPrincipal, correlationId: 'bench' }).then((r) => r.cluster);
    const options = { nodeTimeoutMs: 2000, slowlogEntries: 10 };
    const deps = { listClusters: () => cp.clusters.list(), connections, store: m.store, alerts: m.alerts, settings: monitoringSettings({}) };
    await runMonitorTick(deps, 48_000); // warm: connections open, tables exist

    const collect: number[] = [];
    const ticks: number[] = [];
    const perNode: number[] = [];
    const node = cluster.masters[0] as { port: number };
    const address = `127.0.0.1:${node.port}`;
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const { samples } = await connections.run(target, (c) => collectCluster(c, options));
      collect.push(performance.now() - started);
      perNode.push(samples.find((s) => s.node === address)?.durationMs ?? NaN);
      ticks.push((await runMonitorTick(deps, 48_000)).durationMs);
    }

    const exporter = await startRedisExporter(address);
    const scrapes: number[] = [];
    try {
      await exporter.scrape();
      for (let i = 0; i < rounds; i++) {
        const started = performance.now();
        await exporter.scrape();
        scrapes.push(performance.now() - started);
      }
    } finally {
      await exporter.stop();
    }
    const ours = median(perNode);
    const peer = median(scrapes);
    const tickMs = median(collect);
    const fullTickMs = median(ticks);
    console.log(`monitor: collection tick over 6 nodes ${tickMs.toFixed(1)} ms (target ≤ 50 ms: ${tickMs <= 50 ? 'met' : 'NOT met'}); full tick with Table Storage and alerts ${fullTickMs.toFixed(1)} ms`);
    report({
      scenario: 'monitor',
      what: 'one node: our collection (PING + INFO everything + CLUSTER INFO + LATENCY LATEST + SLOWLOG LEN/GET, pooled connection) vs one exporter scrape of /metrics',
      ours,
      peer,
      peerName: 'prometheus-redis-exporter scrape (Debian package)',
      unit: 'ms',
      ratio: peer / ours,
      details: {
        rounds,
        collectionTickMedianMs: tickMs,
        collectionTickTargetMs: 50,
        collectionTickTargetMet: tickMs <= 50,
        collectionTickMs: collect,
        fullTickMedianMs: fullTickMs,
        fullTickMs: ticks,
        perNodeMs: perNode,
        exporterScrapeMs: scrapes,
        node: address,
        note: 'full tick = collection + previous state read + state/history writes to Azurite + alert evaluation; the exporter opens a new connection per scrape',
      },
    });
  } finally {
    await connections.closeAll();
    await Promise.all([cluster.stop(), azurite.stop()]);
  }
}
