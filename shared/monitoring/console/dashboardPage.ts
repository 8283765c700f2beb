/**
 * The console's page: a shell the bundled script fills. Everything it loads is relative (`dashboard/assets/...`),
 * served by the app; there is no inline script or style (the CSP forbids both) and nothing secret in it.
 */
export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Redis Cluster Manager</title>
<link rel="stylesheet" href="dashboard/assets/console.css">
<script src="dashboard/assets/console.js" defer></script>
</head>
<body>
<header class="top">
  <h1><a href="#/">Redis Cluster Manager</a></h1>
  <nav class="top-nav" aria-label="console"><a href="#/">Fleet</a> <a href="#/channels">Notification channels</a></nav>
  <div class="grow"></div>
  <div id="status" role="status" aria-live="polite">loading…</div>
  <div id="who"></div>
</header>
<main id="main" tabindex="-1"></main>
<div id="messages" aria-live="polite"></div>
</body>
</html>
`;
