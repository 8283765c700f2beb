import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One Application Insights envelope as the Azure Monitor exporter sends it (the fields the tests read). */
export interface TrackEnvelope {
  name: string;
  iKey?: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: { id?: string; name?: string; properties?: Record<string, string>; metrics?: { name: string; value: number }[] } };
}

export interface IngestionStandIn {
  /** The connection string that points the exporter here. */
  connectionString: string;
  envelopes: TrackEnvelope[];
  close(): Promise<void>;
}

/**
 * A local HTTPS endpoint standing in for Azure Monitor's ingestion (`POST /v2.1/track`, Breeze): records every
 * envelope the real `@azure/monitor-opentelemetry` exporter sends (gzip or not) and answers as Breeze does.
 * Not Azure: what Azure does with the envelopes is not tested here, only what the app sends it. HTTPS because the
 * exporter upgrades any ingestion endpoint to https; the certificate is a throwaway self-signed one, so the test
 * process that uses it must not verify certificates (it talks to nothing but local processes).
 */
export async function startIngestionStandIn(): Promise<IngestionStandIn> {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-ingest-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const [key, cert] = [readFileSync(join(dir, 'key.pem'), 'utf8'), readFileSync(join(dir, 'cert.pem'), 'utf8')];
  rmSync(dir, { recursive: true, force: true });
  const envelopes: TrackEnvelope[] = [];
  const server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let accepted = 0;
      if (req.method === 'POST' && (req.url ?? '').startsWith('/v2.1/track')) {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8').trim();
        // A JSON array, or newline-delimited envelopes.
        const items = (text.startsWith('[') ? JSON.parse(text) : text.split('\n').filter(Boolean).map((l) => JSON.parse(l))) as TrackEnvelope[];
        envelopes.push(...items);
        accepted = items.length;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ itemsReceived: accepted, itemsAccepted: accepted, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    connectionString: `InstrumentationKey=00000000-0000-4000-8000-000000000016;IngestionEndpoint=https://127.0.0.1:${port}/`,
    envelopes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
