import type { RpcLogLevel } from './coreTypes.js';

/** One-line, readable host logs. Never given request bodies or keys. */
export interface HostLogger {
  host(level: RpcLogLevel, message: string): void;
  fn(level: RpcLogLevel, functionName: string, invocationId: string, message: string): void;
}

const labels: Record<RpcLogLevel, string> = {
  trace: 'Trace',
  debug: 'Debug',
  information: 'Information',
  warning: 'Warning',
  error: 'Error',
  critical: 'Critical',
  none: 'None',
};

/** Keeps each log entry on one line so a log reader never mistakes a continuation for a new entry. */
function oneLine(message: string): string {
  return message.replace(/\r?\n/g, ' \u23ce ');
}

export function createHostLogger(write: (line: string) => void): HostLogger {
  const stamp = () => new Date().toISOString();
  return {
    host(level, message) {
      write(`[${stamp()}] [${labels[level]}] host: ${oneLine(message)}`);
    },
    fn(level, functionName, invocationId, message) {
      write(`[${stamp()}] [${labels[level]}] Functions.${functionName} (Id=${invocationId}): ${oneLine(message)}`);
    },
  };
}
