/**
 * Source of the watchdog ("reaper") process, run with `node -e` (passed through the environment). Kept as a string so it runs unchanged
 * from TypeScript sources (vitest, tsx) and from the compiled `dist/`.
 *
 * Protocol on its stdin, one command per line, tab separated: `add <pid> [graceMs]`, `del <pid>`, `dir <path>`,
 * `undir <path>`. When stdin reaches EOF (the kernel closes the pipe when the owner dies, however it dies)
 * or the owner pid disappears, it sends SIGTERM to every tracked process group, SIGKILL to each survivor after
 * its grace period (its own, or the default), removes the tracked directories, and exits.
 *
 * Exactly one SIGTERM per process: Azurite handles only the first SIGTERM (`process.once`) by saving its state
 * to disk; a second one, delivered while it is still saving, kills it with nothing saved. Signalling the group
 * and then the pid again (as this did before) lost every change Azurite held in memory when the owner died.
 */
export const REAPER_SOURCE = String.raw`
const fs = require('node:fs');
// argv: [node, 'rcm-reaper', ownerPid, graceMs]
const owner = Number(process.argv[2]);
const graceMs = Number(process.argv[3]) || 3000;
const pids = new Set();
const graces = new Map();
const dirs = new Set();
let buf = '';
let reaping = false;
function alive(pid) {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return true; }
}
function signal(pid, sig) {
  try { process.kill(-pid, sig); return; } catch {}
  try { process.kill(pid, sig); } catch {}
}
function reap() {
  if (reaping) return;
  reaping = true;
  clearInterval(poll);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const started = Date.now();
  const killed = new Set();
  const tick = setInterval(() => {
    const left = [...pids].filter(alive);
    for (const pid of left) {
      if (!killed.has(pid) && Date.now() - started >= (graces.get(pid) ?? graceMs)) {
        killed.add(pid);
        signal(pid, 'SIGKILL');
      }
    }
    if (left.some((pid) => !killed.has(pid))) return;
    clearInterval(tick);
    setTimeout(() => {
      for (const dir of dirs) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
      process.exit(0);
    }, left.length > 0 ? 300 : 0);
  }, 100);
}
const poll = setInterval(() => { try { process.kill(owner, 0); } catch { reap(); } }, 1000);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buf += chunk;
  let nl;
  while ((nl = buf.indexOf('\n')) >= 0) {
    const [op, arg, extra] = buf.slice(0, nl).split('\t');
    buf = buf.slice(nl + 1);
    if (op === 'add') {
      pids.add(Number(arg));
      if (Number(extra) > 0) graces.set(Number(arg), Number(extra));
    } else if (op === 'del') {
      pids.delete(Number(arg));
      graces.delete(Number(arg));
    }
    else if (op === 'dir') dirs.add(arg);
    else if (op === 'undir') dirs.delete(arg);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
`;
