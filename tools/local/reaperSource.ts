/**
 * Source of the watchdog ("reaper") process, run with `node -e` (passed through the environment). Kept as a string so it runs unchanged
 * from TypeScript sources (vitest, tsx) and from the compiled `dist/`.
 *
 * Protocol on its stdin, one command per line, tab separated: `add <pid>`, `del <pid>`, `dir <path>`,
 * `undir <path>`. When stdin reaches EOF (the kernel closes the pipe when the owner dies, however it dies)
 * or the owner pid disappears, it sends SIGTERM to every tracked process group, SIGKILL to survivors after
 * a grace period, removes the tracked directories, and exits.
 */
export const REAPER_SOURCE = String.raw`
const fs = require('node:fs');
// argv: [node, 'rcm-reaper', ownerPid, graceMs]
const owner = Number(process.argv[2]);
const graceMs = Number(process.argv[3]) || 3000;
const pids = new Set();
const dirs = new Set();
let buf = '';
let reaping = false;
function alive(pid) {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return true; }
}
function signal(pid, sig) {
  try { process.kill(-pid, sig); } catch {}
  try { process.kill(pid, sig); } catch {}
}
function reap() {
  if (reaping) return;
  reaping = true;
  clearInterval(poll);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  const tick = setInterval(() => {
    const left = [...pids].filter(alive);
    if (left.length > 0 && Date.now() < deadline) return;
    clearInterval(tick);
    for (const pid of left) signal(pid, 'SIGKILL');
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
    const [op, arg] = buf.slice(0, nl).split('\t');
    buf = buf.slice(nl + 1);
    if (op === 'add') pids.add(Number(arg));
    else if (op === 'del') pids.delete(Number(arg));
    else if (op === 'dir') dirs.add(arg);
    else if (op === 'undir') dirs.delete(arg);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
`;
