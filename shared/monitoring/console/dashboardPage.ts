/**
 * The dashboard page: a shell the script fills; assets are relative (`dashboard/assets/...`) and served by the app.
 * Kept as a string module so `tsc` ships it inside dist/ (the deployment package is dist/ only); no backticks or
 * `${` inside, so it stays a plain raw string.
 */
export const dashboardPage = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Redis Cluster Manager — dashboard</title>
<link rel="stylesheet" href="dashboard/assets/app.css">
<script src="dashboard/assets/app.js" defer></script>
</head>
<body>
<header class="top">
  <h1>Redis Cluster Manager <span>·</span> monitoring</h1>
  <div class="grow"></div>
  <div id="range" aria-label="time range"></div>
  <div id="status">loading…</div>
</header>
<main>
  <form id="login" hidden>
    <label for="apikey">API key (reader role):</label>
    <input id="apikey" type="password" autocomplete="off" placeholder="x-api-key">
    <button type="submit">Show</button>
  </form>
  <div id="clusters"></div>
</main>
</body>
</html>
`;
