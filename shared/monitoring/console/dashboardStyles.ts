/**
 * The dashboard's stylesheet.
 * Kept as a string module so `tsc` ships it inside dist/ (the deployment package is dist/ only); no backticks or
 * `${` inside, so it stays a plain raw string.
 */
export const dashboardStyles = String.raw`:root { --bg: #0b1020; --panel: #131a2e; --panel2: #182038; --line: #26304d; --text: #e6e9f2; --muted: #8a93b2; --ok: #2ec4b6; --warn: #ffb703; --bad: #ef476f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
.top { display: flex; align-items: center; gap: 16px; padding: 14px 24px; background: linear-gradient(90deg, #111833, #1a1440); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
.top h1 { font-size: 18px; margin: 0; font-weight: 650; letter-spacing: .2px; }
.top h1 span { color: #f72585; }
.top .grow { flex: 1; }
#range button { background: transparent; color: var(--muted); border: 1px solid var(--line); padding: 4px 10px; margin-left: 4px; border-radius: 6px; cursor: pointer; }
#range button.active { color: var(--text); background: var(--panel2); border-color: #4cc9f0; }
#status { color: var(--muted); font-size: 12px; min-width: 140px; text-align: right; }
main { padding: 18px 24px 40px; max-width: 1600px; margin: 0 auto; }
#login { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 18px; margin-bottom: 18px; display: flex; gap: 10px; align-items: center; }
#login[hidden] { display: none; }
#login input { flex: 1; background: var(--bg); color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
#login button { background: #4cc9f0; color: #041018; border: 0; border-radius: 6px; padding: 8px 14px; font-weight: 600; cursor: pointer; }
.cluster { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 16px 18px; margin-bottom: 22px; }
.cluster-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; margin-bottom: 12px; }
.cluster-head h2 { margin: 0 8px 0 0; font-size: 20px; }
.pill { font-size: 12px; padding: 2px 9px; border-radius: 999px; background: var(--panel2); border: 1px solid var(--line); color: var(--muted); }
.pill.ok { color: var(--ok); border-color: rgba(46,196,182,.4); }
.pill.warn { color: var(--warn); border-color: rgba(255,183,3,.4); }
.pill.bad { color: #fff; background: var(--bad); border-color: var(--bad); }
.muted { color: var(--muted); } .small { font-size: 12px; } .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin-bottom: 14px; }
.tile { background: var(--panel2); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; }
.tile .label { color: var(--muted); font-size: 12px; }
.tile .value { font-size: 22px; font-weight: 650; margin-top: 2px; }
.tile.warn .value { color: var(--warn); } .tile.bad .value { color: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 12px; }
.chart { margin: 0; background: var(--panel2); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px 8px; }
.chart figcaption { font-weight: 600; font-size: 13px; margin-bottom: 4px; }
.plot { width: 100%; height: auto; display: block; }
.plot .grid { stroke: var(--line); stroke-width: 1; }
.plot .tick { fill: var(--muted); font-size: 10.5px; }
.plot .line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.plot .area { opacity: .15; }
.plot .limit { fill: none; stroke-width: 1.4; stroke-dasharray: 6 4; opacity: .8; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 11.5px; color: var(--muted); margin-top: 4px; }
.legend i { display: inline-block; width: 10px; height: 3px; border-radius: 2px; margin-right: 5px; vertical-align: middle; }
.legend i.dash { height: 0; border-top: 2px dashed; background: none; }
.legend b { color: var(--text); font-weight: 600; }
.lower { display: grid; grid-template-columns: 2fr 1fr; gap: 12px; margin-top: 12px; }
@media (max-width: 1100px) { .lower { grid-template-columns: 1fr; } }
.side { display: grid; gap: 12px; align-content: start; }
.panel { background: var(--panel2); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; }
.panel h3 { margin: 0 0 8px; font-size: 13px; }
table { width: 100%; border-collapse: collapse; font-size: 12.5px; }
th { text-align: left; color: var(--muted); font-weight: 500; padding: 4px 6px; border-bottom: 1px solid var(--line); }
td { padding: 5px 6px; border-bottom: 1px solid rgba(38,48,77,.5); vertical-align: middle; }
tr.shard-start td { border-top: 1px solid var(--line); }
tr.down td { color: var(--bad); }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; }
.dot.down { background: var(--bad); box-shadow: 0 0 0 3px rgba(239,71,111,.25); }
.bar { height: 4px; background: var(--line); border-radius: 2px; margin-top: 3px; width: 110px; }
.bar span { display: block; height: 4px; border-radius: 2px; background: linear-gradient(90deg, #06d6a0, #ffb703, #ef476f); }
.empty { color: var(--muted); padding: 18px 6px; text-align: center; }
.empty.ok { color: var(--ok); } .empty.bad { color: var(--bad); }
ul.alerts, ul.jobs { list-style: none; margin: 0; padding: 0; }
ul.alerts li, ul.jobs li { padding: 7px 8px; border-left: 3px solid var(--warn); background: rgba(255,255,255,.02); margin-bottom: 6px; border-radius: 4px; }
ul.alerts li.critical { border-left-color: var(--bad); } ul.alerts li.info { border-left-color: #4cc9f0; }
ul.alerts li.pending { opacity: .75; }
`;
