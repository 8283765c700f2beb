/** The admin API's answers, as far as the console reads them (the OpenAPI document has the full shapes). */
import type { JobProgressView } from './progress';
import type { Role } from './permissions';

export interface Me {
  principal: { id: string; kind: 'api-key' | 'entra' | 'system'; role: Role };
}

export interface Cluster {
  id: string;
  displayName?: string;
  mode: string;
  endpoints: Array<{ host: string; port: number }>;
}

export interface HealthFinding {
  code: string;
  severity: 'info' | 'warning' | 'error';
  message: string;
  evidence?: Record<string, unknown>;
  fix?: string;
}

export interface Health {
  verdict: 'ok' | 'warning' | 'error';
  checkedAt: string;
  summary: Record<string, unknown>;
  findings: HealthFinding[];
}

export interface TopologyNode {
  address: string;
  id: string;
  role: string;
  masterId: string | null;
  slots: Array<[number, number]>;
  slotCount: number;
  flags: string[];
  reachable: boolean;
  unreachableReason: string | null;
  failState: string;
  linkState: string;
  metrics?: {
    keys: number;
    memory: { usedBytes: number; maxmemoryBytes: number; maxmemoryPolicy: string };
    replication: { role: string; connectedReplicas: number; masterLinkStatus: string | null; offset: number };
  } | null;
}

export interface Namespace {
  namespace: string;
  keyPattern: string;
  ttlSeconds: number | null;
  ttlJitterPercent: number;
  priority: number;
  protected: boolean;
  warmPlan: unknown;
  version: number;
  [other: string]: unknown;
}

export interface Job extends JobProgressView {
  id: string;
  kind: string;
  clusterId: string;
  namespace?: string;
  createdBy: { id: string; role: string };
  cancelRequested: boolean;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}

export interface Alert {
  rule: string;
  status: 'firing' | 'pending';
  severity: string;
  node?: string | null;
  metric: string;
  value: number | null;
  threshold: number;
  since: string;
  raisedAt: string | null;
  alertId: string | null;
}

export interface AuditEntry {
  id: string;
  type: string;
  version: number;
  time: string;
  principal: { id: string; kind: string; role: string };
  subject: string;
  data: Record<string, unknown>;
}

export interface Estimate {
  estimatedKeys: number;
  margin95: number;
  method: string;
}

export interface Measured {
  value: number;
  errorBound95: number;
}

export interface AnalysisReport {
  jobId: string;
  mode: string;
  completedAt: string;
  summary: {
    keysProbed: number;
    totals: { keys: Measured; memoryBytes: Measured };
    namespaces: Array<{ namespace: string; configured: boolean; keys: Measured; memoryBytes: Measured; memoryShare: number; ttl: Record<string, { keys: number; memoryBytes: number }> }>;
    topKeys: Array<{ key: string; keyEncoding: string; type: string; memoryBytes: number; ttlMs: number | null; node: string }>;
  };
  recommendation: { current: string | null; recommended: string; reasons: Array<{ rule: string; message: string }>; warnings: Array<{ rule: string; message: string }> };
}
