/**
 * The page Entra redirects the sign-in popup to (`dashboard/assets/signed-in.html`, the registered SPA redirect URI):
 * it only loads MSAL's redirect bridge, which hands the answer to the console window and closes the popup. No inline
 * script (the CSP forbids it), nothing secret.
 */
export const signedInPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>Signing in — Redis Cluster Manager</title>
<script src="entra-bridge.js" defer></script>
</head>
<body>
<p>Signing in… this window closes by itself.</p>
</body>
</html>
`;
